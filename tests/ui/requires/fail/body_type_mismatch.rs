use actix_web::HttpResponse;
use auth_actix::requires;

#[requires]
async fn handler() -> HttpResponse {
    "not a response"
}

fn main() {}
