//! Session login on [actix-session]: a backend for the chain, `login`/`logout`, and CSRF
//! tokens for the login form (cargo feature `session`; `redis-session` adds the Redis store).
//!
//! - [`SessionBackend`] authenticates a request by the user its session was logged in as,
//!   loading that user again on every request through the application's [`UserLoader`].
//! - [`SessionBackend::login`] renews the session id (so a session planted before the login
//!   is worthless) and stores the user's identity with a keyed digest of its
//!   [`auth_hash`](UserLoader::auth_hash): when the password changes, every other session of
//!   that user is cleared on its next request, which then goes on anonymous.
//! - [`logout`] purges the session, deleting it from a server-side store.
//! - [`csrf_token`] and [`verify_csrf`] put a per-session synchronizer token into forms and
//!   check it, in constant time, on submission (403 otherwise).
//!
//! Sessions live in actix-session's stores: [`CookieSessionStore`] (the state in a private,
//! encrypted and authenticated cookie) by default, or `RedisSessionStore` (feature
//! `redis-session`) for applications running on several instances. A cookie that was
//! tampered with, or whose Redis state expired, loads as an empty session: the request is
//! anonymous, never an error. Two session cookies on one request are refused with 400: see
//! [the session cookie](SessionBackend#the-session-cookie) for its name, which the backend
//! and `SessionMiddleware` must share, and for what the refusal costs when a sibling domain
//! plants a second cookie.
//!
//! # Middleware order
//!
//! actix runs the middleware wrapped **last** first. `SessionMiddleware` must load the session
//! before the authentication chain reads it, so wrap it after `AuthenticationMiddleware`:
//!
//! ```text
//! App::new()
//!     .wrap(AuthenticationMiddleware::new(chain))                // runs second
//!     .wrap(sessions.session_middleware(store).build())         // runs first
//! ```
//!
//! [`SessionBackend::session_middleware`] builds the `SessionMiddleware` with the backend's
//! key and cookie name; one built by hand must be given both.
//!
//! The other way round fails closed: the chain sees an empty session, so every request is
//! anonymous; the first response that sets the session cookie, or a login, logs an error
//! naming the fix.
//! Without any `SessionMiddleware`, sessions stay empty and nothing is ever stored.
//!
//! # How the backend reaches the session
//!
//! Backends see a framework-neutral [`RequestView`](crate::RequestView). The authentication
//! middleware lends it actix's `HttpRequest` ([`RequestView::extension`]), from which this
//! backend, which lives in `auth-actix` and knows actix, takes the session. `auth-core` stays
//! free of actix types.
//!
//! # Known limits
//!
//! - With the cookie store the state travels in the cookie: a copy of the cookie taken before
//!   [`logout`] stays valid until the user's credentials change, since there is nothing on
//!   the server to delete. Use the Redis store when a logout must end the session everywhere.
//! - When the Redis store cannot be reached, actix-session's store waits without a deadline,
//!   so requests carrying a session cookie hang, and its connection can stay stuck after
//!   Redis is back. Build the store with `redis_store` (feature `redis-session`): it
//!   reconnects as soon as Redis answers, and bounds each call like a [`TimeoutStore`], which
//!   wraps any other store. A call that fails makes actix-session answer 500 before the chain
//!   runs (fail closed, but not the chain's 503).
//!
//! # Examples
//!
//! A login form with the cookie store:
//!
//! ```no_run
//! use actix_web::cookie::Key;
//! use actix_web::{web, App, HttpResponse, HttpServer};
//! use auth_actix::session::{
//!     csrf_token, logout, verify_csrf, CookieSessionStore, Session, SessionBackend,
//!     SessionError, UserLoader,
//! };
//! use auth_actix::{
//!     requires, safe_next, AuthError, Authenticated, AuthenticationMiddleware, Chain,
//!     Credentials, SimpleUser, User,
//! };
//!
//! struct Users;
//!
//! impl UserLoader for Users {
//!     type User = SimpleUser;
//!
//!     async fn load(&self, id: &str) -> Result<Option<Authenticated<SimpleUser>>, AuthError> {
//!         let found = id == "ada";
//!         Ok(found.then(|| {
//!             Authenticated::new(SimpleUser::new(id), Credentials::from_iter(["authenticated"]))
//!         }))
//!     }
//!
//!     fn auth_hash(&self, _user: &SimpleUser) -> String {
//!         // The user's password hash, or a stamp that changes with it.
//!         "$argon2id$v=19$m=19456,t=2,p=1$...".to_owned()
//!     }
//! }
//!
//! #[derive(serde::Deserialize)]
//! struct LoginForm {
//!     username: String,
//!     password: String,
//!     csrf: String,
//!     next: String,
//! }
//!
//! async fn login_form(session: Session) -> Result<HttpResponse, SessionError> {
//!     let token = csrf_token(&session)?;
//!     Ok(HttpResponse::Ok().content_type("text/html; charset=utf-8").body(format!(
//!         r#"<form method="post" action="/login">
//!              <input name="username"> <input name="password" type="password">
//!              <input type="hidden" name="csrf" value="{token}">
//!              <input type="hidden" name="next" value="/">
//!              <button>Log in</button>
//!            </form>"#
//!     )))
//! }
//!
//! async fn login(
//!     sessions: web::Data<SessionBackend<Users>>,
//!     session: Session,
//!     form: web::Form<LoginForm>,
//! ) -> Result<HttpResponse, SessionError> {
//!     verify_csrf(&session, &form.csrf)?;
//!     // A real application verifies a password hash here.
//!     if form.username != "ada" || form.password != "lovelace" {
//!         return Ok(HttpResponse::Unauthorized().body("wrong username or password"));
//!     }
//!
//!     sessions.login(&session, &SimpleUser::new("ada"))?;
//!     let next = safe_next(&form.next).unwrap_or("/");
//!     Ok(HttpResponse::SeeOther().insert_header(("location", next)).finish())
//! }
//!
//! #[derive(serde::Deserialize)]
//! struct LogoutForm {
//!     csrf: String,
//! }
//!
//! async fn sign_out(
//!     session: Session,
//!     form: web::Form<LogoutForm>,
//! ) -> Result<HttpResponse, SessionError> {
//!     verify_csrf(&session, &form.csrf)?;
//!     logout(&session);
//!     Ok(HttpResponse::SeeOther().insert_header(("location", "/")).finish())
//! }
//!
//! #[requires]
//! async fn home(User(user): User<SimpleUser>) -> String {
//!     format!("hello {}", user.username())
//! }
//!
//! #[actix_web::main]
//! async fn main() -> std::io::Result<()> {
//!     // Load the key from configuration: a generated one ends every session on restart.
//!     let key = Key::generate();
//!     let sessions = SessionBackend::new(Users, &key);
//!     let auth = AuthenticationMiddleware::new(Chain::new(sessions.clone()));
//!
//!     HttpServer::new(move || {
//!         App::new()
//!             .app_data(web::Data::new(sessions.clone()))
//!             .route("/", web::get().to(home))
//!             .route("/login", web::get().to(login_form))
//!             .route("/login", web::post().to(login))
//!             .route("/logout", web::post().to(sign_out))
//!             .wrap(auth.clone())
//!             // Wrapped last, so it runs first and loads the session for the chain; it
//!             // gets the backend's key and cookie name.
//!             .wrap(sessions.session_middleware(CookieSessionStore::default()).build())
//!     })
//!     .bind(("127.0.0.1", 8000))?
//!     .run()
//!     .await
//! }
//! ```
//!
//! [actix-session]: https://docs.rs/actix-session
//! [`RequestView::extension`]: crate::RequestView::extension

mod backend;
mod csrf;
mod digest;
mod error;
mod loader;
mod login;
pub(crate) mod order;
#[cfg(feature = "redis-session")]
mod redis;
mod timeout;

pub use actix_session;
pub use actix_session::storage::CookieSessionStore;
#[cfg(feature = "redis-session")]
pub use actix_session::storage::RedisSessionStore;
pub use actix_session::{Session, SessionExt, SessionMiddleware};

pub use backend::SessionBackend;
pub use csrf::{csrf_token, verify_csrf};
pub use error::SessionError;
pub use loader::UserLoader;
pub use login::logout;
#[cfg(feature = "redis-session")]
pub use redis::redis_store;
pub use timeout::TimeoutStore;

/// The session key holding the logged-in user's identity.
const USER_KEY: &str = "auth_actix.user";

/// The session key holding the digest of the user's auth hash at login.
const HASH_KEY: &str = "auth_actix.auth_hash";

/// The session key holding the CSRF token.
const CSRF_KEY: &str = "auth_actix.csrf";
