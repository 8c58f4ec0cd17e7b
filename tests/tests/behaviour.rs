//! One test per row of the behaviour table in `shared/reference/starlette.md`, over a real
//! socket, plus the chain order, the extractors and duplicate headers.
//!
//! Most tests run against [`server`]: the routes of [`routes`] behind a chain of a session
//! cookie, a bearer token and a strict Basic backend, followed by backends that fail (store
//! down, panic, no answer) only when a request names them in `x-fail`.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use actix_test::{ClientRequest, TestServer};
use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{get, post, web, App, FromRequest, HttpRequest, HttpResponse};
use auth_actix::{
    requires, AnonymousUser, AuthError, AuthFailure, AuthUser, Authenticated, Authentication,
    AuthenticationBackend, AuthenticationMiddleware, BackendList, Chain, Credentials, CurrentUser,
    FromAnonymous, MaybeUser, RequestView, Scopes, SimpleUser, User,
};
use auth_tests::{
    basic, bearer, hit, maybe_user_json, send, send_body, send_with, serve, user_json,
    CountingBackend, FailingBackend, Hits, PanickingBackend, PendingBackend, Reply,
    SessionCookieBackend, StaticTokenBackend, BAD_BASIC, BASIC_CHALLENGE, BEARER_CHALLENGE,
    FAIL_HEADER, INVALID_BASIC, INVALID_TOKEN_CHALLENGE, SESSION_COOKIE, VALID_BASIC,
    WRONG_PASSWORD,
};
use awc::error::WsClientError;
use awc::ws::Frame;
use futures_util::StreamExt as _;

const ANONYMOUS_JSON: &str = r#"{"authenticated":false,"user":""}"#;
const TOM_JSON: &str = r#"{"authenticated":true,"user":"tomchristie"}"#;
const TEXT_PLAIN: &str = "text/plain; charset=utf-8";
/// The chain's challenges in order: the session backend has none.
const CHALLENGES: [&str; 2] = [BEARER_CHALLENGE, BASIC_CHALLENGE];
const BROWSER_ACCEPT: &str = "text/html,application/xhtml+xml,*/*;q=0.8";

/// The password of `ada`, the one account of `auth_tests::ACCOUNTS` with the scope `admin`.
const ADA_PASSWORD: &str = "correct-horse-battery-staple";

/// How long the standard chain may take before a request is refused.
const CHAIN_TIMEOUT: Duration = Duration::from_millis(300);

// ---------------------------------------------------------------------------------------------
// The application under test.
// ---------------------------------------------------------------------------------------------

/// Counts how often a body extractor ran, next to the [`Hits`] of handler bodies.
#[derive(Debug, Default)]
struct BodyReads(AtomicUsize);

impl BodyReads {
    fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

/// A JSON body extractor that counts its runs in [`BodyReads`] before reading the body.
#[derive(Debug)]
struct CountedJson(serde_json::Value);

impl FromRequest for CountedJson {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, actix_web::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        if let Some(reads) = req.app_data::<web::Data<BodyReads>>() {
            reads.0.fetch_add(1, Ordering::SeqCst);
        }
        let json = web::Json::<serde_json::Value>::from_request(req, payload);
        Box::pin(async move { Ok(CountedJson(json.await?.into_inner())) })
    }
}

/// What a test observes inside the server: handler runs and body reads.
#[derive(Clone, Debug, Default)]
struct Probe {
    hits: web::Data<Hits>,
    reads: web::Data<BodyReads>,
}

impl Probe {
    fn handler_runs(&self) -> usize {
        self.hits.count()
    }

    fn body_reads(&self) -> usize {
        self.reads.count()
    }
}

/// Session cookie, bearer token and strict Basic, then the failing backends.
fn standard_chain() -> Chain<impl BackendList<User = SimpleUser> + 'static> {
    Chain::new((
        SessionCookieBackend::default(),
        StaticTokenBackend::default(),
        auth_tests::strict_basic_backend(),
        FailingBackend::unavailable("db"),
        PanickingBackend,
        PendingBackend,
    ))
}

fn standard_auth() -> AuthenticationMiddleware<impl BackendList<User = SimpleUser> + 'static> {
    AuthenticationMiddleware::new(standard_chain()).timeout(CHAIN_TIMEOUT)
}

/// The routes of [`routes`] behind [`standard_auth`].
fn server(probe: &Probe) -> TestServer {
    let probe = probe.clone();

    serve(move || {
        App::new()
            .app_data(probe.hits.clone())
            .app_data(probe.reads.clone())
            .wrap(standard_auth())
            .configure(routes)
    })
}

/// The routes of [`routes`] with no authentication middleware at all.
fn server_without_middleware(probe: &Probe) -> TestServer {
    let probe = probe.clone();

    serve(move || {
        App::new()
            .app_data(probe.hits.clone())
            .app_data(probe.reads.clone())
            .configure(routes)
    })
}

fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(homepage)
        .service(guarded)
        .service(anyone)
        .service(notes)
        .service(hidden)
        .service(explicit_401)
        .service(admin)
        .service(staff)
        .service(broken)
        .service(needs_parameter)
        .service(provider_login)
        .service(mixed)
        .service(echo)
        .service(websocket)
        .service(admin_websocket)
        .service(login)
        .service(no_params)
        .service(above)
        .service(below)
        .service(extract_user)
        .service(extract_maybe_user)
        .service(extract_scopes)
        .service(extract_authentication)
        .service(extract_wrong_user_type)
        .route("/panel", web::get().to(Panel::show))
        .service(web::resource("/resource").route(web::get().to(resource_handler)));
}

fn user_reply(req: &HttpRequest, user: &SimpleUser) -> HttpResponse {
    hit(req);
    HttpResponse::Ok().json(user_json(user))
}

#[get("/", name = "homepage")]
async fn homepage(MaybeUser(user): MaybeUser<SimpleUser>) -> HttpResponse {
    HttpResponse::Ok().json(maybe_user_json(user.as_ref()))
}

#[get("/guarded")]
#[requires(scopes = ["authenticated"])]
async fn guarded(req: HttpRequest, User(user): User<SimpleUser>) -> HttpResponse {
    user_reply(&req, &user)
}

