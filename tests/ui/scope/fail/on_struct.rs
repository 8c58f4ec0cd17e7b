#[derive(auth_actix::Scope, Clone, Copy)]
struct Scope;

fn main() {}
