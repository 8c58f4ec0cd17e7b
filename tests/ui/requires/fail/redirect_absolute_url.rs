use actix_web::HttpResponse;
use auth_actix::requires;

#[requires(redirect = "https://login.example.com/")]
async fn handler() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
