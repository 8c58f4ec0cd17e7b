// `#[get]` below `#[requires]`: it is kept on the guarded function and expands after ours.
use actix_web::{get, web, App, HttpResponse};
use auth_actix::requires;

#[requires(scopes = ["posts:read"])]
#[get("/posts/{id}")]
async fn show(id: web::Path<u32>) -> HttpResponse {
    HttpResponse::Ok().body(format!("post {}", id.into_inner()))
}

fn main() {
    let _app = App::new().service(show);
}
