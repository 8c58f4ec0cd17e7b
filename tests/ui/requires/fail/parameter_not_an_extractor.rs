use actix_web::{web, App, HttpResponse};
use auth_actix::requires;

struct NotAnExtractor;

#[requires]
async fn handler(body: String, other: NotAnExtractor) -> HttpResponse {
    let _ = (body, other);
    HttpResponse::Ok().finish()
}

fn main() {
    let _app = App::new().route("/", web::get().to(handler));
}
