use actix_web::HttpResponse;
use auth_actix::requires;

#[requires(scopes = ["read", "write", "read"])]
async fn handler() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
