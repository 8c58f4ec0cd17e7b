use auth_actix::requires;

#[derive(auth_actix::Scope, Clone, Copy)]
enum Scope {
    #[scope("admin")]
    Admin,
}

#[requires(scopes = [Scope::Admin, "x", Scope :: Admin])]
async fn admin() -> &'static str {
    "admin"
}

fn main() {}
