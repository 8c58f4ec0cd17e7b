//! Shared support for the end-to-end tests of the auth crates.
//!
//! It holds Starlette's reference application ([`reference_app`] and [`control_panel_app`]),
//! the backends the tests combine into chains (a Basic backend that accepts any password, a
//! strict one, a static bearer-token backend, a session-cookie backend, and backends that fail
//! in each way a backend can fail), and small helpers to start a server and read its replies.
//! The [`session`] module starts real Redis servers and handles session cookies by hand.
//!
//! The failing backends stay out of the way until a request names them in the
//! [`FAIL_HEADER`] header, so one chain can serve both the failing and the healthy requests of
//! a test, and show that the server keeps serving after a failure.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use actix_test::{ClientRequest, TestServer};
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderMap, HeaderName};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{get, web, App, HttpRequest, HttpResponse};
use auth_actix::basic::{BasicBackend, BasicCredentials, BasicVerifier};
use auth_actix::{
    requires, AnonymousUser, AuthError, AuthFailure, AuthUser, Authenticated,
    AuthenticationBackend, AuthenticationMiddleware, Challenge, Credentials, ErrorKind, MaybeUser,
    RequestView, SimpleUser, User,
};
use base64::Engine as _;

pub mod jwt;
pub mod log;
pub mod session;

/// Starlette's valid header: user `tomchristie`, password `example`.
pub const VALID_BASIC: &str = "Basic dG9tY2hyaXN0aWU6ZXhhbXBsZQ==";

/// Starlette's malformed header: the scheme in lowercase and credentials that are not base64.
pub const BAD_BASIC: &str = "basic foobar";

/// The message of a malformed Basic header.
pub const INVALID_BASIC: &str = "Invalid basic auth credentials";

/// The message [`BasicBackend`] answers when the verifier refuses the password.
pub const WRONG_PASSWORD: &str = "Invalid username or password";

/// The challenge of a [`BasicBackend`] with the default realm.
pub const BASIC_CHALLENGE: &str = r#"Basic realm="Restricted", charset="UTF-8""#;

/// The challenge of [`StaticTokenBackend`] when it has nothing to say about a token.
pub const BEARER_CHALLENGE: &str = r#"Bearer realm="api""#;

/// The challenge of [`StaticTokenBackend`] for an unknown token (RFC 6750).
pub const INVALID_TOKEN_CHALLENGE: &str = r#"Bearer realm="api", error="invalid_token""#;

/// The header that makes a failing backend fail: its value is the backend's name.
pub const FAIL_HEADER: &str = "x-fail";

/// The JSON Starlette's endpoints answer: `{"authenticated":<bool>,"user":"<display name>"}`.
///
/// # Examples
///
/// ```
/// use auth_actix::AnonymousUser;
///
/// let body = auth_tests::user_json(&AnonymousUser).to_string();
/// assert_eq!(body, r#"{"authenticated":false,"user":""}"#);
/// ```
pub fn user_json(user: &impl AuthUser) -> serde_json::Value {
    serde_json::json!({
        "authenticated": user.is_authenticated(),
        "user": user.display_name(),
    })
}

/// [`user_json`] for the user of a request, the anonymous user when there is none.
pub fn maybe_user_json(user: Option<&SimpleUser>) -> serde_json::Value {
    match user {
        Some(user) => user_json(user),
        None => user_json(&AnonymousUser),
    }
}

/// An `Authorization: Basic ...` value for this username and password.
///
/// # Examples
///
/// ```
/// assert_eq!(auth_tests::basic("tomchristie", "example"), auth_tests::VALID_BASIC);
/// ```
pub fn basic(username: &str, password: &str) -> String {
    let encoded =
        base64::engine::general_purpose::STANDARD.encode(format!("{username}:{password}"));
    format!("Basic {encoded}")
}

/// An `Authorization: Bearer ...` value for this token.
pub fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

