// Destructuring patterns, `mut` bindings and several extractors in one handler.
use actix_web::{web, App, HttpRequest, HttpResponse};
use auth_actix::requires;
use serde::Deserialize;

#[derive(Deserialize)]
struct Post {
    title: String,
}

#[requires(scopes = ["posts:write"])]
async fn create(
    req: HttpRequest,
    web::Json(Post { title }): web::Json<Post>,
    mut tags: web::Query<Vec<(String, String)>>,
    path: web::Path<(u32, String)>,
    _: web::Data<()>,
) -> HttpResponse {
    let (id, slug) = path.into_inner();
    tags.push(("id".to_owned(), id.to_string()));
    HttpResponse::Ok().body(format!("{} {title} {slug} {}", req.path(), tags.len()))
}

fn main() {
    let _app = App::new().route("/{id}/{slug}", web::post().to(create));
}
