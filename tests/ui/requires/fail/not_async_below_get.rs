use actix_web::{get, App, HttpResponse};
use auth_actix::requires;

#[requires(scopes = ["read"])]
#[get("/")]
fn handler() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {
    let _app = App::new().service(handler);
}
