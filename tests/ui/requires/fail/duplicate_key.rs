use actix_web::HttpResponse;
use auth_actix::requires;

#[requires(scopes = ["read"], status_code = 404, scopes = ["write"])]
async fn handler() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
