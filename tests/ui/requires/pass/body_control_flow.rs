// Early `return`, `?` and coercions in the body are checked against the declared return type.
use actix_web::{error, web, App, HttpResponse};
use auth_actix::requires;

#[requires]
async fn lookup(key: web::Path<String>) -> Result<Box<dyn AsRef<str>>, actix_web::Error> {
    if key.is_empty() {
        return Err(error::ErrorBadRequest("empty key"));
    }
    let n: u8 = key.parse().map_err(error::ErrorNotFound)?;
    Ok(Box::new(n.to_string()))
}

#[requires]
async fn render(key: web::Path<String>) -> Result<HttpResponse, actix_web::Error> {
    let _ = key;
    Ok(HttpResponse::Ok().finish())
}

fn main() {
    let _app = App::new().route("/{key}", web::get().to(render));
    let _ = lookup;
}
