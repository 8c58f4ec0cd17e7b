//! A key set fetched from elsewhere and fetched again when keys rotate.

use std::fmt;
use std::future::Future;
use std::sync::{PoisonError, RwLock};
use std::time::{Duration, Instant};

use futures_util::lock::Mutex;

use super::{JwtError, KeySet, KeySource};
use crate::AuthError;

/// The shortest time between two fetches caused by unknown key ids, unless configured.
pub const DEFAULT_MIN_REFETCH_INTERVAL: Duration = Duration::from_secs(30);

/// How long keys stay in use after the last successful fetch, unless configured.
pub const DEFAULT_MAX_KEY_AGE: Duration = Duration::from_secs(24 * 60 * 60);

/// Fetches a JWKS document; implemented over HTTP by the framework adapters.
pub trait JwksFetcher {
    /// The document's bytes.
    ///
    /// # Errors
    ///
    /// [`JwtError::Fetch`] when the document cannot be had.
    fn fetch(&self) -> impl Future<Output = Result<Vec<u8>, JwtError>>;
}

/// A [`KeySource`] holding the last key set fetched, fetching again when it must.
///
/// A token naming a key id the set does not know causes one fetch, so a key the issuer has
/// just added is found; fetches for that reason are at least the minimum refetch interval
/// apart, so a flood of tokens with made-up key ids causes at most one fetch per interval.
/// Concurrent requests wait for a fetch in progress rather than starting their own. A key the
/// issuer removed stops verifying at the first fetch after its removal (see
/// [`refresh`](Self::refresh), which adapters call periodically).
///
/// When a fetch fails, the previous keys stay in use for tokens they know; a request whose
/// key id caused the failed fetch is answered 503, since its token can be neither accepted
/// nor refused. They stay in use for the maximum key age at most (24 hours unless
/// [configured](Self::max_key_age)): a key the issuer revoked during a long outage of its key
/// endpoint must not verify tokens for ever, so past that age every token is answered 503
/// until a fetch succeeds.
///
/// # Examples
///
/// ```
/// use auth_core::jwt::{JwksFetcher, JwtError, KeySource, RefreshingKeySet};
///
/// struct FromMemory(&'static str);
///
/// impl JwksFetcher for FromMemory {
///     async fn fetch(&self) -> Result<Vec<u8>, JwtError> {
///         Ok(self.0.as_bytes().to_vec())
///     }
/// }
///
/// # futures_util::FutureExt::now_or_never(async {
/// let keys = RefreshingKeySet::new(FromMemory(r#"{"keys":[{"kty":"OKP","crv":"Ed25519",
///     "kid":"k1","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}"#));
/// assert!(keys.current().is_none());
///
/// let set = keys.key_set(Some("k1")).await.unwrap();
/// assert!(set.knows_kid("k1"));
/// # }).unwrap();
/// ```
pub struct RefreshingKeySet<F> {
    fetcher: F,
    /// The keys of the last successful fetch, and when it ended.
    current: RwLock<Option<(KeySet, Instant)>>,
    /// Held while fetching; holds when the last fetch started.
    gate: Mutex<Option<Instant>>,
    min_refetch_interval: Duration,
    max_key_age: Duration,
}

impl<F: JwksFetcher> RefreshingKeySet<F> {
    /// An empty set that fetches with `fetcher` on first use.
    pub fn new(fetcher: F) -> Self {
        Self {
            fetcher,
            current: RwLock::new(None),
            gate: Mutex::new(None),
            min_refetch_interval: DEFAULT_MIN_REFETCH_INTERVAL,
            max_key_age: DEFAULT_MAX_KEY_AGE,
        }
    }

    /// Sets the shortest time between two fetches caused by unknown key ids.
    pub fn min_refetch_interval(mut self, interval: Duration) -> Self {
        self.min_refetch_interval = interval;
        self
    }

    /// Stops using keys this long after the last successful fetch, when every fetch since has
    /// failed.
    pub fn max_key_age(mut self, age: Duration) -> Self {
        self.max_key_age = age;
        self
    }

    /// The keys in use: those of the last successful fetch, `None` before the first one or
    /// once they are older than the maximum key age.
    pub fn current(&self) -> Option<KeySet> {
        let current = self.current.read().unwrap_or_else(PoisonError::into_inner);
        current
            .as_ref()
            .filter(|(_, fetched)| fetched.elapsed() < self.max_key_age)
            .map(|(keys, _)| keys.clone())
    }

    /// The fetcher this set uses.
    pub fn fetcher(&self) -> &F {
        &self.fetcher
    }

    /// Fetches the keys now, waiting for a fetch already in progress first.
    ///
    /// # Errors
    ///
    /// The fetch or the document failed; the previous keys stay in use.
    pub async fn refresh(&self) -> Result<KeySet, JwtError> {
        let mut last = self.gate.lock().await;
        self.fetch_now(&mut last).await
    }

