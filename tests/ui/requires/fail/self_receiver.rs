use actix_web::HttpResponse;
use auth_actix::requires;

struct Api;

impl Api {
    #[requires]
    async fn handler(&self) -> HttpResponse {
        HttpResponse::Ok().finish()
    }
}

fn main() {}