/// A Basic verifier that accepts any username and password, like Starlette's test backend.
///
/// Every user is a [`SimpleUser`] named after the username, with the scope `authenticated`.
#[derive(Clone, Copy, Debug, Default)]
pub struct AcceptAnyPassword;

impl BasicVerifier for AcceptAnyPassword {
    type User = SimpleUser;

    async fn verify(
        &self,
        credentials: &BasicCredentials,
    ) -> Result<Option<Authenticated<SimpleUser>>, AuthError> {
        let user = SimpleUser::new(credentials.username());
        let scopes = Credentials::from_iter(["authenticated"]);
        Ok(Some(Authenticated::new(user, scopes)))
    }
}

/// The backend of Starlette's reference application: Basic, any password, realm `Restricted`.
pub type ReferenceBackend = BasicBackend<AcceptAnyPassword>;

/// The backend of Starlette's reference application.
pub fn reference_backend() -> ReferenceBackend {
    BasicBackend::new(AcceptAnyPassword)
}

/// One account known to [`PasswordTable`].
#[derive(Clone, Copy, Debug)]
pub struct Account {
    /// The username.
    pub username: &'static str,
    /// The password, compared exactly.
    pub password: &'static str,
    /// The scopes granted on a correct password.
    pub scopes: &'static [&'static str],
}

/// The accounts [`PasswordTable::default`] knows.
pub const ACCOUNTS: &[Account] = &[
    Account {
        username: "tomchristie",
        password: "example",
        scopes: &["authenticated"],
    },
    Account {
        username: "guest",
        password: "guest",
        scopes: &[],
    },
    Account {
        username: "ada",
        password: "correct-horse-battery-staple",
        scopes: &["authenticated", "admin"],
    },
];

/// A Basic verifier that knows a fixed list of accounts and refuses every other password.
#[derive(Clone, Copy, Debug)]
pub struct PasswordTable {
    accounts: &'static [Account],
}

impl PasswordTable {
    /// A verifier for these accounts.
    pub fn new(accounts: &'static [Account]) -> Self {
        Self { accounts }
    }
}

impl Default for PasswordTable {
    fn default() -> Self {
        Self::new(ACCOUNTS)
    }
}

impl BasicVerifier for PasswordTable {
    type User = SimpleUser;

    async fn verify(
        &self,
        credentials: &BasicCredentials,
    ) -> Result<Option<Authenticated<SimpleUser>>, AuthError> {
        let found = self.accounts.iter().find(|account| {
            account.username == credentials.username() && account.password == credentials.password()
        });
        Ok(found.map(|account| {
            let scopes = Credentials::from_iter(account.scopes.iter().copied());
            Authenticated::new(SimpleUser::new(account.username), scopes)
        }))
    }
}

/// A Basic backend checking passwords against [`ACCOUNTS`].
pub fn strict_basic_backend() -> BasicBackend<PasswordTable> {
    BasicBackend::new(PasswordTable::default())
}

/// One token known to [`StaticTokenBackend`].
#[derive(Clone, Copy, Debug)]
pub struct Token {
    /// The bearer token.
    pub token: &'static str,
    /// The user it stands for.
    pub username: &'static str,
    /// The scopes it grants.
    pub scopes: &'static [&'static str],
}

/// The tokens [`StaticTokenBackend::default`] knows.
pub const TOKENS: &[Token] = &[
    Token {
        token: "reader-token",
        username: "reader",
        scopes: &["notes:read"],
    },
    Token {
        token: "writer-token",
        username: "writer",
        scopes: &["notes:read", "notes:write"],
    },
    Token {
        token: "robot-token",
        username: "robot",
        scopes: &[],
    },
];

/// A bearer-token backend (`Authorization: Bearer ...`) with a fixed table of tokens.
///
/// Its name is `token` and its challenge `Bearer realm="api"`; an unknown token is rejected
/// with an RFC 6750 `invalid_token` challenge.
#[derive(Clone, Copy, Debug)]
pub struct StaticTokenBackend {
    tokens: &'static [Token],
}

