use auth_actix::AuthUser;

#[derive(AuthUser)]
struct User {
    #[auth(id)]
    id: String,
}

fn main() {}
