use actix_web::HttpResponse;
use auth_actix::requires;

#[requires(status_code = "404")]
async fn handler() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
