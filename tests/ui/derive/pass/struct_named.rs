// Named fields, each marked; any `AsRef<str>` type works.
use auth_actix::AuthUser;

#[derive(AuthUser)]
struct Member {
    #[auth(identity)]
    email: String,
    #[auth(display_name)]
    name: Box<str>,
}

fn main() {
    let member = Member {
        email: "ada@example.com".into(),
        name: "Ada".into(),
    };
    assert!(member.is_authenticated());
    assert_eq!(member.identity(), "ada@example.com");
    assert_eq!(member.display_name(), "Ada");
}
