use auth_actix::AuthUser;

#[derive(AuthUser)]
enum Visitor {
    #[auth(anonymous)]
    Anonymous(String),
    Member(#[auth(identity)] String),
}

fn main() {}
