use auth_actix::AuthUser;

#[derive(AuthUser)]
enum Visitor {
    #[auth(anonymous)]
    Anonymous,
    Member {
        id: String,
        name: String,
    },
}

fn main() {}
