// `#[public]` runs first and sees `#[requires]` below it.
use auth_actix::{public, requires};

#[public]
#[requires(scopes = ["admin"])]
async fn admin() -> &'static str {
    "admin"
}

fn main() {}
