// `?` and early `return` in the body keep working against the declared return type.
use actix_web::{error, web, App, HttpResponse};
use auth_actix::requires;

#[requires(scopes = ["numbers"])]
async fn double(raw: web::Path<String>) -> Result<HttpResponse, actix_web::Error> {
    let number: i64 = raw.parse().map_err(error::ErrorBadRequest)?;
    if number == 0 {
        return Ok(HttpResponse::NoContent().finish());
    }
    let doubled = number
        .checked_mul(2)
        .ok_or_else(|| error::ErrorBadRequest("too big"))?;
    Ok(HttpResponse::Ok().body(doubled.to_string()))
}

fn main() {
    let _app = App::new().route("/{n}", web::get().to(double));
}