    async fn fetch_now(&self, last: &mut Option<Instant>) -> Result<KeySet, JwtError> {
        *last = Some(Instant::now());
        let document = self.fetcher.fetch().await?;
        let keys = KeySet::from_jwks(&document)?;

        *self.current.write().unwrap_or_else(PoisonError::into_inner) =
            Some((keys.clone(), Instant::now()));
        Ok(keys)
    }

    /// Fetches again on behalf of a request that saw `seen`, unless another request already
    /// did or the last fetch is too recent.
    async fn refetch_after(&self, seen: Option<&KeySet>) -> Result<Option<KeySet>, JwtError> {
        let mut last = self.gate.lock().await;

        let now = self.current();
        let changed = match (&now, seen) {
            (Some(now), Some(seen)) => !now.same_as(seen),
            (now, seen) => now.is_some() != seen.is_some(),
        };
        let too_soon = last.is_some_and(|at| at.elapsed() < self.min_refetch_interval);
        if changed || too_soon {
            return Ok(now);
        }
        self.fetch_now(&mut last).await.map(Some)
    }
}

impl<F: JwksFetcher> KeySource for RefreshingKeySet<F> {
    fn known_keys(&self) -> Option<KeySet> {
        self.current()
    }

    async fn key_set(&self, kid: Option<&str>) -> Result<KeySet, AuthError> {
        let seen = self.current();
        if let Some(keys) = &seen {
            if kid.is_none_or(|kid| keys.knows_kid(kid)) {
                return Ok(keys.clone());
            }
        }

        match self.refetch_after(seen.as_ref()).await {
            Ok(Some(keys)) => Ok(keys),
            Ok(None) => Err(AuthError::unavailable("the signing keys are not available")),
            Err(err) => Err(
                AuthError::unavailable("the signing keys could not be fetched").with_source(err),
            ),
        }
    }
}

