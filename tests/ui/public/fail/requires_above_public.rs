// `#[requires]` runs first and sees `#[public]` below it, with a route attribute between.
use actix_web::get;
use auth_actix::{public, requires};

#[requires(scopes = ["admin"])]
#[get("/admin")]
#[public]
async fn admin() -> &'static str {
    "admin"
}

fn main() {}
