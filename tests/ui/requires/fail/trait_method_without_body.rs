use actix_web::HttpResponse;
use auth_actix::requires;

trait Api {
    #[requires]
    async fn handler() -> HttpResponse;
}

fn main() {}
