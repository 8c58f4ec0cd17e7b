use auth_actix::AuthUser;

#[derive(AuthUser)]
struct User {
    #[auth(identity)]
    id: String,
    #[auth(identity)]
    email: String,
}

fn main() {}
