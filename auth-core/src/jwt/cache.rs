//! A bounded cache of tokens whose signature and claims were verified, so that a client
//! sending the same token again does not pay a public-key signature check each time.
//!
//! Entries are keyed by the SHA-256 digest of the whole token: a token that differs in any
//! byte has another digest, and finding a second token with a cached digest is a SHA-256
//! collision. An entry never outlives the token's `exp` (the leeway is not granted again), nor
//! the cache's maximum age, nor the key set that verified it: a key source that rotated its
//! keys hands out another set, and the entry no longer matches.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sha2::{Digest as _, Sha256};

use super::{Claims, KeySet};
use crate::Credentials;

/// The SHA-256 digest of a whole token.
pub(crate) type TokenDigest = [u8; 32];

/// The digest under which a token is cached.
pub(crate) fn digest(token: &[u8]) -> TokenDigest {
    Sha256::digest(token).into()
}

/// What a verified token left: its claims, the scopes they grant, and what verified it.
#[derive(Clone)]
pub(crate) struct Verified {
    pub(crate) claims: Arc<Claims>,
    pub(crate) scopes: Credentials,
    /// The key set the signature was checked against.
    pub(crate) keys: KeySet,
    /// The key id the token names, to ask the key source for the current keys.
    pub(crate) kid: Option<Arc<str>>,
}

struct Entry {
    verified: Verified,
    /// Seconds since the Unix epoch from which the entry is stale.
    stale_at: u64,
}

/// A bounded map from token digests to verified tokens.
pub(crate) struct TokenCache {
    capacity: usize,
    max_age: u64,
    entries: Mutex<HashMap<TokenDigest, Entry>>,
}

impl TokenCache {
    /// A cache of at most `capacity` tokens, each kept at most `max_age` (whole seconds).
    pub(crate) fn new(capacity: usize, max_age: Duration) -> Self {
        Self {
            capacity,
            max_age: max_age.as_secs(),
            entries: Mutex::new(HashMap::with_capacity(capacity.min(4096))),
        }
    }

    /// The entry of this digest if it is still fresh at `now` (seconds since the epoch).
    pub(crate) fn get(&self, digest: &TokenDigest, now: u64) -> Option<Verified> {
        // A poisoned lock is a miss: the token is verified in full instead.
        let mut entries = self.entries.lock().ok()?;
        let entry = entries.get(digest)?;
        if now < entry.stale_at {
            return Some(entry.verified.clone());
        }
        entries.remove(digest);
        None
    }

    /// Keeps a token verified at `now` that expires at `expires_at` (its `exp`).
    pub(crate) fn insert(
        &self,
        digest: TokenDigest,
        verified: Verified,
        now: u64,
        expires_at: u64,
    ) {
        let stale_at = expires_at.min(now.saturating_add(self.max_age));
        if self.capacity == 0 || stale_at <= now {
            return;
        }
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        if entries.len() >= self.capacity && !entries.contains_key(&digest) {
            entries.retain(|_, entry| now < entry.stale_at);
            if entries.len() >= self.capacity {
                // Still full of fresh tokens: the one closest to going stale makes room.
                let oldest = entries
                    .iter()
                    .min_by_key(|(_, entry)| entry.stale_at)
                    .map(|(digest, _)| *digest);
                if let Some(oldest) = oldest {
                    entries.remove(&oldest);
                }
            }
        }
        entries.insert(digest, Entry { verified, stale_at });
    }

    /// How many tokens are cached, fresh or stale.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.entries.lock().map_or(0, |entries| entries.len())
    }

    /// The configured bound and maximum age, for `Debug`.
    pub(crate) fn limits(&self) -> (usize, u64) {
        (self.capacity, self.max_age)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verified() -> Verified {
        Verified {
            claims: Arc::new(Claims::default()),
            scopes: Credentials::from_iter(["a"]),
            keys: KeySet::default(),
            kid: None,
        }
    }

    #[test]
    fn cache_hits_the_same_token_only() {
        let cache = TokenCache::new(8, Duration::from_secs(60));
        cache.insert(digest(b"a.b.c"), verified(), 100, 1000);

        assert!(cache.get(&digest(b"a.b.c"), 101).is_some());
        assert!(cache.get(&digest(b"a.b.d"), 101).is_none());
        assert!(cache.get(&digest(b"a.b.c "), 101).is_none());
        assert!(cache.get(&digest(b"a.b."), 101).is_none());
    }

    #[test]
    fn cache_entry_goes_stale_at_the_tokens_expiry() {
        let cache = TokenCache::new(8, Duration::from_secs(3600));
        cache.insert(digest(b"t"), verified(), 100, 130);

        assert!(cache.get(&digest(b"t"), 129).is_some());
        assert!(cache.get(&digest(b"t"), 130).is_none());
        // A stale entry is dropped, not kept for later.
        assert_eq!(cache.len(), 0);
    }

    #[test]
    fn cache_entry_goes_stale_after_the_maximum_age() {
        let cache = TokenCache::new(8, Duration::from_secs(10));
        cache.insert(digest(b"t"), verified(), 100, 10_000);

        assert!(cache.get(&digest(b"t"), 109).is_some());
        assert!(cache.get(&digest(b"t"), 110).is_none());
    }

    #[test]
    fn cache_keeps_no_expired_token() {
        let cache = TokenCache::new(8, Duration::from_secs(10));
        cache.insert(digest(b"t"), verified(), 100, 100);

        assert_eq!(cache.len(), 0);
        assert!(cache.get(&digest(b"t"), 100).is_none());
    }

    #[test]
    fn cache_never_holds_more_than_its_capacity() {
        // The maximum age is longer than every token's life, so each entry goes stale at its
        // own `exp` and the eviction order is fixed.
        let cache = TokenCache::new(4, Duration::from_secs(3600));
        for n in 0..100u64 {
            cache.insert(digest(&n.to_be_bytes()), verified(), 100, 1000 + n);
            assert!(cache.len() <= 4);
        }

        // The latest tokens stay; the one closest to expiring made room each time.
        assert!(cache.get(&digest(&99u64.to_be_bytes()), 101).is_some());
        assert!(cache.get(&digest(&0u64.to_be_bytes()), 101).is_none());
    }

    #[test]
    fn cache_of_capacity_zero_keeps_nothing() {
        let cache = TokenCache::new(0, Duration::from_secs(60));
        cache.insert(digest(b"t"), verified(), 100, 1000);

        assert!(cache.get(&digest(b"t"), 101).is_none());
    }
}
