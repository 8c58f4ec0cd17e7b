// A variant with one unmarked field delegates to that field's own `AuthUser` impl.
use auth_actix::{AuthUser, SimpleUser};

#[derive(AuthUser)]
enum Visitor {
    #[auth(anonymous)]
    Anonymous,
    Staff(SimpleUser),
    Service {
        account: SimpleUser,
    },
}

fn main() {
    let staff = Visitor::Staff(SimpleUser::new("s-9"));
    assert!(staff.is_authenticated());
    assert_eq!((staff.identity(), staff.display_name()), ("s-9", "s-9"));

    let account = SimpleUser::new("svc");
    let service = Visitor::Service { account };
    assert_eq!(service.identity(), "svc");
    assert!(!Visitor::Anonymous.is_authenticated());
}
