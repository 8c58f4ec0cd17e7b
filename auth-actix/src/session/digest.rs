//! The keyed digest of a user's auth hash that a logged-in session stores.

use std::fmt;

use actix_web::cookie::Key;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Separates this use of the application's key from every other use of it.
const LABEL: &[u8] = b"auth-actix/session/auth-hash/v1";

/// HMAC-SHA256 under a sub-key derived from the application's cookie key.
///
/// The session keeps the digest, never the auth hash itself, so a password hash handed over
/// by the loader is neither written to a store nor sent to the client, even encrypted.
#[derive(Clone)]
pub(crate) struct AuthDigest {
    key: [u8; 32],
}

impl AuthDigest {
    /// Derives the sub-key from `key`.
    pub(crate) fn new(key: &Key) -> Self {
        let mut mac = new_mac(key.master());
        mac.update(LABEL);
        Self {
            key: mac.finalize().into_bytes().into(),
        }
    }

    /// The digest of `auth_hash` for the user `id`, as stored in the session.
    pub(crate) fn digest(&self, id: &str, auth_hash: &str) -> String {
        URL_SAFE_NO_PAD.encode(self.mac(id, auth_hash).finalize().into_bytes())
    }

    /// Whether `stored` is the digest of `auth_hash` for `id`, compared in constant time.
    pub(crate) fn verify(&self, id: &str, auth_hash: &str, stored: &str) -> bool {
        let Ok(stored) = URL_SAFE_NO_PAD.decode(stored) else {
            return false;
        };
        self.mac(id, auth_hash).verify_slice(&stored).is_ok()
    }

    fn mac(&self, id: &str, auth_hash: &str) -> HmacSha256 {
        let mut mac = new_mac(&self.key);
        // The id's length first, so that no other id and hash pair feeds the same bytes.
        mac.update(&(id.len() as u64).to_be_bytes());
        mac.update(id.as_bytes());
        mac.update(auth_hash.as_bytes());
        mac
    }
}

fn new_mac(key: &[u8]) -> HmacSha256 {
    // HMAC accepts keys of any length, so this never fails.
    <HmacSha256 as Mac>::new_from_slice(key).expect("HMAC takes keys of any length")
}

impl fmt::Debug for AuthDigest {
    // The key is left out.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthDigest").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digest() -> AuthDigest {
        AuthDigest::new(&Key::from(&[7; 64]))
    }

    #[test]
    fn digest_verifies_its_own_output() {
        let digest = digest();

        let stored = digest.digest("ada", "$argon2id$v=19$...");

        assert!(digest.verify("ada", "$argon2id$v=19$...", &stored));
    }

    #[test]
    fn digest_changes_with_the_auth_hash_the_user_and_the_key() {
        let stored = digest().digest("ada", "hash-1");

        assert!(!digest().verify("ada", "hash-2", &stored));
        assert!(!digest().verify("bob", "hash-1", &stored));
        assert!(!AuthDigest::new(&Key::from(&[8; 64])).verify("ada", "hash-1", &stored));
    }

    #[test]
    fn digest_separates_the_id_from_the_hash() {
        let stored = digest().digest("ab", "c");

        assert!(!digest().verify("a", "bc", &stored));
    }

    #[test]
    fn digest_refuses_garbage() {
        for stored in ["", "not base64!", "AAAA"] {
            assert!(!digest().verify("ada", "hash", stored));
        }
    }

    #[test]
    fn digest_does_not_contain_the_auth_hash() {
        let stored = digest().digest("ada", "secret-password-hash");

        assert!(!stored.contains("secret"));
        assert!(!format!("{:?}", digest()).contains('7'));
    }
}
