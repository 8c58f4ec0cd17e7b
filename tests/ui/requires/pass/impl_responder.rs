// `impl Responder` return types, which the guard cannot name and leaves to inference.
use actix_web::{error, web, App, Responder};
use auth_actix::requires;

#[requires]
async fn greet(name: web::Path<String>) -> impl Responder {
    if name.is_empty() {
        return "hello, stranger".to_owned();
    }
    format!("hello, {name}")
}

#[requires]
async fn parse(raw: web::Path<String>) -> Result<impl Responder, actix_web::Error> {
    let number: u8 = raw.parse().map_err(error::ErrorBadRequest)?;
    Ok(number.to_string())
}

fn main() {
    let _app = App::new()
        .route("/greet/{name}", web::get().to(greet))
        .route("/parse/{raw}", web::get().to(parse));
}