impl StaticTokenBackend {
    /// A backend for these tokens.
    pub fn new(tokens: &'static [Token]) -> Self {
        Self { tokens }
    }
}

impl Default for StaticTokenBackend {
    fn default() -> Self {
        Self::new(TOKENS)
    }
}

impl AuthenticationBackend for StaticTokenBackend {
    type User = SimpleUser;

    fn name(&self) -> &'static str {
        "token"
    }

    fn challenge(&self) -> Option<Challenge> {
        Some(Challenge::new("Bearer").param("realm", "api"))
    }

    async fn authenticate(
        &self,
        request: &RequestView<'_>,
    ) -> Result<Option<Authenticated<SimpleUser>>, AuthError> {
        let Some(presented) = request.authorization("Bearer")? else {
            return Ok(None);
        };

        let found = self
            .tokens
            .iter()
            .find(|token| token.token.as_bytes() == presented);
        let Some(token) = found else {
            let challenge = Challenge::new("Bearer")
                .param("realm", "api")
                .param("error", "invalid_token");
            return Err(AuthError::rejected("invalid token").with_challenge(challenge));
        };

        let scopes = Credentials::from_iter(token.scopes.iter().copied());
        Ok(Some(Authenticated::new(
            SimpleUser::new(token.username),
            scopes,
        )))
    }
}

/// The name of the cookie [`SessionCookieBackend`] reads.
pub const SESSION_COOKIE: &str = "session";

/// A session-cookie backend: the cookie [`SESSION_COOKIE`] holds a session id.
///
/// Its name is `session`; it has no challenge (a cookie has no `WWW-Authenticate` scheme).
/// The known session ids are `(id, username)` pairs granting the scope `authenticated`.
#[derive(Clone, Copy, Debug)]
pub struct SessionCookieBackend {
    sessions: &'static [(&'static str, &'static str)],
}

impl SessionCookieBackend {
    /// A backend for these `(session id, username)` pairs.
    pub fn new(sessions: &'static [(&'static str, &'static str)]) -> Self {
        Self { sessions }
    }
}

impl Default for SessionCookieBackend {
    fn default() -> Self {
        Self::new(&[("session-of-tom", "tomchristie")])
    }
}

impl AuthenticationBackend for SessionCookieBackend {
    type User = SimpleUser;

    fn name(&self) -> &'static str {
        "session"
    }

    async fn authenticate(
        &self,
        request: &RequestView<'_>,
    ) -> Result<Option<Authenticated<SimpleUser>>, AuthError> {
        let Some(id) = request.cookie(SESSION_COOKIE)? else {
            return Ok(None);
        };

        let found = self.sessions.iter().find(|(known, _)| *known == id);
        let Some((_, username)) = found else {
            return Err(AuthError::rejected("unknown session"));
        };

        let scopes = Credentials::from_iter(["authenticated"]);
        Ok(Some(Authenticated::new(SimpleUser::new(*username), scopes)))
    }
}

/// Whether the request names the backend `name` in its [`FAIL_HEADER`].
fn triggered(request: &RequestView<'_>, name: &str) -> Result<bool, AuthError> {
    Ok(request.header(FAIL_HEADER)? == Some(name.as_bytes()))
}

/// A backend that fails with one kind of error when a request names it in [`FAIL_HEADER`],
/// and says "not mine" otherwise.
#[derive(Clone, Copy, Debug)]
pub struct FailingBackend {
    name: &'static str,
    kind: ErrorKind,
    message: &'static str,
}

impl FailingBackend {
    /// A backend called `name` failing with `kind` and `message`.
    pub fn new(name: &'static str, kind: ErrorKind, message: &'static str) -> Self {
        Self {
            name,
            kind,
            message,
        }
    }

