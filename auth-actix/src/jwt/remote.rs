//! A JWKS fetched from a URL at start and refreshed in the background.

use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::Duration;

use actix_web::rt::task::JoinHandle;
use auth_core::jwt::{JwksFetcher, JwtError, KeySet, KeySource, RefreshingKeySet};
use auth_core::AuthError;

use super::FetchOptions;
use crate::TARGET;

/// The keys of a JWKS URL: fetched at start, refreshed in the background, fetched again
/// (at most once per [`min_refetch_interval`](FetchOptions::min_refetch_interval)) when a
/// token names an unknown key id.
///
/// A key the issuer adds is accepted as soon as a token names it; a key the issuer removes
/// is refused after the next refresh. When a refresh fails the previous keys stay in use and
/// a warning is logged; a token whose unknown key id cannot be looked up is answered 503.
///
/// Clones share the keys. The background refresh runs on the actix runtime that called
/// [`start`](Self::start) and stops when the last clone is dropped.
///
/// # Examples
///
/// ```no_run
/// use auth_actix::jwt::{Algorithm, FetchOptions, JwtBackend, RemoteJwks};
///
/// # #[actix_web::main]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let keys = RemoteJwks::start("https://auth.example.com/.well-known/jwks.json",
///     FetchOptions::default()).await?;
/// let backend = JwtBackend::new(keys, [Algorithm::RS256])?.audience("notes-api");
/// # let _ = backend;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct RemoteJwks {
    inner: Arc<Inner>,
}

struct Inner {
    url: String,
    keys: RefreshingKeySet<HttpFetcher>,
    refresher: Mutex<Option<JoinHandle<()>>>,
}

impl RemoteJwks {
    /// Fetches the keys of `url` and starts refreshing them in the background.
    ///
    /// Call it on an actix runtime (inside `#[actix_web::main]` or `#[actix_web::test]`).
    ///
    /// # Errors
    ///
    /// [`JwtError::InsecureUrl`] for a URL that is not `https` (unless allowed),
    /// [`JwtError::Fetch`] when the first fetch fails, or a document error when it is not a
    /// JWKS with a usable key: an application should not start without its keys.
    pub async fn start(url: &str, options: FetchOptions) -> Result<Self, JwtError> {
        options.check_url(url)?;
        let every = options.refresh_every();
        let fetcher = HttpFetcher {
            url: url.to_owned(),
            options: options.clone(),
        };
        let keys = RefreshingKeySet::new(fetcher)
            .min_refetch_interval(options.refetch_interval())
            .max_key_age(options.key_age());

        let first = keys.refresh().await?;
        tracing::info!(target: TARGET, url, keys = first.len(), "fetched the JWKS");

        let inner = Arc::new(Inner {
            url: url.to_owned(),
            keys,
            refresher: Mutex::new(None),
        });
        let task = actix_web::rt::spawn(refresh_periodically(Arc::downgrade(&inner), every));
        *inner
            .refresher
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(task);
        Ok(Self { inner })
    }

    /// The URL the keys come from.
    pub fn url(&self) -> &str {
        &self.inner.url
    }

    /// The keys in use: those fetched last, `None` once older than the maximum key age.
    pub fn current(&self) -> Option<KeySet> {
        self.inner.keys.current()
    }

    /// Fetches the keys now, as the background refresh does.
    ///
    /// # Errors
    ///
    /// The fetch or the document failed; the previous keys stay in use.
    pub async fn refresh(&self) -> Result<KeySet, JwtError> {
        self.inner.keys.refresh().await
    }
}

impl KeySource for RemoteJwks {
    fn key_set(&self, kid: Option<&str>) -> impl Future<Output = Result<KeySet, AuthError>> {
        self.inner.keys.key_set(kid)
    }

    fn known_keys(&self) -> Option<KeySet> {
        self.inner.keys.known_keys()
    }
}

impl fmt::Debug for RemoteJwks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RemoteJwks")
            .field("url", &self.inner.url)
            .field("keys", &self.inner.keys)
            .finish()
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        let refresher = self
            .refresher
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(task) = refresher.take() {
            task.abort();
        }
    }
}

async fn refresh_periodically(inner: Weak<Inner>, every: Duration) {
    loop {
        actix_web::rt::time::sleep(every).await;
        let Some(inner) = inner.upgrade() else {
            return;
        };
        match inner.keys.refresh().await {
            Ok(keys) => {
                tracing::debug!(target: TARGET, url = %inner.url, keys = keys.len(), "refreshed the JWKS");
            }
            Err(err) => tracing::warn!(
                target: TARGET,
                url = %inner.url,
                error = %err,
                "refreshing the JWKS failed; keeping the previous keys"
            ),
        }
    }
}

/// Fetches one URL with awc.
struct HttpFetcher {
    url: String,
    options: FetchOptions,
}

impl JwksFetcher for HttpFetcher {
    fn fetch(&self) -> impl Future<Output = Result<Vec<u8>, JwtError>> {
        self.options.fetch(&self.url)
    }
}
