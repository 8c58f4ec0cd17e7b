// `#[get]` above `#[requires]`: actix moves the function into its `register` body, where ours
// then expands.
use actix_web::{get, web, App, HttpResponse};
use auth_actix::requires;

#[get("/posts/{id}")]
#[requires(scopes = ["posts:read"])]
async fn show(id: web::Path<u32>) -> HttpResponse {
    HttpResponse::Ok().body(format!("post {}", id.into_inner()))
}

fn main() {
    let _app = App::new().service(show);
}
