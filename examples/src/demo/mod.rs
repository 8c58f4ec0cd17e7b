//! The demo service: Starlette's reference application on actix-web, with real users.
//!
//! Users live in a SQLite file, created and seeded on first start, with argon2 password
//! hashes; requests authenticate with a login session (actix-session, in a private cookie or
//! in Redis), with HTTP Basic checked against that table, or with an API key (header
//! `X-API-Key`) that an admin created, kept in the same file as a SHA-256 hash, or with a
//! bearer token from `/token` (also accepted as `?access_token=` on WebSocket handshakes).
//!
//! | route | guard |
//! |---|---|
//! | `/` (named `homepage`) | none |
//! | `/dashboard` | `authenticated` |
//! | `/admin` | `authenticated`, anonymous browsers are redirected to `login` |
//! | `/dashboard/decorated` | as `/dashboard`, behind a middleware adding a field |
//! | `/ws` | `authenticated`; a WebSocket that sends the user as JSON |
//! | `/admin/users` | `admin`; lists the users as JSON |
//! | `/login` (named `login`) | none; GET shows the form, POST logs in (CSRF-checked) |
//! | `/logout` | none; POST logs out (CSRF-checked) |
//! | `POST /admin/api-keys` | `admin`; creates a key for the caller, `{"scopes":[..]}` |
//! | `GET /admin/api-keys` | `admin`; lists the keys, without secrets |
//! | `DELETE /admin/api-keys/{id}` | `admin`; revokes a key |
//! | `/admin/api-keys/page` | `admin`, anonymous browsers are redirected to `login`; GET shows the keys as HTML, POST creates or revokes one (CSRF-checked) |
//! | `/api/whoami` | authenticated; the user, the backend and the granted scopes |
//! | `POST /token` | authenticated; a bearer token (HS256 JWT, 15 minutes) for the caller's scopes |
//! | `/admin/policies` | `admin`; lists every guarded and public handler as JSON |
//! | `/notes` | `authenticated`; the user's own notes as JSON |
//! | `/notes/{id}` | `admin`, or `authenticated` and not `suspended`; then an object check: the note's owner or an admin |
//!
//! Everything under `/notes` is also behind a [`Guarded`](auth_actix::Guarded) scope that
//! admits `admin`, or `authenticated` and not `suspended`: the middleware form of a guard.
//! Handlers use the typed [`Scope`] where they need more than `authenticated`; every one is
//! either guarded or marked `#[public]`, and [`HANDLERS`] lists them for the route audit.
//!
//! The application also holds a `web::Data<UserStore>`, a `web::Data<DemoSessions>` and a
//! `web::Data<TokenSigner>` (see [`token_signer`]), and
//! wraps [`middleware`] first and [`session_middleware`] last (so that it runs first). The
//! session middleware is built from the session backend, so that both use one cookie name.

mod html;
mod key_page;
mod login;
mod notes;
mod routes;
mod scope;
mod session;
mod store;
mod tokens;
mod user;

pub use key_page::KEY_PAGE;
pub use login::DEFAULT_NEXT;
pub use notes::{Note, DEMO_NOTES};
pub use routes::{configure, HANDLERS};
pub use scope::Scope;
pub use session::{
    redis_storage, session_backend, session_middleware, DemoSessions, RedisStorage, StoreLoader,
    REDIS_TIMEOUT,
};
pub use store::{is_valid_scope, ApiKeyInfo, StoreError, UserStore, DEMO_USERS};
pub use tokens::{token_backend, token_signer, DemoTokens, TokenAccount, TOKEN_LIFETIME};
pub use user::{Account, Visitor};

use actix_web::cookie::Key;
use auth_actix::api_key::ApiKeyBackend;
use auth_actix::basic::{BasicBackend, BasicCredentials, BasicVerifier};
use auth_actix::{AuthError, Authenticated, AuthenticationMiddleware, Chain, Credentials};

/// The realm named in the demo's `WWW-Authenticate` challenge.
pub const REALM: &str = "demo";

/// The demo's authentication chain: the login session, bearer tokens, API keys, then Basic.
pub type DemoChain = (
    DemoSessions,
    DemoTokens,
    ApiKeyBackend<UserStore>,
    BasicBackend<StoreVerifier>,
);

/// The middleware the demo installs, built on `store`; `key` is the session cookie's key.
///
/// Its session backend expects actix-session's default cookie name;
/// [`middleware_with_sessions`] takes a backend configured otherwise.
pub fn middleware(store: UserStore, key: &Key) -> AuthenticationMiddleware<DemoChain> {
    middleware_with_sessions(session_backend(store.clone(), key), store, key)
}

/// The middleware the demo installs, with `sessions` as its session backend.
pub fn middleware_with_sessions(
    sessions: DemoSessions,
    store: UserStore,
    key: &Key,
) -> AuthenticationMiddleware<DemoChain> {
    let tokens = token_backend(key);
    let api_key = ApiKeyBackend::new(store.clone()).realm(REALM);
    let basic = BasicBackend::new(StoreVerifier { store }).realm(REALM);

    AuthenticationMiddleware::new(Chain::new((sessions, tokens, api_key, basic)))
}

/// Checks Basic credentials against the [`UserStore`], off the async workers.
#[derive(Debug)]
pub struct StoreVerifier {
    store: UserStore,
}

impl BasicVerifier for StoreVerifier {
    type User = Visitor;

    async fn verify(
        &self,
        credentials: &BasicCredentials,
    ) -> Result<Option<Authenticated<Visitor>>, AuthError> {
        let store = self.store.clone();
        let credentials = credentials.clone();

        // Hashing takes milliseconds of CPU and SQLite blocks: both run on the blocking pool.
        let checked = actix_web::web::block(move || {
            store.check_password(credentials.username(), credentials.password())
        })
        .await;

        match checked {
            Ok(Ok(Some(account))) => {
                let credentials = Credentials::from_iter(account.scopes.iter().map(String::as_str));
                Ok(Some(Authenticated::new(
                    Visitor::Account(account),
                    credentials,
                )))
            }
            Ok(Ok(None)) => Ok(None),
            Ok(Err(err)) => {
                Err(AuthError::unavailable("the user store is unavailable").with_source(err))
            }
            Err(err) => {
                Err(AuthError::unavailable("the user store is unavailable").with_source(err))
            }
        }
    }
}
