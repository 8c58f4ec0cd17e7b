use auth_actix::public;

#[public(everyone)]
async fn homepage() -> &'static str {
    "home"
}

fn main() {}
