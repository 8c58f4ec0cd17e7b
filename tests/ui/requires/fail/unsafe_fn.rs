use actix_web::HttpResponse;
use auth_actix::requires;

#[requires]
async unsafe fn handler() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
