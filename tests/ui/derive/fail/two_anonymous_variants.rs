use auth_actix::AuthUser;

#[derive(AuthUser)]
enum Visitor {
    #[auth(anonymous)]
    Anonymous,
    #[auth(anonymous)]
    Guest,
    Member(#[auth(identity)] String),
}

fn main() {}