impl<F> fmt::Debug for RefreshingKeySet<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let current = self.current.read().unwrap_or_else(PoisonError::into_inner);
        f.debug_struct("RefreshingKeySet")
            .field("current", &current.as_ref().map(|(keys, _)| keys))
            .field("min_refetch_interval", &self.min_refetch_interval)
            .field("max_key_age", &self.max_key_age)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::Mutex as StdMutex;

    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine as _;
    use futures_util::FutureExt;

    use super::*;
    use crate::ErrorKind;

    /// Serves a JWKS document that a test can change or break, counting the fetches.
    #[derive(Default)]
    struct Served {
        kids: StdMutex<Vec<&'static str>>,
        fetches: AtomicUsize,
        down: AtomicBool,
    }

    impl Served {
        fn with(kids: &[&'static str]) -> Self {
            let served = Self::default();
            served.publish(kids);
            served
        }

        fn publish(&self, kids: &[&'static str]) {
            *self.kids.lock().unwrap() = kids.to_vec();
        }

        fn fetches(&self) -> usize {
            self.fetches.load(Ordering::SeqCst)
        }
    }

    impl JwksFetcher for &Served {
        async fn fetch(&self) -> Result<Vec<u8>, JwtError> {
            self.fetches.fetch_add(1, Ordering::SeqCst);
            if self.down.load(Ordering::SeqCst) {
                return Err(JwtError::Fetch {
                    url: "test".to_owned(),
                    reason: "down".to_owned(),
                });
            }
            let keys: Vec<_> = self
                .kids
                .lock()
                .unwrap()
                .iter()
                .map(|kid| {
                    serde_json::json!({
                        "kty": "OKP", "crv": "Ed25519", "kid": kid,
                        "x": URL_SAFE_NO_PAD.encode([7; 32]),
                    })
                })
                .collect();
            Ok(serde_json::json!({ "keys": keys }).to_string().into_bytes())
        }
    }

    fn key_set<F: JwksFetcher>(keys: &RefreshingKeySet<F>, kid: &str) -> Result<KeySet, AuthError> {
        keys.key_set(Some(kid))
            .now_or_never()
            .expect("the test fetcher never waits")
    }

    #[test]
    fn first_use_fetches_and_known_kids_do_not_fetch_again() {
        let served = Served::with(&["a"]);
        let keys = RefreshingKeySet::new(&served);

        assert!(key_set(&keys, "a").unwrap().knows_kid("a"));
        assert!(key_set(&keys, "a").is_ok());

        assert_eq!(served.fetches(), 1);
    }

    #[test]
    fn unknown_kid_fetches_once_then_is_rate_limited() {
        let served = Served::with(&["a"]);
        let keys = RefreshingKeySet::new(&served);
        key_set(&keys, "a").unwrap();

        for _ in 0..5 {
            assert!(!key_set(&keys, "made-up").unwrap().knows_kid("made-up"));
        }

        assert_eq!(served.fetches(), 1, "the first fetch was too recent");
    }

    #[test]
    fn unknown_kid_finds_a_rotated_key() {
        let served = Served::with(&["old"]);
        let keys = RefreshingKeySet::new(&served).min_refetch_interval(Duration::ZERO);
        key_set(&keys, "old").unwrap();
        served.publish(&["new"]);

        let found = key_set(&keys, "new").unwrap();

        assert!(found.knows_kid("new"));
        assert!(
            !found.knows_kid("old"),
            "a removed key is gone after the refetch"
        );
        assert_eq!(served.fetches(), 2);
    }

    #[test]
    fn refresh_replaces_the_keys() {
        let served = Served::with(&["old"]);
        let keys = RefreshingKeySet::new(&served);
        key_set(&keys, "old").unwrap();
        served.publish(&["new"]);

        keys.refresh().now_or_never().unwrap().unwrap();

        assert!(!keys.current().unwrap().knows_kid("old"));
    }

    /// Serves like [`Served`], but each fetch waits once before answering.
    struct Slow<'a>(&'a Served);

    impl JwksFetcher for Slow<'_> {
        async fn fetch(&self) -> Result<Vec<u8>, JwtError> {
            let mut waited = false;
            std::future::poll_fn(|cx| {
                if waited {
                    return std::task::Poll::Ready(());
                }
                waited = true;
                cx.waker().wake_by_ref();
                std::task::Poll::Pending
            })
            .await;
            self.0.fetch().await
        }
    }

    /// Polls `future` to completion; the futures here make progress on every poll.
    fn block_on<F: Future>(future: F) -> F::Output {
        let mut future = std::pin::pin!(future);
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        loop {
            if let std::task::Poll::Ready(output) = future.as_mut().poll(&mut cx) {
                return output;
            }
        }
    }

    #[test]
    fn concurrent_requests_share_one_fetch() {
        let served = Served::with(&["a"]);
        let keys = RefreshingKeySet::new(Slow(&served)).min_refetch_interval(Duration::ZERO);

        let (first, second) = block_on(futures_util::future::join(
            keys.key_set(Some("a")),
            keys.key_set(Some("a")),
        ));

        assert!(first.unwrap().knows_kid("a"));
        assert!(second.unwrap().knows_kid("a"));
        assert_eq!(
            served.fetches(),
            1,
            "the second request waited for the first fetch"
        );
    }

    #[test]
    fn failed_fetch_without_keys_is_unavailable() {
        let served = Served::with(&["a"]);
        served.down.store(true, Ordering::SeqCst);
        let keys = RefreshingKeySet::new(&served);

        let err = key_set(&keys, "a").unwrap_err();
        let again = key_set(&keys, "a").unwrap_err();

        assert_eq!(err.kind(), ErrorKind::Unavailable);
        assert_eq!(again.kind(), ErrorKind::Unavailable);
        assert_eq!(served.fetches(), 1, "failed fetches are rate-limited too");
    }

    #[test]
    fn failed_refetch_keeps_the_previous_keys() {
        let served = Served::with(&["a"]);
        let keys = RefreshingKeySet::new(&served).min_refetch_interval(Duration::ZERO);
        key_set(&keys, "a").unwrap();
        served.down.store(true, Ordering::SeqCst);

        let unknown = key_set(&keys, "b").unwrap_err();

        assert_eq!(unknown.kind(), ErrorKind::Unavailable);
        assert!(key_set(&keys, "a").unwrap().knows_kid("a"));
        assert!(keys.refresh().now_or_never().unwrap().is_err());
        assert!(keys.current().unwrap().knows_kid("a"));
    }

    #[test]
    fn keys_past_the_maximum_age_stop_verifying_while_fetches_fail() {
        let served = Served::with(&["a"]);
        let keys = RefreshingKeySet::new(&served)
            .min_refetch_interval(Duration::ZERO)
            .max_key_age(Duration::from_millis(50));
        key_set(&keys, "a").unwrap();
        served.down.store(true, Ordering::SeqCst);
        std::thread::sleep(Duration::from_millis(60));

        let stale = key_set(&keys, "a").unwrap_err();

        assert_eq!(stale.kind(), ErrorKind::Unavailable);
        assert!(keys.current().is_none());
        assert_eq!(served.fetches(), 2, "the old keys made it fetch again");

        served.down.store(false, Ordering::SeqCst);
        assert!(
            key_set(&keys, "a").unwrap().knows_kid("a"),
            "a fetch revives them"
        );
    }

    #[test]
    fn keys_within_the_maximum_age_are_used_without_fetching() {
        let served = Served::with(&["a"]);
        let keys = RefreshingKeySet::new(&served).max_key_age(Duration::from_secs(3600));
        key_set(&keys, "a").unwrap();
        served.down.store(true, Ordering::SeqCst);

        assert!(key_set(&keys, "a").unwrap().knows_kid("a"));
        assert_eq!(served.fetches(), 1);
    }
}