#[get("/anyone")]
#[requires]
async fn anyone(req: HttpRequest, User(user): User<SimpleUser>) -> HttpResponse {
    user_reply(&req, &user)
}

#[get("/notes")]
#[requires(scopes = ["notes:read", "notes:write"])]
async fn notes(req: HttpRequest, User(user): User<SimpleUser>) -> HttpResponse {
    user_reply(&req, &user)
}

#[get("/hidden")]
#[requires(scopes = ["admin"], status_code = 404)]
async fn hidden(req: HttpRequest, User(user): User<SimpleUser>) -> HttpResponse {
    user_reply(&req, &user)
}

#[get("/explicit-401")]
#[requires(scopes = ["admin"], status_code = 401)]
async fn explicit_401(req: HttpRequest, User(user): User<SimpleUser>) -> HttpResponse {
    user_reply(&req, &user)
}

#[get("/admin")]
#[requires(scopes = ["authenticated"], redirect = "homepage")]
async fn admin(req: HttpRequest, User(user): User<SimpleUser>) -> HttpResponse {
    user_reply(&req, &user)
}

#[get("/staff")]
#[requires(scopes = ["admin"], redirect = "/login")]
async fn staff(req: HttpRequest, User(user): User<SimpleUser>) -> HttpResponse {
    user_reply(&req, &user)
}

#[get("/broken")]
#[requires(redirect = "no_such_route")]
async fn broken(req: HttpRequest, User(user): User<SimpleUser>) -> HttpResponse {
    user_reply(&req, &user)
}

#[get("/needs-parameter")]
#[requires(redirect = "provider_login")]
async fn needs_parameter(req: HttpRequest, User(user): User<SimpleUser>) -> HttpResponse {
    user_reply(&req, &user)
}

/// A login route that cannot be built without a parameter.
#[get("/login/{provider}", name = "provider_login")]
async fn provider_login(provider: web::Path<String>) -> String {
    provider.into_inner()
}

#[get("/mixed")]
#[requires(redirect = "/login", status_code = 404, scopes = ["admin"],)]
async fn mixed(req: HttpRequest, User(user): User<SimpleUser>) -> HttpResponse {
    user_reply(&req, &user)
}

#[post("/echo")]
#[requires(scopes = ["authenticated"])]
async fn echo(req: HttpRequest, CountedJson(body): CountedJson) -> HttpResponse {
    hit(&req);
    HttpResponse::Ok().json(body)
}

async fn accept_websocket(
    req: HttpRequest,
    body: web::Payload,
    user: SimpleUser,
) -> actix_web::Result<HttpResponse> {
    hit(&req);
    let (response, mut session, stream) = actix_ws::handle(&req, body)?;

    let message = user_json(&user).to_string();
    actix_web::rt::spawn(async move {
        let _stream = stream;
        if session.text(message).await.is_ok() {
            let _ = session.close(None).await;
        }
    });
    Ok(response)
}

#[get("/ws")]
#[requires(scopes = ["authenticated"], redirect = "/login")]
async fn websocket(
    req: HttpRequest,
    body: web::Payload,
    User(user): User<SimpleUser>,
) -> actix_web::Result<HttpResponse> {
    accept_websocket(req, body, user).await
}

#[get("/ws/admin")]
#[requires(scopes = ["admin"])]
async fn admin_websocket(
    req: HttpRequest,
    body: web::Payload,
    User(user): User<SimpleUser>,
) -> actix_web::Result<HttpResponse> {
    accept_websocket(req, body, user).await
}

/// A login handler that follows `next` only when `safe_next` accepts it.
#[get("/login")]
async fn login(query: web::Query<HashMap<String, String>>) -> HttpResponse {
    let target = query
        .get("next")
        .and_then(|next| auth_actix::safe_next(next))
        .unwrap_or("/");

    HttpResponse::SeeOther()
        .insert_header(("location", target))
        .finish()
}

/// Registered by hand as the GET route of a resource, so other methods get 405.
#[requires(scopes = ["authenticated"])]
async fn resource_handler(req: HttpRequest, User(user): User<SimpleUser>) -> HttpResponse {
    user_reply(&req, &user)
}

#[get("/no-params")]
#[requires]
async fn no_params() -> &'static str {
    "no parameters needed"
}

/// A class-based endpoint: the guarded handler is an associated function.
struct Panel;

impl Panel {
    #[requires(scopes = ["authenticated"])]
    async fn show(req: HttpRequest, User(user): User<SimpleUser>) -> HttpResponse {
        user_reply(&req, &user)
    }
}

/// Guarded above the route attribute, with other attributes around.
#[requires(scopes = ["authenticated"])]
#[get("/above")]
#[allow(
    clippy::unused_async,
    reason = "an attribute the guard must carry through"
)]
#[inline(never)]
async fn above(req: HttpRequest, User(user): User<SimpleUser>) -> HttpResponse {
    user_reply(&req, &user)
}

/// Guarded below the route attribute, with other attributes around.
#[get("/below")]
#[allow(
    clippy::unused_async,
    reason = "an attribute the guard must carry through"
)]
#[requires(scopes = ["authenticated"])]
#[inline(never)]
async fn below(req: HttpRequest, User(user): User<SimpleUser>) -> HttpResponse {
    user_reply(&req, &user)
}

#[get("/extract/user")]
async fn extract_user(User(user): User<SimpleUser>) -> String {
    user.username().to_owned()
}

#[get("/extract/maybe-user")]
async fn extract_maybe_user(MaybeUser(user): MaybeUser<SimpleUser>) -> String {
    match user {
        Some(user) => user.username().to_owned(),
        None => "nobody".to_owned(),
    }
}

#[get("/extract/scopes")]
async fn extract_scopes(scopes: Scopes) -> String {
    scopes.iter().collect::<Vec<_>>().join(" ")
}

#[get("/extract/authentication")]
async fn extract_authentication(auth: Authentication) -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({
        "authenticated": auth.is_authenticated(),
        "backend": auth.backend(),
        "bearer": auth.is_bearer(),
        "scopes": auth.credentials().iter().collect::<Vec<_>>(),
        "challenges": auth.challenges().len(),
    }))
}