    /// A backend called `name` whose store is down: "unavailable", `database down`.
    pub fn unavailable(name: &'static str) -> Self {
        Self::new(name, ErrorKind::Unavailable, "database down")
    }
}

impl AuthenticationBackend for FailingBackend {
    type User = SimpleUser;

    fn name(&self) -> &'static str {
        self.name
    }

    async fn authenticate(
        &self,
        request: &RequestView<'_>,
    ) -> Result<Option<Authenticated<SimpleUser>>, AuthError> {
        if triggered(request, self.name)? {
            return Err(AuthError::new(self.kind, self.message));
        }
        Ok(None)
    }
}

/// A backend named `panicking` that panics when a request names it in [`FAIL_HEADER`].
#[derive(Clone, Copy, Debug, Default)]
pub struct PanickingBackend;

impl AuthenticationBackend for PanickingBackend {
    type User = SimpleUser;

    fn name(&self) -> &'static str {
        "panicking"
    }

    async fn authenticate(
        &self,
        request: &RequestView<'_>,
    ) -> Result<Option<Authenticated<SimpleUser>>, AuthError> {
        if triggered(request, "panicking")? {
            panic!("the panicking backend was asked to panic");
        }
        Ok(None)
    }
}

/// A backend named `pending` that never answers when a request names it in [`FAIL_HEADER`].
#[derive(Clone, Copy, Debug, Default)]
pub struct PendingBackend;

impl AuthenticationBackend for PendingBackend {
    type User = SimpleUser;

    fn name(&self) -> &'static str {
        "pending"
    }

    async fn authenticate(
        &self,
        request: &RequestView<'_>,
    ) -> Result<Option<Authenticated<SimpleUser>>, AuthError> {
        if triggered(request, "pending")? {
            return std::future::pending().await;
        }
        Ok(None)
    }
}

/// A backend that always says "not mine" and counts how often it was asked.
#[derive(Clone, Debug, Default)]
pub struct CountingBackend {
    calls: Arc<AtomicUsize>,
}

impl CountingBackend {
    /// A backend with its counter at zero.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many requests asked this backend (or any clone of it).
    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

impl AuthenticationBackend for CountingBackend {
    type User = SimpleUser;

    fn name(&self) -> &'static str {
        "counting"
    }

    async fn authenticate(
        &self,
        _request: &RequestView<'_>,
    ) -> Result<Option<Authenticated<SimpleUser>>, AuthError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        Ok(None)
    }
}

/// A counter kept in app data, so a test can tell whether a handler body ran.
#[derive(Debug, Default)]
pub struct Hits(AtomicUsize);

impl Hits {
    /// A counter at zero, ready for `App::app_data`.
    pub fn data() -> web::Data<Hits> {
        web::Data::new(Hits::default())
    }

    /// Counts one run.
    pub fn hit(&self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }

    /// How many runs were counted.
    pub fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

/// Counts a run when the app carries a [`Hits`] counter.
pub fn hit(req: &HttpRequest) {
    if let Some(hits) = req.app_data::<web::Data<Hits>>() {
        hits.hit();
    }
}

/// Starts a test server that does not follow redirects, so a test sees the 303 itself.
pub fn serve<F, T, B>(factory: F) -> TestServer
where
    F: Fn() -> App<T> + Send + Clone + 'static,
    T: ServiceFactory<
            ServiceRequest,
            Config = (),
            Response = ServiceResponse<B>,
            Error = actix_web::Error,
            InitError = (),
        > + 'static,
    B: MessageBody + 'static,
{
    actix_test::start_with(actix_test::config().disable_redirects(), factory)
}

/// A response read to its end: status, headers and body as text.
#[derive(Debug)]
pub struct Reply {
    /// The status code.
    pub status: StatusCode,
    /// Every header, repeated ones included.
    pub headers: HeaderMap,
    /// The body, as UTF-8 text.
    pub body: String,
}

impl Reply {
    /// The single value of a header, `None` when absent.
    ///
    /// # Panics
    ///
    /// When the header occurs more than once or is not visible ASCII.
    pub fn header(&self, name: &str) -> Option<&str> {
        let all = self.headers_all(name);
        assert!(all.len() <= 1, "header {name} occurs {} times", all.len());
        all.first().copied()
    }

