// Without `#[auth(display_name)]`, the identity field is also the display name.
use auth_actix::AuthUser;

#[derive(AuthUser)]
struct Service {
    #[auth(identity)]
    key: &'static str,
}

fn main() {
    let service = Service { key: "svc-1" };
    assert_eq!(service.identity(), "svc-1");
    assert_eq!(service.display_name(), "svc-1");
}