/// Asks for a user type the chain does not produce.
#[get("/extract/wrong-user-type")]
async fn extract_wrong_user_type(User(_user): User<AnonymousUser>) -> &'static str {
    "unreachable"
}

/// Catches every path no route matches, behind a redirect guard (row 13).
#[requires(redirect = "/login")]
async fn catch_all(req: HttpRequest) -> HttpResponse {
    hit(&req);
    HttpResponse::Ok().finish()
}

fn session_cookie(value: &str) -> actix_web::cookie::Cookie<'static> {
    actix_web::cookie::Cookie::new(SESSION_COOKIE, value.to_owned())
}

/// A GET of `path` with this `Accept` header.
fn accepting(server: &TestServer, path: &str, accept: &str) -> ClientRequest {
    server.get(path).insert_header(("accept", accept))
}

/// A GET of `path` naming `backend` in `x-fail`, so that backend fails.
fn failing(server: &TestServer, path: &str, backend: &str) -> ClientRequest {
    server.get(path).insert_header((FAIL_HEADER, backend))
}

/// The status of a refused WebSocket handshake; panics when the handshake succeeds.
async fn refused_handshake(
    server: &TestServer,
    path: &str,
    headers: &[(&str, &str)],
) -> StatusCode {
    let mut request = awc::Client::new().ws(server.url(path));
    for (name, value) in headers {
        request = request.set_header(*name, *value);
    }

    match request.connect().await {
        Err(WsClientError::InvalidResponseStatus(status)) => status,
        Err(err) => panic!("expected a refused handshake, got {err}"),
        Ok(_) => panic!("the handshake to {path} was upgraded"),
    }
}

/// A WebSocket handshake sent as a plain request, so the refusal's body can be read.
async fn plain_handshake(server: &TestServer, path: &str, authorization: &str) -> Reply {
    let request = server
        .get(path)
        .insert_header(("connection", "upgrade"))
        .insert_header(("upgrade", "websocket"))
        .insert_header(("sec-websocket-version", "13"))
        .insert_header(("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ=="))
        .insert_header(("authorization", authorization));

    send(request).await
}

// ---------------------------------------------------------------------------------------------
// Rows 1-6: what the middleware decides.
// ---------------------------------------------------------------------------------------------

#[actix_web::test]
async fn row01_no_credentials_unguarded_handler_is_anonymous() {
    let server = server(&Probe::default());

    let reply = send(server.get("/")).await;

    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body, ANONYMOUS_JSON);
}

#[actix_web::test]
async fn row02_valid_credentials_unguarded_handler_gets_the_user() {
    let server = server(&Probe::default());

    let basic = send_with(server.get("/"), Some(VALID_BASIC)).await;
    let token = send_with(server.get("/"), Some(&bearer("reader-token"))).await;
    let cookie = send(server.get("/").cookie(session_cookie("session-of-tom"))).await;

    assert_eq!(basic.status, StatusCode::OK);
    assert_eq!(basic.body, TOM_JSON);
    assert_eq!(token.body, r#"{"authenticated":true,"user":"reader"}"#);
    assert_eq!(cookie.body, TOM_JSON);
}

#[actix_web::test]
async fn row03_malformed_credentials_get_400_with_the_message() {
    let server = server(&Probe::default());

    let reply = send_with(server.get("/"), Some(BAD_BASIC)).await;

    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.header("content-type"), Some(TEXT_PLAIN));
    assert_eq!(reply.header("www-authenticate"), None);
    assert_eq!(reply.body, INVALID_BASIC);
}

#[actix_web::test]
async fn row04_wrong_credentials_get_401_with_the_backends_challenge() {
    let probe = Probe::default();
    let server = server(&probe);

    let password = send_with(server.get("/guarded"), Some(&basic("tomchristie", "nope"))).await;
    let token = send_with(server.get("/"), Some(&bearer("forged-token"))).await;

    // Only the failing backend's challenge, not the whole chain's.
    assert_eq!(password.status, StatusCode::UNAUTHORIZED);
    assert_eq!(password.headers_all("www-authenticate"), [BASIC_CHALLENGE]);
    assert_eq!(password.header("content-type"), Some(TEXT_PLAIN));
    assert_eq!(password.body, WRONG_PASSWORD);
    assert_eq!(token.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        token.headers_all("www-authenticate"),
        [INVALID_TOKEN_CHALLENGE]
    );
    assert_eq!(token.body, "invalid token");
    assert_eq!(probe.handler_runs(), 0);
}

