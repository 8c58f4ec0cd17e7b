use auth_actix::AuthUser;

struct Staff {
    id: String,
}

#[derive(AuthUser)]
enum Visitor {
    #[auth(anonymous)]
    Anonymous,
    Staff(Staff),
}

fn main() {}
