use auth_actix::AuthUser;

#[derive(AuthUser)]
struct User {
    #[auth(identity = "id")]
    id: String,
}

fn main() {}
