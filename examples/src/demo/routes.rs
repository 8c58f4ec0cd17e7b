//! The demo's routes: Starlette's reference application, a user listing, the login, API
//! keys, notes and the route audit.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::{from_fn, Next};
use actix_web::{web, Error, HttpRequest, HttpResponse};
use auth_actix::jwt::TokenSigner;
use auth_actix::{
    audit, handlers, public, requires, AuthUser, Authentication, CurrentUser, Guarded, Policy,
    ScopeExpr, Scopes, User,
};
use serde::Deserialize;
use serde_json::{json, Value};

use super::notes::{note_in_path, owns_note};
use super::{is_valid_scope, key_page, login, Scope, UserStore, Visitor};

/// Every handler [`configure`] routes to, for the route audit: each one must be guarded by
/// `#[requires]` or marked `#[public]` (see `auth_actix::audit`). Keep it beside `configure`.
pub const HANDLERS: &[audit::HandlerRef] = &handlers![
    homepage,
    dashboard,
    admin,
    decorated,
    websocket,
    list_users,
    list_policies,
    list_notes,
    show_note,
    create_api_key,
    list_api_keys,
    revoke_api_key,
    key_page::key_page,
    key_page::submit_key_form,
    whoami,
    issue_token,
    login::login_form,
    login::login,
    login::logout,
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
            web::resource("/admin/api-keys")
                .post(create_api_key)
                .get(list_api_keys),
        )
        // Before `/admin/api-keys/{id}`, which would otherwise take `page` for a key id.
        .service(
            web::resource(key_page::KEY_PAGE)
                .get(key_page::key_page)
                .post(key_page::submit_key_form),
        )
        .service(web::resource("/admin/api-keys/{id}").delete(revoke_api_key))
        .service(web::resource("/api/whoami").get(whoami))
        .service(web::resource("/token").post(issue_token))
        .service(web::resource("/admin/policies").get(list_policies))
        .service(
            web::scope("/notes")
                .wrap(Guarded::new(NOTES_AREA))
                .service(web::resource("").get(list_notes))
                .service(web::resource("/{id}").get(show_note)),
        )
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

#[public]
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

#[requires(scopes = [Scope::Admin])]
async fn list_users(store: web::Data<UserStore>) -> Result<HttpResponse, Error> {
    let store = store.into_inner();
    let accounts = web::block(move || store.list())
        .await?
        .map_err(super::store::unavailable)?;
    Ok(HttpResponse::Ok().json(accounts))
}

/// The body of `POST /admin/api-keys`.
#[derive(Deserialize)]
struct NewKeyRequest {
    scopes: Vec<String>,
}

/// Creates a key for the calling admin; the plaintext is in this response and nowhere else.
///
/// A key may grant only scopes the caller holds on this request.
#[requires(scopes = ["admin"])]
async fn create_api_key(
    store: web::Data<UserStore>,
    User(visitor): User<Visitor>,
    granted: Scopes,
    body: web::Json<NewKeyRequest>,
) -> Result<HttpResponse, Error> {
    let scopes = body.into_inner().scopes;
    if !scopes.iter().all(|scope| is_valid_scope(scope)) {
        return Ok(HttpResponse::BadRequest().body("scopes must be non-empty words"));
    }
    if !scopes.iter().all(|scope| granted.contains(scope)) {
        return Ok(HttpResponse::Forbidden().body("a key cannot grant scopes its owner lacks"));
    }

    let owner = visitor.identity().to_owned();
    let store = store.into_inner();
    let (issued, owner, scopes) = web::block(move || {
        let issued = store.create_api_key(&owner, &scopes)?;
        Ok::<_, super::StoreError>((issued, owner, scopes))
    })
    .await?
    .map_err(super::store::unavailable)?;

    Ok(HttpResponse::Created().json(json!({
        "id": issued.id(),
        "key": issued.key(),
        "owner": owner,
        "scopes": scopes,
    })))
}

#[requires(scopes = ["admin"])]
async fn list_api_keys(store: web::Data<UserStore>) -> Result<HttpResponse, Error> {
    let store = store.into_inner();
    let keys = web::block(move || store.list_api_keys())
        .await?
        .map_err(super::store::unavailable)?;
    Ok(HttpResponse::Ok().json(keys))
}

/// Revokes a key: 204, or 404 when there is no such key. Revoking twice is fine.
#[requires(scopes = ["admin"])]
async fn revoke_api_key(
    store: web::Data<UserStore>,
    id: web::Path<String>,
) -> Result<HttpResponse, Error> {
    let store = store.into_inner();
    let id = id.into_inner();
    let revoked = web::block(move || store.revoke_api_key(&id))
        .await?
        .map_err(super::store::unavailable)?;

    if revoked {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Ok(HttpResponse::NotFound().finish())
    }
}

/// Issues a bearer token for the caller, granting the scopes this request holds.
#[requires]
async fn issue_token(
    signer: web::Data<TokenSigner>,
    User(visitor): User<Visitor>,
    granted: Scopes,
) -> Result<HttpResponse, Error> {
    let scopes: Vec<&str> = granted.iter().collect();
    let token = signer.sign(visitor.identity(), &scopes).map_err(|err| {
        tracing::error!(error = %err, "signing a token failed");
        actix_web::error::ErrorInternalServerError("the token could not be signed")
    })?;

    Ok(HttpResponse::Ok().json(json!({
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": super::TOKEN_LIFETIME.as_secs(),
        "scope": scopes.join(" "),
    })))
}

/// The caller as the reference endpoints show it, plus how it authenticated and its scopes.
#[requires]
async fn whoami(User(visitor): User<Visitor>, auth: Authentication) -> HttpResponse {
    let mut body = describe(&visitor);
    body["backend"] = json!(auth.backend());
    body["scopes"] = json!(auth.credentials().iter().collect::<Vec<_>>());
    HttpResponse::Ok().json(body)
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
        .map_err(super::store::unavailable)?;
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
