// Tuple fields are marked by position.
use auth_actix::AuthUser;

#[derive(AuthUser)]
struct ApiKey(u8, #[auth(display_name)] String, #[auth(identity)] String);

fn main() {
    let key = ApiKey(0, "ci bot".into(), "key-42".into());
    assert!(key.is_authenticated());
    assert_eq!(key.identity(), "key-42");
    assert_eq!(key.display_name(), "ci bot");
    assert_eq!(key.0, 0);
}
