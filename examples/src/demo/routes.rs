//! The demo's routes: Starlette's reference application, a user listing, notes and the
//! route audit.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::{from_fn, Next};
use actix_web::{web, Error, HttpRequest, HttpResponse};
use auth_actix::{
    audit, handlers, public, requires, AuthUser, CurrentUser, Guarded, Policy, ScopeExpr, User,
};
use serde_json::{json, Value};

use super::notes::{note_in_path, owns_note};
use super::{Scope, UserStore, Visitor};

/// Every handler [`configure`] routes to, for the route audit: each one must be guarded by
/// `#[requires]` or marked `#[public]` (see `auth_actix::audit`). Keep it beside `configure`.
pub const HANDLERS: &[&str] = &handlers![
    homepage,
    dashboard,
    admin,
    decorated,
    websocket,
    list_users,
    list_policies,
    list_notes,
    show_note,
];

// any("admin", all("authenticated", not("suspended")))
/// The guard of the whole `/notes` scope.
static NOTES_AREA: Policy = Policy::new("notes-area").expr(&ScopeExpr::Any(&[
    ScopeExpr::Scope("admin"),
    ScopeExpr::All(&[
        ScopeExpr::Scope("authenticated"),
        ScopeExpr::Not(&ScopeExpr::Scope("suspended")),
    ]),
]));

/// Registers every demo route; the application must also hold a `web::Data<UserStore>`.
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
        .service(web::resource("/admin/policies").get(list_policies))
        .service(
            web::scope("/notes")
                .wrap(Guarded::new(NOTES_AREA))
                .service(web::resource("").get(list_notes))
                .service(web::resource("/{id}").get(show_note)),
        );
}

/// The JSON every reference endpoint answers: `{"authenticated":..,"user":".."}`.
fn describe(user: &impl AuthUser) -> Value {
    json!({
        "authenticated": user.is_authenticated(),
        "user": user.display_name(),
    })
}

#[public]
async fn homepage(CurrentUser(visitor): CurrentUser<Visitor>) -> HttpResponse {
    HttpResponse::Ok().json(describe(&visitor))
}

#[requires(scopes = ["authenticated"])]
async fn dashboard(User(visitor): User<Visitor>) -> HttpResponse {
    HttpResponse::Ok().json(describe(&visitor))
}

#[requires(scopes = ["authenticated"], redirect = "homepage")]
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

#[requires(scopes = [Scope::Admin])]
async fn list_users(store: web::Data<UserStore>) -> Result<HttpResponse, Error> {
    let store = store.into_inner();
    let accounts = web::block(move || store.list())
        .await?
        .map_err(actix_web::error::ErrorServiceUnavailable)?;
    Ok(HttpResponse::Ok().json(accounts))
}

/// Every handler marked `#[requires]` or `#[public]` in the program, with its policy.
#[requires(scopes = [Scope::Admin])]
async fn list_policies() -> HttpResponse {
    let routes: Vec<Value> = audit::routes()
        .into_iter()
        .map(|route| {
            json!({
                "handler": route.path_name(),
                "methods": route.methods(),
                "route": route.route(),
                "access": route.access().to_string(),
                "check": route.check(),
            })
        })
        .collect();
    HttpResponse::Ok().json(routes)
}

#[requires(scopes = [Scope::Authenticated])]
async fn list_notes(
    User(visitor): User<Visitor>,
    store: web::Data<UserStore>,
) -> Result<HttpResponse, Error> {
    let store = store.into_inner();
    let owner = visitor.identity().to_owned();
    let notes = web::block(move || store.notes_of(&owner))
        .await?
        .map_err(actix_web::error::ErrorServiceUnavailable)?;
    Ok(HttpResponse::Ok().json(notes))
}

#[requires(
    scopes = [any(Scope::Admin, all(Scope::Authenticated, not(Scope::Suspended)))],
    check = owns_note,
)]
async fn show_note(req: HttpRequest) -> Result<HttpResponse, Error> {
    let note = note_in_path(&req).await?;
    Ok(HttpResponse::Ok().json(note))
}
