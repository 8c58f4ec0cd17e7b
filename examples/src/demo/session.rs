//! Session login for the demo: the user loader and the session middleware.

use std::time::Duration;

use actix_web::cookie::Key;
use auth_actix::session::actix_session::storage::SessionStore;
use auth_actix::session::{
    RedisSessionStore, SessionBackend, SessionMiddleware, TimeoutStore, UserLoader,
};
use auth_actix::{AuthError, Authenticated, Credentials};

use super::{Account, UserStore, Visitor};

/// The demo's session backend.
pub type DemoSessions = SessionBackend<StoreLoader>;

/// The session backend for the users of `store`; `key` is the session cookie's key.
///
/// Its session cookie is actix-session's default, `id`; set another name with
/// [`SessionBackend::cookie_name`] before cloning it, and build the middleware with
/// [`session_middleware`] so that it sets that name.
pub fn session_backend(store: UserStore, key: &Key) -> DemoSessions {
    SessionBackend::new(StoreLoader { store }, key)
}

/// actix-session's middleware over `storage`, with the key and cookie name of `sessions`.
///
/// Wrap it after (outside) [`middleware`](super::middleware), so that it runs first.
pub fn session_middleware<S: SessionStore>(
    sessions: &DemoSessions,
    storage: S,
) -> SessionMiddleware<S> {
    sessions.session_middleware(storage).build()
}

/// How long the demo waits for Redis before refusing a request.
pub const REDIS_TIMEOUT: Duration = Duration::from_secs(2);

/// The demo's Redis session store.
pub type RedisStorage = TimeoutStore<RedisSessionStore>;

/// Connects the demo's Redis session store to `url`: pooled connections that recover when
/// Redis comes back after an outage, with a deadline of [`REDIS_TIMEOUT`] per call.
///
/// # Errors
///
/// `url` is not a Redis URL, or Redis does not answer.
pub async fn redis_storage(url: &str) -> std::io::Result<RedisStorage> {
    auth_actix::session::redis_store(url, REDIS_TIMEOUT)
        .await
        .map_err(|err| std::io::Error::other(format!("{err:#}")))
}

/// Loads the account a session names from the [`UserStore`], off the async workers.
#[derive(Debug)]
pub struct StoreLoader {
    store: UserStore,
}

impl UserLoader for StoreLoader {
    type User = Visitor;

    async fn load(&self, id: &str) -> Result<Option<Authenticated<Visitor>>, AuthError> {
        let store = self.store.clone();
        let id = id.to_owned();

        let found = actix_web::web::block(move || store.find(&id)).await;

        match found {
            Ok(Ok(account)) => Ok(account.map(authenticated)),
            Ok(Err(err)) => {
                Err(AuthError::unavailable("the user store is unavailable").with_source(err))
            }
            Err(err) => {
                Err(AuthError::unavailable("the user store is unavailable").with_source(err))
            }
        }
    }

    fn auth_hash(&self, user: &Visitor) -> String {
        match user {
            Visitor::Account(account) => account.password_hash.clone(),
            Visitor::Anonymous => String::new(),
        }
    }
}

/// An account as the chain's user, with its scopes.
pub(super) fn authenticated(account: Account) -> Authenticated<Visitor> {
    let credentials = Credentials::from_iter(account.scopes.iter().map(String::as_str));
    Authenticated::new(Visitor::Account(account), credentials)
}
