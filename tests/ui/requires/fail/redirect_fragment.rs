use actix_web::HttpResponse;
use auth_actix::requires;

#[requires(redirect = "/login#form")]
async fn handler() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