    /// Every value of a header, in order.
    ///
    /// # Panics
    ///
    /// When a value is not visible ASCII.
    pub fn headers_all(&self, name: &str) -> Vec<&str> {
        let name = HeaderName::from_bytes(name.as_bytes()).expect("a valid header name");
        self.headers
            .get_all(name)
            .map(|value| value.to_str().expect("an ASCII header value"))
            .collect()
    }

    /// The body parsed as JSON.
    ///
    /// # Panics
    ///
    /// When the body is not JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).expect("a JSON body")
    }
}

/// Reads a whole reply from the result of `ClientRequest::send*`, whose type depends on
/// awc's features.
macro_rules! read_reply {
    ($response:expr) => {{
        let mut response = $response.expect("the server answers");
        let body = response.body().await.expect("a readable body");

        Reply {
            status: response.status(),
            headers: response.headers().clone(),
            body: String::from_utf8(body.to_vec()).expect("a UTF-8 body"),
        }
    }};
}

/// Sends a request and reads the whole reply.
///
/// # Panics
///
/// When the request cannot be sent or the body is not UTF-8.
pub async fn send(request: ClientRequest) -> Reply {
    read_reply!(request.send().await)
}

/// Sends a request with this body and reads the whole reply.
///
/// # Panics
///
/// When the request cannot be sent or the body is not UTF-8.
pub async fn send_body(request: ClientRequest, body: &'static str) -> Reply {
    read_reply!(request.send_body(body).await)
}

/// Sends a request, with an `Authorization` header when one is given, and reads the reply.
pub async fn send_with(request: ClientRequest, authorization: Option<&str>) -> Reply {
    match authorization {
        Some(value) => send(request.insert_header(("authorization", value))).await,
        None => send(request).await,
    }
}

/// How a WebSocket handshake ended.
#[derive(Debug, PartialEq)]
pub enum Handshake {
    /// Upgraded (101), with the first frame the server sent.
    Accepted(awc::ws::Frame),
    /// Refused with this status.
    Refused(StatusCode),
}

/// Opens the WebSocket `request` describes and reads the server's first frame.
///
/// # Panics
///
/// When the connection fails for another reason than a refusal, or an accepted socket sends
/// no valid frame.
pub async fn handshake(request: awc::ws::WebsocketsRequest) -> Handshake {
    use futures_util::StreamExt as _;

    match request.connect().await {
        Ok((response, mut frames)) => {
            assert_eq!(response.status(), StatusCode::SWITCHING_PROTOCOLS);
            let first = frames.next().await.expect("a frame");
            Handshake::Accepted(first.expect("a valid frame"))
        }
        Err(awc::error::WsClientError::InvalidResponseStatus(status)) => Handshake::Refused(status),
        Err(err) => panic!("the handshake failed: {err}"),
    }
}

/// The middleware of Starlette's reference application.
pub fn reference_middleware() -> AuthenticationMiddleware<ReferenceBackend> {
    AuthenticationMiddleware::new(auth_actix::Chain::new(reference_backend()))
}

/// Starlette's reference application: `/` (named `homepage`), `/dashboard`, `/admin`,
/// `/dashboard/decorated` and the WebSocket `/ws`, behind [`reference_middleware`].
///
/// # Examples
///
/// ```no_run
/// # #[actix_web::main] async fn main() {
/// let server = auth_tests::serve(auth_tests::reference_app);
/// let reply = auth_tests::send(server.get("/")).await;
/// assert_eq!(reply.body, r#"{"authenticated":false,"user":""}"#);
/// # }
/// ```
pub fn reference_app() -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    App::new()
        .wrap(reference_middleware())
        .service(reference::homepage)
        .service(reference::dashboard)
        .service(reference::admin)
        .service(reference::decorated)
        .service(reference::websocket)
}

