// A generic enum delegating to a type parameter bounded by `AuthUser`.
use auth_actix::{AuthUser, FromAnonymous, SimpleUser};

#[derive(AuthUser)]
enum MaybeUser<U: AuthUser> {
    #[auth(anonymous)]
    Nobody,
    Someone(U),
}

fn main() {
    let someone = MaybeUser::Someone(SimpleUser::new("ada"));
    assert_eq!(someone.identity(), "ada");
    assert!(someone.is_authenticated());
    assert!(!MaybeUser::<SimpleUser>::anonymous().is_authenticated());
}