#[actix_web::test]
async fn row05_backend_unavailable_gets_503_and_never_reaches_handler() {
    let probe = Probe::default();
    let server = server(&probe);

    let refused = send(failing(&server, "/guarded", "db")).await;
    let after = send(server.get("/")).await;

    assert_eq!(refused.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(refused.header("content-type"), Some(TEXT_PLAIN));
    assert_eq!(refused.body, "database down");
    assert_eq!(probe.handler_runs(), 0);
    assert_eq!(after.status, StatusCode::OK);
}

#[actix_web::test]
async fn row05_backend_panic_gets_503_and_the_server_keeps_serving() {
    let probe = Probe::default();
    let server = server(&probe);

    let refused = send(failing(&server, "/guarded", "panicking")).await;
    let again = send(failing(&server, "/guarded", "panicking")).await;
    let after = send_with(server.get("/guarded"), Some(VALID_BASIC)).await;

    assert_eq!(refused.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(again.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(after.status, StatusCode::OK);
    assert_eq!(after.body, TOM_JSON);
    assert_eq!(probe.handler_runs(), 1);
}

#[actix_web::test]
async fn row05_backend_timeout_gets_503_and_the_server_keeps_serving() {
    let probe = Probe::default();
    let server = server(&probe);

    let refused = send(failing(&server, "/guarded", "pending")).await;
    let after = send_with(server.get("/guarded"), Some(VALID_BASIC)).await;

    assert_eq!(refused.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(refused.header("content-type"), Some(TEXT_PLAIN));
    assert_eq!(after.status, StatusCode::OK);
    assert_eq!(probe.handler_runs(), 1);
}

fn teapot(_req: HttpRequest, failure: AuthFailure) -> HttpResponse {
    let body = format!("sync {} {}", failure.backend(), failure.message());
    HttpResponse::ImATeapot().body(body)
}

async fn async_teapot(req: HttpRequest, failure: AuthFailure) -> HttpResponse {
    actix_web::rt::task::yield_now().await;
    let body = format!(
        "async {} {} {}",
        failure.backend(),
        failure.message(),
        req.path()
    );
    HttpResponse::ImATeapot().body(body)
}

#[actix_web::test]
async fn row06_on_error_accepts_sync_and_async_functions() {
    let sync = serve(|| {
        App::new()
            .wrap(standard_auth().on_error(teapot))
            .configure(routes)
    });
    let closure = serve(|| {
        let auth = standard_auth().on_error(|_req: HttpRequest, failure: AuthFailure| {
            HttpResponse::ImATeapot().body(format!("closure {}", failure.kind() as u8))
        });
        App::new().wrap(auth).configure(routes)
    });
    let asynchronous = serve(|| {
        App::new()
            .wrap(standard_auth().on_error(async_teapot))
            .configure(routes)
    });
    let wrong = basic("tomchristie", "nope");

    let sync = send_with(sync.get("/guarded"), Some(&wrong)).await;
    let closure = send_with(closure.get("/"), Some(BAD_BASIC)).await;
    let asynchronous = send_with(asynchronous.get("/guarded"), Some(&wrong)).await;

    assert_eq!(sync.status, StatusCode::IM_A_TEAPOT);
    assert_eq!(sync.body, format!("sync basic {WRONG_PASSWORD}"));
    assert_eq!(closure.status, StatusCode::IM_A_TEAPOT);
    assert_eq!(asynchronous.status, StatusCode::IM_A_TEAPOT);
    assert_eq!(
        asynchronous.body,
        format!("async basic {WRONG_PASSWORD} /guarded")
    );
}

// ---------------------------------------------------------------------------------------------
// Rows 7-13: what a guard answers.
// ---------------------------------------------------------------------------------------------

#[actix_web::test]
async fn row07_anonymous_guard_failure_is_401_with_the_chains_challenges() {
    let probe = Probe::default();
    let server = server(&probe);

    let reply = send(server.get("/guarded")).await;

    // One challenge per challenge-capable backend, in chain order; the session has none.
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.headers_all("www-authenticate"), CHALLENGES);
    assert_eq!(reply.header("content-type"), Some(TEXT_PLAIN));
    assert_eq!(reply.body, "Unauthorized");
    assert_eq!(probe.handler_runs(), 0);
}

#[actix_web::test]
async fn row07_explicit_status_code_overrides_the_401() {
    let probe = Probe::default();
    let server = server(&probe);

    let anonymous = send(server.get("/hidden")).await;
    let lacking_scope = send_with(server.get("/hidden"), Some(VALID_BASIC)).await;
    let allowed = send_with(server.get("/hidden"), Some(&basic("ada", ADA_PASSWORD))).await;

    assert_eq!(anonymous.status, StatusCode::NOT_FOUND);
    assert_eq!(anonymous.header("www-authenticate"), None);
    assert_eq!(lacking_scope.status, StatusCode::NOT_FOUND);
    assert_eq!(allowed.status, StatusCode::OK);
    assert_eq!(probe.handler_runs(), 1);
}

#[actix_web::test]
async fn row07_explicit_401_still_carries_the_chains_challenges() {
    let server = server(&Probe::default());

    let reply = send_with(server.get("/explicit-401"), Some(VALID_BASIC)).await;

    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.headers_all("www-authenticate"), CHALLENGES);
}

#[actix_web::test]
async fn row08_user_lacking_a_scope_gets_403_without_a_challenge() {
    let probe = Probe::default();
    let server = server(&probe);

    let reply = send_with(server.get("/notes"), Some(VALID_BASIC)).await;

    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(reply.header("www-authenticate"), None);
    assert_eq!(reply.header("content-type"), Some(TEXT_PLAIN));
    assert_eq!(reply.body, "Forbidden");
    assert_eq!(probe.handler_runs(), 0);
}

#[actix_web::test]
async fn row08_bearer_user_lacking_a_scope_gets_insufficient_scope() {
    let probe = Probe::default();
    let server = server(&probe);

    let reader = send_with(server.get("/notes"), Some(&bearer("reader-token"))).await;
    let robot = send_with(server.get("/notes"), Some(&bearer("robot-token"))).await;
    let writer = send_with(server.get("/notes"), Some(&bearer("writer-token"))).await;

    assert_eq!(reader.status, StatusCode::FORBIDDEN);
    assert_eq!(
        reader.header("www-authenticate"),
        Some(r#"Bearer error="insufficient_scope", scope="notes:write""#)
    );
    assert_eq!(
        robot.header("www-authenticate"),
        Some(r#"Bearer error="insufficient_scope", scope="notes:read notes:write""#)
    );
    assert_eq!(writer.status, StatusCode::OK);
    assert_eq!(probe.handler_runs(), 1);
}

#[actix_web::test]
async fn row09_redirect_is_relative_with_encoded_next() {
    let probe = Probe::default();
    let server = server(&probe);

    let named = send(server.get("/admin")).await;
    let with_query = send(server.get("/admin?tab=1&q=a%20b")).await;
    let path = send(server.get("/staff")).await;

    assert_eq!(named.status, StatusCode::SEE_OTHER);
    assert_eq!(named.header("location"), Some("/?next=%2Fadmin"));
    assert_eq!(named.body, "");
    assert_eq!(
        with_query.header("location"),
        Some("/?next=%2Fadmin%3Ftab%3D1%26q%3Da%2520b")
    );
    assert_eq!(path.status, StatusCode::SEE_OTHER);
    assert_eq!(path.header("location"), Some("/login?next=%2Fstaff"));
    assert_eq!(probe.handler_runs(), 0);
}

#[actix_web::test]
async fn row10_authenticated_user_lacking_a_scope_is_403_not_redirected() {
    let probe = Probe::default();
    let server = server(&probe);

    let basic_user = send_with(server.get("/staff"), Some(VALID_BASIC)).await;
    let bearer_user = send_with(server.get("/admin"), Some(&bearer("reader-token"))).await;

    assert_eq!(basic_user.status, StatusCode::FORBIDDEN);
    assert_eq!(basic_user.header("location"), None);
    assert_eq!(bearer_user.status, StatusCode::FORBIDDEN);
    assert_eq!(bearer_user.header("location"), None);
    assert_eq!(
        bearer_user.header("www-authenticate"),
        Some(r#"Bearer error="insufficient_scope", scope="authenticated""#)
    );
    assert_eq!(probe.handler_runs(), 0);
}

#[actix_web::test]
async fn row11_api_client_gets_401_not_redirect() {
    let server = server(&Probe::default());

    let json = send(accepting(&server, "/admin", "application/json")).await;
    let prefers_json = send(accepting(
        &server,
        "/admin",
        "application/json, text/html;q=0.9",
    ))
    .await;
    let browser = send(accepting(&server, "/admin", BROWSER_ACCEPT)).await;

    assert_eq!(json.status, StatusCode::UNAUTHORIZED);
    assert_eq!(json.header("location"), None);
    assert_eq!(json.headers_all("www-authenticate"), CHALLENGES);
    assert_eq!(prefers_json.status, StatusCode::UNAUTHORIZED);
    assert_eq!(browser.status, StatusCode::SEE_OTHER);
}

#[actix_web::test]
async fn row11_api_client_naming_json_before_a_wildcard_gets_401() {
    let server = server(&Probe::default());

    let axios = send(accepting(
        &server,
        "/admin",
        "application/json, text/plain, */*",
    ))
    .await;
    let anything = send(accepting(&server, "/admin", "*/*")).await;

    // axios's default `Accept` names JSON and accepts HTML only through `*/*`: JSON is the
    // more specific match, so the client prefers it (as Werkzeug and Django rank media
    // ranges), and a login redirect would hand it an HTML page.
    assert_eq!(axios.status, StatusCode::UNAUTHORIZED);
    assert_eq!(axios.header("location"), None);
    assert_eq!(anything.status, StatusCode::SEE_OTHER);
}

#[actix_web::test]
async fn row12_redirect_to_unknown_route_is_500() {
    let probe = Probe::default();
    let server = server(&probe);

    let reply = send(accepting(&server, "/broken", BROWSER_ACCEPT)).await;

    // Never a pass: the anonymous browser is refused, with a 500 (the log line is checked in
    // tests/logging.rs).
    assert_eq!(reply.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(reply.header("location"), None);
    assert_eq!(probe.handler_runs(), 0);
}

#[actix_web::test]
async fn row12_redirect_to_a_route_needing_parameters_is_500() {
    let probe = Probe::default();
    let server = server(&probe);

    let reply = send(accepting(&server, "/needs-parameter", BROWSER_ACCEPT)).await;

    // A redirect the server cannot build is its own mistake, like an unknown route: 500, not a
    // client error blaming the Host header.
    assert_eq!(
        reply.status,
        StatusCode::INTERNAL_SERVER_ERROR,
        "body: {}",
        reply.body
    );
    assert_eq!(reply.header("location"), None);
    assert_eq!(probe.handler_runs(), 0);
}

/// [`server`] with a redirect-guarded default service catching every unknown path.
fn catch_all_server(probe: &Probe) -> TestServer {
    let probe = probe.clone();

    serve(move || {
        App::new()
            .app_data(probe.hits.clone())
            .wrap(standard_auth())
            .configure(routes)
            .default_service(web::to(catch_all))
    })
}

#[actix_web::test]
async fn row13_next_is_validated() {
    let probe = Probe::default();
    let server = catch_all_server(&probe);
    let unsafe_targets = [
        "//evil.example",
        "///evil.example",
        "//evil.example/path?x=1",
        "/%2F/evil.example",
        "/%5Cevil.example",
        "/%09/evil.example",
    ];

    let mut locations = Vec::new();
    for target in unsafe_targets {
        let reply = send(server.get(target)).await;
        locations.push((
            target,
            reply.status,
            reply.header("location").map(str::to_owned),
        ));
    }
    let safe = send(server.get("/deep/page?x=1")).await;

    // Actix routes these request targets to the default service; the guard redirects them to
    // the login page without echoing the target as `next`.
    for (target, status, location) in locations {
        assert_eq!(status, StatusCode::SEE_OTHER, "{target}");
        assert_eq!(location.as_deref(), Some("/login"), "{target}");
    }
    assert_eq!(
        safe.header("location"),
        Some("/login?next=%2Fdeep%2Fpage%3Fx%3D1")
    );
    assert_eq!(probe.handler_runs(), 0);
}

#[actix_web::test]
async fn row13_login_handler_follows_only_a_safe_next() {
    let server = server(&Probe::default());
    let cases = [
        ("%2Fdashboard%3Ftab%3D1", "/dashboard?tab=1"),
        ("%2F%2Fevil.example", "/"),
        ("%2F%5Cevil.example", "/"),
        ("https%3A%2F%2Fevil.example", "/"),
        ("javascript%3Aalert(1)", "/"),
        ("%2F%09%2Fevil.example", "/"),
    ];

    let mut followed = Vec::new();
    for (next, _) in cases {
        let reply = send(server.get(format!("/login?next={next}"))).await;
        followed.push(reply.header("location").map(str::to_owned));
    }

    for ((next, expected), location) in cases.iter().zip(followed) {
        assert_eq!(location.as_deref(), Some(*expected), "next={next}");
    }
}

#[test]
fn row13_is_safe_next_accepts_only_local_paths() {
    let accepted = [
        "/",
        "/admin",
        "/admin?tab=1",
        "/a/b?next=%2Fc",
        "/caf%C3%A9",
    ];
    let rejected = [
        "",
        "admin",
        "//evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "https://evil.example",
        "javascript:alert(1)",
        "/\t/evil.example",
        "/a\r\nSet-Cookie: x=1",
        "/%2F/evil.example",
    ];

    for value in accepted {
        assert!(auth_actix::is_safe_next(value), "{value:?} should pass");
    }
    for value in rejected {
        assert!(
            !auth_actix::is_safe_next(value),
            "{value:?} should be rejected"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Rows 14-15: WebSocket handshakes.
// ---------------------------------------------------------------------------------------------

#[actix_web::test]
async fn row14_websocket_guard_failure_refuses_handshake() {
    let probe = Probe::default();
    let server = server(&probe);

    let anonymous = refused_handshake(&server, "/ws", &[]).await;
    let browser = refused_handshake(&server, "/ws", &[("accept", BROWSER_ACCEPT)]).await;
    let lacking_scope =
        refused_handshake(&server, "/ws/admin", &[("authorization", VALID_BASIC)]).await;

    // The guard of /ws redirects browsers, but never a WebSocket handshake.
    assert_eq!(anonymous, StatusCode::UNAUTHORIZED);
    assert_eq!(browser, StatusCode::UNAUTHORIZED);
    assert_eq!(lacking_scope, StatusCode::FORBIDDEN);
    assert_eq!(probe.handler_runs(), 0);
}

#[actix_web::test]
async fn row14_websocket_with_a_user_is_accepted() {
    let probe = Probe::default();
    let server = server(&probe);

    let request = awc::Client::new()
        .ws(server.url("/ws"))
        .set_header("authorization", VALID_BASIC);
    let (response, mut frames) = request.connect().await.expect("the handshake succeeds");
    let first = frames
        .next()
        .await
        .expect("a frame")
        .expect("a valid frame");

    assert_eq!(response.status(), StatusCode::SWITCHING_PROTOCOLS);
    assert_eq!(first, Frame::Text(TOM_JSON.into()));
    assert_eq!(probe.handler_runs(), 1);
}

#[actix_web::test]
async fn row15_websocket_wrong_credentials_get_on_error_response() {
    let probe = Probe::default();
    let server = {
        let probe = probe.clone();
        serve(move || {
            App::new()
                .app_data(probe.hits.clone())
                .wrap(standard_auth().on_error(auth_tests::json_error))
                .configure(routes)
        })
    };
    let wrong = basic("tomchristie", "nope");

    let status = refused_handshake(&server, "/ws", &[("authorization", &wrong)]).await;
    let reply = plain_handshake(&server, "/ws", &wrong).await;

    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.body, format!(r#"{{"error":"{WRONG_PASSWORD}"}}"#));
    assert_eq!(probe.handler_runs(), 0);
}

// ---------------------------------------------------------------------------------------------
// Rows 16-21: how guards are written.
// ---------------------------------------------------------------------------------------------

#[actix_web::test]
async fn row16_missing_middleware_is_500_never_a_pass() {
    let probe = Probe::default();
    let server = server_without_middleware(&probe);

    let anonymous = send(server.get("/guarded")).await;
    let with_credentials = send_with(server.get("/guarded"), Some(VALID_BASIC)).await;
    let bare = send_with(server.get("/anyone"), Some(VALID_BASIC)).await;

    assert_eq!(anonymous.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(with_credentials.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(bare.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(probe.handler_runs(), 0);
}

#[actix_web::test]
async fn row16_missing_middleware_extractors_are_500() {
    let server = server_without_middleware(&Probe::default());
    let paths = [
        "/",
        "/extract/user",
        "/extract/maybe-user",
        "/extract/scopes",
        "/extract/authentication",
    ];

    let mut statuses = Vec::new();
    for path in paths {
        let reply = send_with(server.get(path), Some(VALID_BASIC)).await;
        statuses.push((path, reply.status));
    }

    for (path, status) in statuses {
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{path}");
    }
}

#[actix_web::test]
async fn row17_guard_needs_no_request_parameter() {
    let server = server(&Probe::default());

    let anonymous = send(server.get("/no-params")).await;
    let user = send_with(server.get("/no-params"), Some(VALID_BASIC)).await;

    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert_eq!(user.status, StatusCode::OK);
    assert_eq!(user.body, "no parameters needed");
}

#[actix_web::test]
async fn row18_guard_on_associated_function() {
    let probe = Probe::default();
    let server = server(&probe);

    let anonymous = send(server.get("/panel")).await;
    let user = send_with(server.get("/panel"), Some(VALID_BASIC)).await;

    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert_eq!(user.status, StatusCode::OK);
    assert_eq!(user.body, TOM_JSON);
    assert_eq!(probe.handler_runs(), 1);
}

#[actix_web::test]
async fn row19_guard_with_other_attributes_above_and_below_route_macro() {
    let probe = Probe::default();
    let server = server(&probe);

    let above_anonymous = send(server.get("/above")).await;
    let below_anonymous = send(server.get("/below")).await;
    let above_user = send_with(server.get("/above"), Some(VALID_BASIC)).await;
    let below_user = send_with(server.get("/below"), Some(VALID_BASIC)).await;

    // See also the reference app's /dashboard/decorated, behind actix's `wrap = ...`.
    assert_eq!(above_anonymous.status, StatusCode::UNAUTHORIZED);
    assert_eq!(below_anonymous.status, StatusCode::UNAUTHORIZED);
    assert_eq!(above_user.body, TOM_JSON);
    assert_eq!(below_user.body, TOM_JSON);
    assert_eq!(probe.handler_runs(), 2);
}

#[actix_web::test]
async fn row20_bare_guard_refuses_anonymous_and_admits_any_user() {
    let probe = Probe::default();
    let server = server(&probe);

    let anonymous = send(server.get("/anyone")).await;
    let no_scopes_basic = send_with(server.get("/anyone"), Some(&basic("guest", "guest"))).await;
    let no_scopes_token = send_with(server.get("/anyone"), Some(&bearer("robot-token"))).await;

    // An empty scope list is a compile error (tests/ui/requires/fail/empty_scopes.rs); a bare
    // guard means "must be authenticated", scopes or not.
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert_eq!(no_scopes_basic.status, StatusCode::OK);
    assert_eq!(
        no_scopes_basic.body,
        r#"{"authenticated":true,"user":"guest"}"#
    );
    assert_eq!(no_scopes_token.status, StatusCode::OK);
    assert_eq!(probe.handler_runs(), 2);
}

#[actix_web::test]
async fn row21_arguments_in_any_order_with_trailing_comma_all_apply() {
    let server = server(&Probe::default());

    let browser = send(server.get("/mixed")).await;
    let api = send(accepting(&server, "/mixed", "application/json")).await;
    let lacking_scope = send_with(server.get("/mixed"), Some(VALID_BASIC)).await;
    let allowed = send_with(server.get("/mixed"), Some(&basic("ada", ADA_PASSWORD))).await;

    // Bad arguments are compile errors (tests/ui/requires/fail: unknown_key.rs,
    // scope_not_string.rs, duplicate_key.rs, ...); these are the good ones.
    assert_eq!(browser.status, StatusCode::SEE_OTHER);
    assert_eq!(browser.header("location"), Some("/login?next=%2Fmixed"));
    assert_eq!(api.status, StatusCode::NOT_FOUND);
    assert_eq!(lacking_scope.status, StatusCode::NOT_FOUND);
    assert_eq!(allowed.status, StatusCode::OK);
}

// ---------------------------------------------------------------------------------------------
// Rows 22-24: routing and bodies.
// ---------------------------------------------------------------------------------------------

#[actix_web::test]
async fn row22_wrong_method_on_guarded_route_is_405_before_guard() {
    let probe = Probe::default();
    let server = server(&probe);

    let anonymous = send(server.post("/resource")).await;
    let user = send_with(server.delete("/resource"), Some(VALID_BASIC)).await;
    let route_macro = send(server.post("/guarded")).await;

    // Routing decides first, so the guard never answers 401 to a wrong method. actix's
    // `#[get]` puts its method guard on the resource, which makes that a 404, not a 405.
    assert_eq!(anonymous.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(anonymous.header("www-authenticate"), None);
    assert_eq!(user.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(route_macro.status, StatusCode::NOT_FOUND);
    assert_eq!(probe.handler_runs(), 0);
}

#[actix_web::test]
async fn row23_bad_credentials_on_unknown_path_is_400() {
    let server = server(&Probe::default());

    let bad = send_with(server.get("/no/such/path"), Some(BAD_BASIC)).await;
    let anonymous = send(server.get("/no/such/path")).await;

    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.body, INVALID_BASIC);
    assert_eq!(anonymous.status, StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn row24_guard_decides_before_body_extractor() {
    let probe = Probe::default();
    let server = server(&probe);
    let malformed = || {
        server
            .post("/echo")
            .insert_header(("content-type", "application/json"))
    };

    let anonymous = send_body(malformed(), "{not json").await;
    let reads_after_anonymous = probe.body_reads();
    let user = send_body(
        malformed().insert_header(("authorization", VALID_BASIC)),
        "{not json",
    )
    .await;

    // The anonymous request is refused before its body is read: 401, not a JSON error.
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reads_after_anonymous, 0);
    assert_eq!(user.status, StatusCode::BAD_REQUEST);
    assert_eq!(probe.body_reads(), 1);
    assert_eq!(probe.handler_runs(), 0);
}

// ---------------------------------------------------------------------------------------------
// The chain, duplicate headers and the extractors.
// ---------------------------------------------------------------------------------------------

#[actix_web::test]
async fn chain_first_user_wins_and_later_backends_are_not_asked() {
    let counting = CountingBackend::new();
    let server = {
        let counting = counting.clone();
        serve(move || {
            let chain = Chain::new((StaticTokenBackend::default(), counting.clone()));
            App::new()
                .wrap(AuthenticationMiddleware::new(chain))
                .configure(routes)
        })
    };

    let user = send_with(server.get("/"), Some(&bearer("reader-token"))).await;
    let calls_after_user = counting.calls();
    let anonymous = send(server.get("/")).await;

    assert_eq!(user.body, r#"{"authenticated":true,"user":"reader"}"#);
    assert_eq!(calls_after_user, 0);
    assert_eq!(anonymous.body, ANONYMOUS_JSON);
    assert_eq!(counting.calls(), 1);
}

fn name_the_backend(_req: HttpRequest, failure: AuthFailure) -> HttpResponse {
    let body = format!(
        "{} {:?} {}",
        failure.backend(),
        failure.kind(),
        failure.message()
    );
    HttpResponse::ServiceUnavailable().body(body)
}

#[actix_web::test]
async fn chain_first_error_stops_the_chain_and_names_its_backend() {
    let before = CountingBackend::new();
    let after = CountingBackend::new();
    let server = {
        let (before, after) = (before.clone(), after.clone());
        serve(move || {
            let chain = Chain::new((
                before.clone(),
                FailingBackend::unavailable("db"),
                after.clone(),
            ));
            App::new()
                .wrap(AuthenticationMiddleware::new(chain).on_error(name_the_backend))
                .configure(routes)
        })
    };

    let reply = send(failing(&server, "/", "db")).await;

    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(reply.body, "db Unavailable database down");
    assert_eq!(before.calls(), 1);
    assert_eq!(after.calls(), 0);
}

#[actix_web::test]
async fn chain_error_is_never_downgraded_to_anonymous_or_a_later_user() {
    let server = serve(|| {
        let expired = FailingBackend::new("expiring", auth_actix::ErrorKind::Rejected, "expired");
        let chain = Chain::new((expired, StaticTokenBackend::default()));
        App::new()
            .wrap(AuthenticationMiddleware::new(chain).on_error(name_the_backend))
            .configure(routes)
    });

    let reply = send_with(
        failing(&server, "/", "expiring"),
        Some(&bearer("writer-token")),
    )
    .await;

    assert_eq!(reply.body, "expiring Rejected expired");
}

#[actix_web::test]
async fn chain_panic_and_timeout_are_attributed_to_the_backend_at_fault() {
    let server = serve(|| {
        App::new()
            .wrap(standard_auth().on_error(name_the_backend))
            .configure(routes)
    });

    let panic = send(failing(&server, "/", "panicking")).await;
    let timeout = send(failing(&server, "/", "pending")).await;

    // Pins that a panic or a timeout names the backend that was being asked.
    assert_eq!(panic.body, "panicking Unavailable the backend panicked");
    assert_eq!(
        timeout.body,
        "pending Unavailable the backend did not answer in time"
    );
}

#[actix_web::test]
async fn duplicate_authorization_headers_are_400() {
    let probe = Probe::default();
    let server = server(&probe);

    let request = server
        .get("/guarded")
        .append_header(("authorization", VALID_BASIC))
        .append_header(("authorization", VALID_BASIC));
    let reply = send(request).await;

    // Two credentials are ambiguous: neither is picked.
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.body, "duplicate authorization header");
    assert_eq!(probe.handler_runs(), 0);
}

#[actix_web::test]
async fn duplicate_session_cookies_are_400() {
    let probe = Probe::default();
    let server = server(&probe);

    let request = server.get("/guarded").insert_header((
        "cookie",
        "session=session-of-tom; session=session-of-someone-else",
    ));
    let reply = send(request).await;

    // A second cookie of the same name could shadow the first: neither is picked.
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.body, "duplicate session cookie");
    assert_eq!(probe.handler_runs(), 0);
}

#[actix_web::test]
async fn user_extractor_is_401_when_anonymous() {
    let server = server(&Probe::default());

    let anonymous = send(server.get("/extract/user")).await;
    let user = send_with(server.get("/extract/user"), Some(VALID_BASIC)).await;

    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert_eq!(anonymous.headers_all("www-authenticate"), CHALLENGES);
    assert_eq!(user.body, "tomchristie");
}

#[actix_web::test]
async fn maybe_user_extractor_is_none_when_anonymous() {
    let server = server(&Probe::default());

    let anonymous = send(server.get("/extract/maybe-user")).await;
    let user = send_with(
        server.get("/extract/maybe-user"),
        Some(&bearer("robot-token")),
    )
    .await;

    assert_eq!(anonymous.body, "nobody");
    assert_eq!(user.body, "robot");
}

#[actix_web::test]
async fn scopes_extractor_lists_the_granted_scopes() {
    let server = server(&Probe::default());

    let anonymous = send(server.get("/extract/scopes")).await;
    let writer = send_with(server.get("/extract/scopes"), Some(&bearer("writer-token"))).await;

    assert_eq!(anonymous.status, StatusCode::OK);
    assert_eq!(anonymous.body, "");
    assert_eq!(writer.body, "notes:read notes:write");
}

#[actix_web::test]
async fn authentication_extractor_names_the_backend() {
    let server = server(&Probe::default());

    let anonymous = send(server.get("/extract/authentication")).await;
    let token = send_with(
        server.get("/extract/authentication"),
        Some(&bearer("reader-token")),
    )
    .await;
    let cookie = send(
        server
            .get("/extract/authentication")
            .cookie(session_cookie("session-of-tom")),
    )
    .await;

    let expected_anonymous = serde_json::json!({
        "authenticated": false, "backend": null, "bearer": false, "scopes": [], "challenges": 2,
    });
    let expected_token = serde_json::json!({
        "authenticated": true, "backend": "token", "bearer": true, "scopes": ["notes:read"],
        "challenges": 2,
    });
    assert_eq!(anonymous.json(), expected_anonymous);
    assert_eq!(token.json(), expected_token);
    assert_eq!(cookie.json()["backend"], "session");
    assert_eq!(cookie.json()["bearer"], false);
}

#[actix_web::test]
async fn user_extractor_of_another_user_type_is_500() {
    let server = server(&Probe::default());

    let reply = send_with(server.get("/extract/wrong-user-type"), Some(VALID_BASIC)).await;

    assert_eq!(reply.status, StatusCode::INTERNAL_SERVER_ERROR);
}

/// A user type with an anonymous value, for `CurrentUser`.
#[derive(Clone, Debug)]
enum Visitor {
    Anonymous,
    Member(String),
}

impl AuthUser for Visitor {
    fn is_authenticated(&self) -> bool {
        matches!(self, Visitor::Member(_))
    }

    fn display_name(&self) -> &str {
        match self {
            Visitor::Anonymous => "",
            Visitor::Member(name) => name,
        }
    }

    fn identity(&self) -> &str {
        self.display_name()
    }
}

impl FromAnonymous for Visitor {
    fn anonymous() -> Self {
        Visitor::Anonymous
    }
}

/// Accepts `X-Member: <name>`.
struct MemberBackend;

impl AuthenticationBackend for MemberBackend {
    type User = Visitor;

    async fn authenticate(
        &self,
        request: &RequestView<'_>,
    ) -> Result<Option<Authenticated<Visitor>>, AuthError> {
        let Some(name) = request.header("x-member")? else {
            return Ok(None);
        };
        let name = std::str::from_utf8(name).map_err(|_| AuthError::malformed("bad X-Member"))?;
        let member = Visitor::Member(name.to_owned());
        Ok(Some(Authenticated::new(member, Credentials::none())))
    }
}

async fn current_visitor(CurrentUser(visitor): CurrentUser<Visitor>) -> HttpResponse {
    HttpResponse::Ok().json(user_json(&visitor))
}

#[actix_web::test]
async fn current_user_extractor_is_the_anonymous_value_when_anonymous() {
    let server = serve(|| {
        App::new()
            .wrap(AuthenticationMiddleware::new(Chain::new(MemberBackend)))
            .route("/", web::get().to(current_visitor))
    });
    let unprotected = serve(|| App::new().route("/", web::get().to(current_visitor)));

    let anonymous = send(server.get("/")).await;
    let member = send(server.get("/").insert_header(("x-member", "ada"))).await;
    let missing_middleware = send(unprotected.get("/").insert_header(("x-member", "ada"))).await;

    assert_eq!(anonymous.body, ANONYMOUS_JSON);
    assert_eq!(member.body, r#"{"authenticated":true,"user":"ada"}"#);
    assert_eq!(missing_middleware.status, StatusCode::INTERNAL_SERVER_ERROR);
}

#[test]
fn anonymous_user_matches_starlettes_unauthenticated_user() {
    let user = AnonymousUser;

    assert!(!user.is_authenticated());
    assert_eq!(user.display_name(), "");
    assert_eq!(user.identity(), "");
}
