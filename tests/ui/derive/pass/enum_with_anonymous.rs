// An enum: an anonymous unit variant and marked variants, named and tuple.
use auth_actix::{AuthUser, FromAnonymous};

#[derive(AuthUser)]
enum Visitor {
    #[auth(anonymous)]
    Anonymous,
    Member {
        #[auth(identity)]
        id: String,
        #[auth(display_name)]
        name: String,
    },
    Guest(#[auth(identity, display_name)] String),
}

fn main() {
    let anonymous = Visitor::anonymous();
    assert!(!anonymous.is_authenticated());
    assert_eq!((anonymous.identity(), anonymous.display_name()), ("", ""));

    let (id, name) = ("7".to_owned(), "Grace".to_owned());
    let member = Visitor::Member { id, name };
    assert!(member.is_authenticated());
    assert_eq!((member.identity(), member.display_name()), ("7", "Grace"));

    let guest = Visitor::Guest("g-1".into());
    assert_eq!((guest.identity(), guest.display_name()), ("g-1", "g-1"));
}
