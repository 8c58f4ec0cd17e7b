// A typed scope whose enum does not derive `Scope`.
use auth_actix::requires;

#[derive(Clone, Copy)]
enum Role {
    Admin,
}

#[requires(scopes = [Role::Admin])]
async fn admin() -> &'static str {
    "admin"
}

fn main() {}