/// Starlette's second application: `/control-panel`, whose `on_error` answers
/// 401 `{"error":"<message>"}`.
pub fn control_panel_app() -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let auth = reference_middleware().on_error(json_error);

    App::new().wrap(auth).service(reference::control_panel)
}

/// The `on_error` of Starlette's second application: 401 `{"error":"<message>"}`.
pub fn json_error(_req: HttpRequest, failure: AuthFailure) -> HttpResponse {
    HttpResponse::Unauthorized().json(serde_json::json!({ "error": failure.message() }))
}

/// A middleware standing for Starlette's other decorator: adds `"additional":"payload"` to
/// a successful JSON response.
///
/// # Errors
///
/// Whatever the wrapped service fails with, or a 500 for a body that is not a JSON object.
pub async fn add_payload(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let response = next.call(req).await?;
    if response.status() != StatusCode::OK {
        return Ok(response.map_into_boxed_body());
    }

    let (req, response) = response.into_parts();
    let body = actix_web::body::to_bytes(response.into_body())
        .await
        .map_err(|_| actix_web::error::ErrorInternalServerError("unreadable body"))?;
    let mut json: serde_json::Value = serde_json::from_slice(&body)?;
    let Some(object) = json.as_object_mut() else {
        return Err(actix_web::error::ErrorInternalServerError(
            "not a JSON object",
        ));
    };
    object.insert("additional".to_owned(), "payload".into());

    let response = HttpResponse::Ok().json(json);
    Ok(ServiceResponse::new(req, response).map_into_boxed_body())
}

/// The handlers of the reference applications.
mod reference {
    use super::*;

    #[get("/", name = "homepage")]
    pub(super) async fn homepage(MaybeUser(user): MaybeUser<SimpleUser>) -> HttpResponse {
        HttpResponse::Ok().json(maybe_user_json(user.as_ref()))
    }

    #[get("/dashboard")]
    #[requires(scopes = ["authenticated"])]
    pub(super) async fn dashboard(User(user): User<SimpleUser>) -> HttpResponse {
        HttpResponse::Ok().json(user_json(&user))
    }

    #[get("/admin")]
    #[requires(scopes = ["authenticated"], redirect = "homepage")]
    pub(super) async fn admin(User(user): User<SimpleUser>) -> HttpResponse {
        HttpResponse::Ok().json(user_json(&user))
    }

    #[get(
        "/dashboard/decorated",
        wrap = "actix_web::middleware::from_fn(add_payload)"
    )]
    #[requires(scopes = ["authenticated"])]
    pub(super) async fn decorated(User(user): User<SimpleUser>) -> HttpResponse {
        HttpResponse::Ok().json(user_json(&user))
    }

    #[get("/ws")]
    #[requires(scopes = ["authenticated"])]
    pub(super) async fn websocket(
        req: HttpRequest,
        body: web::Payload,
        User(user): User<SimpleUser>,
    ) -> actix_web::Result<HttpResponse> {
        let (response, mut session, stream) = actix_ws::handle(&req, body)?;

        let message = user_json(&user).to_string();
        actix_web::rt::spawn(async move {
            // Keep the incoming stream open until the frame is out, then close.
            let _stream = stream;
            if session.text(message).await.is_ok() {
                let _ = session.close(None).await;
            }
        });
        Ok(response)
    }

    #[get("/control-panel")]
    #[requires(scopes = ["authenticated"])]
    pub(super) async fn control_panel(User(user): User<SimpleUser>) -> HttpResponse {
        HttpResponse::Ok().json(user_json(&user))
    }
}

/// The README's examples, compiled as doc tests so that they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
