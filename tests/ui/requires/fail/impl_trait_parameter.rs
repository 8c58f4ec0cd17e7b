use actix_web::{FromRequest, HttpResponse};
use auth_actix::requires;

#[requires]
async fn handler(extracted: impl FromRequest) -> HttpResponse {
    let _ = extracted;
    HttpResponse::Ok().finish()
}

fn main() {}
