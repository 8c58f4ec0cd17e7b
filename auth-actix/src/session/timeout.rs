//! A deadline for every call to a session store.

use std::collections::HashMap;
use std::future::Future;
use std::time::Duration;

use actix_session::storage::{LoadError, SaveError, SessionKey, SessionStore, UpdateError};
use actix_web::cookie::time::Duration as Ttl;

use crate::TARGET;

/// Wraps a session store so that a call that does not finish in time fails.
///
/// actix-session's Redis store waits for an unreachable server without a deadline, so every
/// request carrying a session cookie would hang. Behind this wrapper such a call fails after
/// `timeout`, and `SessionMiddleware` answers 500: the request fails closed, promptly.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// use actix_web::cookie::Key;
/// use auth_actix::session::{CookieSessionStore, SessionMiddleware, TimeoutStore};
///
/// let store = TimeoutStore::new(CookieSessionStore::default(), Duration::from_secs(2));
/// let middleware = SessionMiddleware::new(store, Key::generate());
/// # let _ = middleware;
/// ```
#[derive(Clone, Debug)]
pub struct TimeoutStore<S> {
    store: S,
    timeout: Duration,
}

impl<S: SessionStore> TimeoutStore<S> {
    /// Gives every call to `store` at most `timeout`.
    pub fn new(store: S, timeout: Duration) -> Self {
        Self { store, timeout }
    }

    async fn within<T>(
        &self,
        operation: &'static str,
        call: impl Future<Output = T>,
    ) -> Result<T, anyhow::Error> {
        actix_web::rt::time::timeout(self.timeout, call)
            .await
            .map_err(|_elapsed| {
                tracing::error!(
                    target: TARGET,
                    operation,
                    timeout = ?self.timeout,
                    "the session store did not answer in time"
                );
                anyhow::anyhow!("the session store did not answer within {:?}", self.timeout)
            })
    }
}

impl<S: SessionStore> SessionStore for TimeoutStore<S> {
    async fn load(
        &self,
        session_key: &SessionKey,
    ) -> Result<Option<HashMap<String, String>>, LoadError> {
        let result = self.within("load", self.store.load(session_key)).await;
        logged("load", result.map_err(LoadError::Other)?)
    }

    async fn save(
        &self,
        session_state: HashMap<String, String>,
        ttl: &Ttl,
    ) -> Result<SessionKey, SaveError> {
        let result = self
            .within("save", self.store.save(session_state, ttl))
            .await;
        logged("save", result.map_err(SaveError::Other)?)
    }

    async fn update(
        &self,
        session_key: SessionKey,
        session_state: HashMap<String, String>,
        ttl: &Ttl,
    ) -> Result<SessionKey, UpdateError> {
        let call = self.store.update(session_key, session_state, ttl);
        let result = self.within("update", call).await;
        logged("update", result.map_err(UpdateError::Other)?)
    }

    async fn update_ttl(&self, session_key: &SessionKey, ttl: &Ttl) -> Result<(), anyhow::Error> {
        let result = self.within("update_ttl", self.store.update_ttl(session_key, ttl));
        result
            .await?
            .inspect_err(|err| report("update_ttl", &format!("{err:#}")))
    }

    async fn delete(&self, session_key: &SessionKey) -> Result<(), anyhow::Error> {
        let result = self.within("delete", self.store.delete(session_key)).await;
        result?.inspect_err(|err| report("delete", &format!("{err:#}")))
    }
}

/// Logs a store's failure with its causes.
fn logged<T, E: std::error::Error>(operation: &'static str, result: Result<T, E>) -> Result<T, E> {
    if let Err(err) = &result {
        let mut causes = err.to_string();
        let mut source = err.source();
        while let Some(cause) = source {
            causes.push_str(": ");
            causes.push_str(&cause.to_string());
            source = cause.source();
        }
        report(operation, &causes);
    }
    result
}

/// Logs a store's failure; store errors (Redis's, say) name no session key and no state.
fn report(operation: &'static str, causes: &str) {
    tracing::error!(target: TARGET, operation, error = causes, "the session store failed");
}
