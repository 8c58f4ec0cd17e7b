use auth_actix::AuthUser;

#[derive(AuthUser)]
struct User {
    #[auth(identity, display_name)]
    id: String,
    #[auth(display_name)]
    name: String,
}

fn main() {}
