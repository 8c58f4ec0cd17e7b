use auth_actix::AuthUser;

#[derive(AuthUser)]
#[auth(anonymous)]
struct User {
    #[auth(identity)]
    id: String,
}

fn main() {}
