use auth_actix::AuthUser;

#[derive(AuthUser)]
struct User {
    id: String,
    #[auth(display_name)]
    name: String,
}

fn main() {}
