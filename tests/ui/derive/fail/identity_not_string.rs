use auth_actix::AuthUser;

#[derive(AuthUser)]
struct User {
    #[auth(identity)]
    id: u64,
}

fn main() {}
