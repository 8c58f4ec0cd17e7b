use auth_actix::public;

#[public]
fn homepage() -> &'static str {
    "home"
}

fn main() {}
