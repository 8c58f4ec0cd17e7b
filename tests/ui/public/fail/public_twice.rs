// `#[public]` twice would register the handler twice.
use actix_web::get;
use auth_actix::public;

#[get("/")]
#[public]
#[public]
async fn homepage() -> &'static str {
    "hello"
}

fn main() {}
