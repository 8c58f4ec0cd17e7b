// Every key, in any order, with both kinds of redirect target and a trailing comma.
use actix_web::{web, App, HttpResponse};
use auth_actix::requires;

#[requires(scopes = ["posts:read", "posts:write"], status_code = 404, redirect = "login")]
async fn edit() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[requires(redirect = "/accounts/login?reason=expired", scopes = ["admin"], status_code = 403_u16,)]
async fn admin() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {
    let _app = App::new()
        .route("/edit", web::get().to(edit))
        .route("/admin", web::get().to(admin));
}
