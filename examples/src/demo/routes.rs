//! The demo's routes: Starlette's reference application, a user listing and the login.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::{from_fn, Next};
use actix_web::{web, Error, HttpRequest, HttpResponse};
use auth_actix::{requires, AuthUser, CurrentUser, User};
use serde_json::{json, Value};

use super::{login, UserStore, Visitor};

/// Registers every demo route; the application must also hold a `web::Data<UserStore>` and
/// a `web::Data<DemoSessions>`.
///
/// Routes are resources with a GET route, so another method gets 405 before any guard runs.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/").name("homepage").get(homepage))
        .service(web::resource("/dashboard").get(dashboard))
        .service(web::resource("/admin").get(admin))
        .service(
            web::resource("/dashboard/decorated")
                .wrap(from_fn(add_payload))
                .get(decorated),
        )
        .service(web::resource("/ws").get(websocket))
        .service(web::resource("/admin/users").get(list_users))
        .service(
            web::resource("/login")
                .name("login")
                .get(login::login_form)
                .post(login::login),
        )
        .service(web::resource("/logout").post(login::logout));
}

/// The JSON every reference endpoint answers: `{"authenticated":..,"user":".."}`.
fn describe(user: &impl AuthUser) -> Value {
    json!({
        "authenticated": user.is_authenticated(),
        "user": user.display_name(),
    })
}

async fn homepage(CurrentUser(visitor): CurrentUser<Visitor>) -> HttpResponse {
    HttpResponse::Ok().json(describe(&visitor))
}

#[requires(scopes = ["authenticated"])]
async fn dashboard(User(visitor): User<Visitor>) -> HttpResponse {
    HttpResponse::Ok().json(describe(&visitor))
}

#[requires(scopes = ["authenticated"], redirect = "login")]
async fn admin(User(visitor): User<Visitor>) -> HttpResponse {
    HttpResponse::Ok().json(describe(&visitor))
}

#[requires(scopes = ["authenticated"])]
async fn decorated(User(visitor): User<Visitor>) -> HttpResponse {
    HttpResponse::Ok().json(describe(&visitor))
}

/// Another decorator around a guarded handler: adds `"additional":"payload"` to its JSON.
async fn add_payload(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let response = next.call(req).await?.map_into_boxed_body();
    if !response.status().is_success() {
        return Ok(response);
    }

    let (req, response) = response.into_parts();
    let (response, body) = response.into_parts();
    let bytes = actix_web::body::to_bytes(body).await?;
    let mut json: Value = serde_json::from_slice(&bytes)?;
    json["additional"] = json!("payload");

    let response = response.set_body(json.to_string()).map_into_boxed_body();
    Ok(ServiceResponse::new(req, response))
}

#[requires(scopes = ["authenticated"])]
async fn websocket(
    req: HttpRequest,
    body: web::Payload,
    User(visitor): User<Visitor>,
) -> Result<HttpResponse, Error> {
    let (response, mut session, _messages) = actix_ws::handle(&req, body)?;

    actix_web::rt::spawn(async move {
        let text = describe(&visitor).to_string();
        if session.text(text).await.is_ok() {
            let _ = session.close(None).await;
        }
    });
    Ok(response)
}

#[requires(scopes = ["admin"])]
async fn list_users(store: web::Data<UserStore>) -> Result<HttpResponse, Error> {
    let store = store.into_inner();
    let accounts = web::block(move || store.list())
        .await?
        .map_err(actix_web::error::ErrorServiceUnavailable)?;
    Ok(HttpResponse::Ok().json(accounts))
}
