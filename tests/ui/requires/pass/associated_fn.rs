// An associated function in an impl block, routed by path.
use actix_web::{web, App, HttpResponse};
use auth_actix::requires;

struct Api;

impl Api {
    #[requires(scopes = ["api"])]
    async fn handler(query: web::Query<Vec<(String, String)>>) -> HttpResponse {
        HttpResponse::Ok().body(format!("{} pairs", query.len()))
    }
}

fn main() {
    let _app = App::new().route("/", web::get().to(Api::handler));
}
