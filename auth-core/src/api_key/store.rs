//! Where keys are kept: the store trait and an in-memory store.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::sync::{Arc, RwLock};

use super::{KeyGenError, KeyHash, NewApiKey};
use crate::{AuthError, Credentials};

/// What a store keeps for one key: the hash of its secret, its owner, scopes and state.
///
/// `Debug` leaves the hash out.
#[derive(Clone)]
pub struct StoredKey<U> {
    /// The hash of the key's secret, from [`NewApiKey::hash`].
    pub hash: KeyHash,
    /// The user a request carrying this key acts as.
    pub user: U,
    /// The scopes the key grants; they may be fewer than its owner's.
    pub scopes: Credentials,
    /// Whether the key was revoked; a revoked key is refused with 401.
    pub revoked: bool,
}

impl<U> StoredKey<U> {
    /// A key that is not revoked.
    pub fn new(hash: KeyHash, user: U, scopes: Credentials) -> Self {
        Self {
            hash,
            user,
            scopes,
            revoked: false,
        }
    }

    /// Sets whether the key is revoked.
    pub fn with_revoked(mut self, revoked: bool) -> Self {
        self.revoked = revoked;
        self
    }
}

impl<U: fmt::Debug> fmt::Debug for StoredKey<U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredKey")
            .field("user", &self.user)
            .field("scopes", &self.scopes)
            .field("revoked", &self.revoked)
            .finish_non_exhaustive()
    }
}

/// Looks keys up by id, implemented by the application over its database.
///
/// A store never sees a secret: it is asked for the key id (the non-secret part of a key)
/// and answers what it keeps, the hash included; the backend compares hashes itself.
///
/// # Examples
///
/// ```
/// use std::collections::HashMap;
///
/// use auth_core::api_key::{ApiKeyStore, StoredKey};
/// use auth_core::{AuthError, SimpleUser};
///
/// struct Table(HashMap<String, StoredKey<SimpleUser>>);
///
/// impl ApiKeyStore for Table {
///     type User = SimpleUser;
///
///     async fn find(&self, id: &str) -> Result<Option<StoredKey<SimpleUser>>, AuthError> {
///         Ok(self.0.get(id).cloned())
///     }
/// }
/// ```
pub trait ApiKeyStore {
    /// The user type a key stands for.
    type User;

    /// The key with this id, `Ok(None)` when there is none.
    ///
    /// A store may answer `Ok(None)` for revoked keys or return them with
    /// [`revoked`](StoredKey::revoked) set; both are refused. Return an
    /// [`unavailable`](AuthError::unavailable) error when the store cannot be reached.
    fn find(
        &self,
        id: &str,
    ) -> impl Future<Output = Result<Option<StoredKey<Self::User>>, AuthError>>;
}

/// An [`ApiKeyStore`] in memory, for tests and examples.
///
/// Clones share the same keys, so a test can keep one handle to issue and revoke keys while
/// the backend holds another. Everything is lost when the last clone is dropped.
///
/// # Examples
///
/// ```
/// use auth_core::api_key::{ApiKeyStore, MemoryKeyStore};
/// use auth_core::{Credentials, SimpleUser};
///
/// let store = MemoryKeyStore::new();
/// let issued = store
///     .issue(SimpleUser::new("ci-bot"), Credentials::from_iter(["deploy"]))
///     .unwrap();
///
/// assert_eq!(store.len(), 1);
/// assert!(store.revoke(issued.id()));
/// assert!(!store.revoke("no-such-id"));
/// ```
pub struct MemoryKeyStore<U> {
    keys: Arc<RwLock<HashMap<String, StoredKey<U>>>>,
}

impl<U> MemoryKeyStore<U> {
    /// An empty store.
    pub fn new() -> Self {
        Self {
            keys: Arc::default(),
        }
    }

    /// Generates a key for `user` granting `scopes`, keeps its hash and returns the plaintext.
    ///
    /// # Errors
    ///
    /// When the operating system's random number generator fails.
    pub fn issue(&self, user: U, scopes: Credentials) -> Result<NewApiKey, KeyGenError> {
        let issued = NewApiKey::generate()?;
        self.insert(issued.id(), StoredKey::new(*issued.hash(), user, scopes));
        Ok(issued)
    }

    /// Keeps `key` under `id`, replacing any key of that id.
    pub fn insert(&self, id: &str, key: StoredKey<U>) {
        self.write().insert(id.to_owned(), key);
    }

    /// Marks the key `id` revoked; `false` when there is no such key.
    pub fn revoke(&self, id: &str) -> bool {
        match self.write().get_mut(id) {
            Some(key) => {
                key.revoked = true;
                true
            }
            None => false,
        }
    }

    /// How many keys the store holds, revoked ones included.
    pub fn len(&self) -> usize {
        self.keys
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .len()
    }

    /// Whether the store holds no key.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, HashMap<String, StoredKey<U>>> {
        // Nothing here panics while holding the lock, so a poisoned lock still holds whole
        // entries, and revoking must keep working. Lookups fail closed instead (see `find`).
        self.keys
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl<U: Clone> ApiKeyStore for MemoryKeyStore<U> {
    type User = U;

    async fn find(&self, id: &str) -> Result<Option<StoredKey<U>>, AuthError> {
        let keys = self
            .keys
            .read()
            .map_err(|_| AuthError::unavailable("the API key store is unavailable"))?;
        Ok(keys.get(id).cloned())
    }
}

impl<U> Clone for MemoryKeyStore<U> {
    fn clone(&self) -> Self {
        Self {
            keys: Arc::clone(&self.keys),
        }
    }
}

impl<U> Default for MemoryKeyStore<U> {
    fn default() -> Self {
        Self::new()
    }
}

impl<U> fmt::Debug for MemoryKeyStore<U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryKeyStore")
            .field("keys", &self.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use futures_util::FutureExt;

    use super::*;
    use crate::SimpleUser;

    fn find(store: &MemoryKeyStore<SimpleUser>, id: &str) -> Option<StoredKey<SimpleUser>> {
        store
            .find(id)
            .now_or_never()
            .expect("the memory store never waits")
            .unwrap()
    }

    #[test]
    fn memory_store_finds_issued_keys_by_id() {
        let store = MemoryKeyStore::new();
        let issued = store
            .issue(SimpleUser::new("ada"), Credentials::from_iter(["read"]))
            .unwrap();

        let found = find(&store, issued.id()).expect("the key");

        assert_eq!(found.user.username(), "ada");
        assert_eq!(found.hash, *issued.hash());
        assert!(found.scopes.contains("read"));
        assert!(!found.revoked);
        assert!(find(&store, "0000000000000000").is_none());
    }

    #[test]
    fn memory_store_revocation_is_shared_by_clones() {
        let store = MemoryKeyStore::new();
        let backend_handle = store.clone();
        let issued = store
            .issue(SimpleUser::new("ada"), Credentials::none())
            .unwrap();

        assert!(store.revoke(issued.id()));

        assert!(find(&backend_handle, issued.id()).unwrap().revoked);
    }
}
