use auth_actix::AuthUser;

#[derive(AuthUser)]
enum Visitor {}

fn main() {}
