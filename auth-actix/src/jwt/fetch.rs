//! Fetching key documents over HTTP with awc, within limits.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use actix_web::http::header;
use auth_core::jwt::{JwtError, DEFAULT_MAX_KEY_AGE, DEFAULT_MIN_REFETCH_INTERVAL};

type ClientFactory = Arc<dyn Fn() -> awc::Client + Send + Sync>;

/// How key documents (JWKS, OpenID Connect discovery) are fetched and refreshed.
///
/// The defaults: a 5 s timeout for each fetch, documents up to 256 KiB, a refresh every
/// 15 minutes, at least 30 s between fetches caused by unknown key ids, keys used for at most
/// 24 hours after the last successful fetch, `https` only, no redirects followed.
///
/// `https` needs a TLS feature of `awc` in the application (for instance
/// `awc = { version = "3", features = ["rustls-0_23-webpki-roots"] }`), or a client of the
/// application's own making given to [`client`](Self::client).
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// use auth_actix::jwt::FetchOptions;
///
/// let options = FetchOptions::default()
///     .refresh_interval(Duration::from_secs(600))
///     .timeout(Duration::from_secs(3));
/// # let _ = options;
/// ```
#[derive(Clone)]
pub struct FetchOptions {
    timeout: Duration,
    max_document_size: usize,
    refresh_interval: Duration,
    min_refetch_interval: Duration,
    max_key_age: Duration,
    allow_http: bool,
    client: Option<ClientFactory>,
}

impl FetchOptions {
    /// Bounds each fetch, connection and body included.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Refuses larger documents.
    pub fn max_document_size(mut self, bytes: usize) -> Self {
        self.max_document_size = bytes;
        self
    }

    /// Fetches the keys again this often, so that rotated keys are picked up and removed keys
    /// stop verifying (at least every 100 ms).
    pub fn refresh_interval(mut self, interval: Duration) -> Self {
        self.refresh_interval = interval;
        self
    }

    /// Keeps fetches caused by tokens with unknown key ids at least this far apart.
    pub fn min_refetch_interval(mut self, interval: Duration) -> Self {
        self.min_refetch_interval = interval;
        self
    }

    /// Stops using the keys this long after the last successful fetch, when every fetch since
    /// has failed: tokens are then answered 503 until a fetch succeeds, rather than verified
    /// against keys the issuer may have revoked meanwhile.
    pub fn max_key_age(mut self, age: Duration) -> Self {
        self.max_key_age = age;
        self
    }

    /// Allows plain `http` URLs, for tests and development against a local issuer.
    pub fn allow_http(mut self, allow: bool) -> Self {
        self.allow_http = allow;
        self
    }

    /// Builds the HTTP client of each fetch with `factory` (for TLS settings or a proxy).
    ///
    /// The timeout of these options still bounds every fetch.
    pub fn client(mut self, factory: impl Fn() -> awc::Client + Send + Sync + 'static) -> Self {
        self.client = Some(Arc::new(factory));
        self
    }

    pub(crate) fn refresh_every(&self) -> Duration {
        self.refresh_interval.max(Duration::from_millis(100))
    }

    pub(crate) fn refetch_interval(&self) -> Duration {
        self.min_refetch_interval
    }

    pub(crate) fn key_age(&self) -> Duration {
        self.max_key_age
    }

    fn new_client(&self) -> awc::Client {
        match &self.client {
            Some(factory) => factory(),
            None => awc::Client::builder()
                .disable_redirects()
                .timeout(self.timeout)
                .finish(),
        }
    }

    /// Refuses URLs that are not `https` (or `http`, when allowed).
    pub(crate) fn check_url(&self, url: &str) -> Result<(), JwtError> {
        let insecure = || JwtError::InsecureUrl(url.to_owned());
        let parsed = url::Url::parse(url).map_err(|_| insecure())?;
        match parsed.scheme() {
            "https" => Ok(()),
            "http" if self.allow_http => Ok(()),
            _ => Err(insecure()),
        }
    }

    /// Fetches one document.
    pub(crate) async fn fetch(&self, url: &str) -> Result<Vec<u8>, JwtError> {
        let failed = |reason: String| JwtError::Fetch {
            url: url.to_owned(),
            reason,
        };

        let fetch = async {
            let client = self.new_client();
            let request = client
                .get(url)
                .insert_header((header::ACCEPT, "application/json"));
            let mut response = request
                .send()
                .await
                .map_err(|err| failed(err.to_string()))?;
            if !response.status().is_success() {
                return Err(failed(format!("the server answered {}", response.status())));
            }
            let body = response
                .body()
                .limit(self.max_document_size)
                .await
                .map_err(|err| failed(err.to_string()))?;
            Ok(body.to_vec())
        };

        match actix_web::rt::time::timeout(self.timeout, fetch).await {
            Ok(result) => result,
            Err(_elapsed) => Err(failed("timed out".to_owned())),
        }
    }
}

impl Default for FetchOptions {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(5),
            max_document_size: 256 * 1024,
            refresh_interval: Duration::from_secs(15 * 60),
            min_refetch_interval: DEFAULT_MIN_REFETCH_INTERVAL,
            max_key_age: DEFAULT_MAX_KEY_AGE,
            allow_http: false,
            client: None,
        }
    }
}

impl fmt::Debug for FetchOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FetchOptions")
            .field("timeout", &self.timeout)
            .field("max_document_size", &self.max_document_size)
            .field("refresh_interval", &self.refresh_interval)
            .field("min_refetch_interval", &self.min_refetch_interval)
            .field("max_key_age", &self.max_key_age)
            .field("allow_http", &self.allow_http)
            .field("custom_client", &self.client.is_some())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_urls_are_fetched_by_default() {
        let options = FetchOptions::default();

        assert!(options.check_url("https://issuer.example/keys").is_ok());
        for url in [
            "http://issuer.example/keys",
            "file:///etc/keys",
            "keys.json",
        ] {
            assert!(
                matches!(options.check_url(url), Err(JwtError::InsecureUrl(_))),
                "{url}"
            );
        }
        assert!(options
            .allow_http(true)
            .check_url("http://127.0.0.1/keys")
            .is_ok());
    }
}
