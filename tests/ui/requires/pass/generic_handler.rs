// Generics and `where` clauses on the handler are kept.
use actix_web::{web, App, HttpResponse};
use auth_actix::requires;
use serde::de::DeserializeOwned;

#[requires(scopes = ["import"])]
pub async fn import<T>(body: web::Json<Vec<T>>) -> HttpResponse
where
    T: DeserializeOwned + std::fmt::Debug + 'static,
{
    HttpResponse::Ok().body(format!("{:?}", body.into_inner()))
}

fn main() {
    let _app = App::new().route("/", web::post().to(import::<u8>));
}
