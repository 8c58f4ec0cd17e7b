// An enum of signed-in users alone needs no anonymous variant; it just gets no `FromAnonymous`.
use auth_actix::{AuthUser, SimpleUser};

#[derive(AuthUser)]
enum Account {
    Member(#[auth(identity)] String),
    Staff(SimpleUser),
}

fn main() {
    let member = Account::Member("m-1".to_owned());
    assert!(member.is_authenticated());
    assert_eq!(member.identity(), "m-1");
    assert_eq!(Account::Staff(SimpleUser::new("s")).display_name(), "s");
}
