//! Verification keys, key sets, and where a backend gets them from.

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use jsonwebtoken::{Algorithm, AlgorithmFamily, DecodingKey};

use super::JwtError;
use crate::AuthError;

/// The shortest HMAC secret accepted, in bytes (RFC 7518 asks for the hash size: 32 for HS256).
pub const MIN_HMAC_SECRET_LEN: usize = 32;

/// One key that can verify token signatures, with its optional key id and algorithm.
///
/// Its `Debug` output shows the key id, family and algorithm, never the key itself.
///
/// # Examples
///
/// ```
/// use auth_core::jwt::{Algorithm, VerifyingKey};
///
/// let key = VerifyingKey::hmac(b"an HMAC secret of at least 32 bytes!")
///     .unwrap()
///     .with_kid("2024-01")
///     .with_algorithm(Algorithm::HS256);
/// assert_eq!(key.kid(), Some("2024-01"));
/// assert!(VerifyingKey::hmac(b"short").is_err());
/// ```
#[derive(Clone)]
pub struct VerifyingKey {
    kid: Option<String>,
    algorithm: Option<Algorithm>,
    key: DecodingKey,
}

impl VerifyingKey {
    /// An HMAC secret (for HS256, HS384 and HS512).
    ///
    /// # Errors
    ///
    /// [`JwtError::WeakSecret`] for a secret shorter than [`MIN_HMAC_SECRET_LEN`] bytes.
    pub fn hmac(secret: &[u8]) -> Result<Self, JwtError> {
        if secret.len() < MIN_HMAC_SECRET_LEN {
            return Err(JwtError::WeakSecret);
        }
        let key = DecodingKey::from_secret(secret).map_err(JwtError::invalid_key)?;
        Ok(Self::from_decoding_key(key))
    }

    /// A PEM public key: RSA (`PUBLIC KEY` or `RSA PUBLIC KEY`), EC (P-256, P-384) or Ed25519.
    ///
    /// An EC key is restricted to the algorithm of its curve: ES256 for P-256, ES384 for P-384.
    ///
    /// # Errors
    ///
    /// [`JwtError::PrivateKey`] for a private key, [`JwtError::InvalidKey`] for anything else
    /// that is not one of these public keys, an EC key on another curve included.
    pub fn from_pem(pem: &[u8]) -> Result<Self, JwtError> {
        if is_private_pem(pem) {
            return Err(JwtError::PrivateKey);
        }
        let key = DecodingKey::from_rsa_pem(pem)
            .or_else(|_| DecodingKey::from_ec_pem(pem))
            .or_else(|_| DecodingKey::from_ed_pem(pem))
            .map_err(JwtError::invalid_key)?;
        let algorithm = match key.family() {
            AlgorithmFamily::Ec => Some(ec_algorithm(pem)?),
            _ => None,
        };
        Ok(Self {
            algorithm,
            ..Self::from_decoding_key(key)
        })
    }

    /// Wraps a key built with `jsonwebtoken` directly.
    pub fn from_decoding_key(key: DecodingKey) -> Self {
        Self {
            kid: None,
            algorithm: None,
            key,
        }
    }

    /// Sets the key id (`kid`) tokens name to select this key.
    pub fn with_kid(mut self, kid: impl Into<String>) -> Self {
        self.kid = Some(kid.into());
        self
    }

    /// Restricts this key to one algorithm.
    pub fn with_algorithm(mut self, algorithm: Algorithm) -> Self {
        self.algorithm = Some(algorithm);
        self
    }

    /// The key id, if the key has one.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// The one algorithm this key is restricted to, if any.
    pub fn algorithm(&self) -> Option<Algorithm> {
        self.algorithm
    }

    /// The algorithm family of the key (HMAC, RSA, EC or Ed).
    pub fn family(&self) -> AlgorithmFamily {
        self.key.family()
    }

    pub(crate) fn decoding_key(&self) -> &DecodingKey {
        &self.key
    }

    /// Whether this key may check a token signed with `algorithm`.
    pub(crate) fn suits(&self, algorithm: Algorithm) -> bool {
        self.family() == algorithm.family() && self.algorithm.is_none_or(|own| own == algorithm)
    }
}

impl fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyingKey")
            .field("kid", &self.kid)
            .field("family", &self.family())
            .field("algorithm", &self.algorithm)
            .finish_non_exhaustive()
    }
}

/// Whether a PEM document holds a private key (its label says so).
/// The algorithm of the curve an EC public key in PEM (SubjectPublicKeyInfo) names: the
/// decoding key itself does not tell, and a P-256 key allowed only ES384 would never verify.
fn ec_algorithm(pem: &[u8]) -> Result<Algorithm, JwtError> {
    /// The DER of the named curves' object identifiers.
    const P256: &[u8] = &[0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07];
    const P384: &[u8] = &[0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x22];

    let text = std::str::from_utf8(pem).map_err(JwtError::invalid_key)?;
    let body: String = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.starts_with("-----"))
        .collect();
    let der = STANDARD.decode(body).map_err(JwtError::invalid_key)?;
    let names = |oid: &[u8]| der.windows(oid.len()).any(|window| window == oid);
    if names(P256) {
        Ok(Algorithm::ES256)
    } else if names(P384) {
        Ok(Algorithm::ES384)
    } else {
        Err(JwtError::invalid_key(
            "an EC key on a curve other than P-256 (ES256) and P-384 (ES384)",
        ))
    }
}

fn is_private_pem(pem: &[u8]) -> bool {
    pem.split(|&byte| byte == b'\n')
        .filter(|line| line.trim_ascii_start().starts_with(b"-----BEGIN"))
        .any(|line| line.windows(7).any(|word| word == b"PRIVATE"))
}

/// An immutable set of verification keys; cloning it is cheap.
///
/// A token naming a key id (`kid`) is checked with the key of that id; when no key has it, with
/// the keys that have no id. A token without a key id is checked with every key that suits its
/// algorithm.
///
/// # Examples
///
/// ```
/// use auth_core::jwt::{KeySet, VerifyingKey};
///
/// let keys = KeySet::new([
///     VerifyingKey::hmac(b"the first secret, 32 bytes or more").unwrap().with_kid("a"),
///     VerifyingKey::hmac(b"the second secret, also long enough").unwrap().with_kid("b"),
/// ]);
/// assert_eq!(keys.len(), 2);
/// assert!(keys.knows_kid("b"));
/// assert!(!keys.knows_kid("c"));
/// ```
#[derive(Clone, Default)]
pub struct KeySet {
    keys: Arc<[VerifyingKey]>,
}

impl KeySet {
    /// A set of these keys.
    pub fn new(keys: impl IntoIterator<Item = VerifyingKey>) -> Self {
        Self {
            keys: keys.into_iter().collect(),
        }
    }

    /// A set of one HMAC secret; see [`VerifyingKey::hmac`].
    ///
    /// # Errors
    ///
    /// [`JwtError::WeakSecret`] for a secret shorter than [`MIN_HMAC_SECRET_LEN`] bytes.
    pub fn hmac(secret: &[u8]) -> Result<Self, JwtError> {
        Ok(Self::new([VerifyingKey::hmac(secret)?]))
    }

    /// A set of one PEM public key; see [`VerifyingKey::from_pem`].
    ///
    /// # Errors
    ///
    /// As [`VerifyingKey::from_pem`].
    pub fn from_pem(pem: &[u8]) -> Result<Self, JwtError> {
        Ok(Self::new([VerifyingKey::from_pem(pem)?]))
    }

    /// The keys of a JWKS document (RFC 7517), such as an identity provider publishes.
    ///
    /// Only public signature keys are kept: RSA, EC (P-256, P-384) and Ed25519. Keys marked
    /// for encryption, symmetric (`oct`) keys, which would be public secrets, and keys this
    /// crate cannot read are skipped.
    ///
    /// # Errors
    ///
    /// [`JwtError::InvalidDocument`] when the document is not a JWKS, or holds more than
    /// [`MAX_JWKS_KEYS`](super::MAX_JWKS_KEYS) keys; [`JwtError::NoUsableKeys`] when no key
    /// was kept.
    pub fn from_jwks(document: &[u8]) -> Result<Self, JwtError> {
        super::jwks::parse(document)
    }

    /// How many keys the set holds.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether the set holds no key.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The keys, in order.
    pub fn iter(&self) -> impl Iterator<Item = &VerifyingKey> {
        self.keys.iter()
    }

    /// Whether a key of this exact id is in the set.
    pub fn knows_kid(&self, kid: &str) -> bool {
        self.keys.iter().any(|key| key.kid() == Some(kid))
    }

    /// Whether both values share the same keys (one was cloned from the other).
    pub fn same_as(&self, other: &KeySet) -> bool {
        Arc::ptr_eq(&self.keys, &other.keys)
    }

    /// The keys that may verify a token with this key id and algorithm.
    pub(crate) fn candidates<'a>(
        &'a self,
        kid: Option<&'a str>,
        algorithm: Algorithm,
    ) -> impl Iterator<Item = &'a VerifyingKey> + 'a {
        let exact = kid.is_some_and(|kid| self.knows_kid(kid));
        self.keys.iter().filter(move |key| {
            let by_id = match kid {
                Some(kid) if exact => key.kid() == Some(kid),
                Some(_) => key.kid().is_none(),
                None => true,
            };
            by_id && key.suits(algorithm)
        })
    }
}

impl fmt::Debug for KeySet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.keys.iter()).finish()
    }
}

/// Where a [`JwtBackend`](super::JwtBackend) gets its verification keys.
///
/// A [`KeySet`] is its own source. A refreshing source, such as
/// [`RefreshingKeySet`](super::RefreshingKeySet), may fetch keys again when a token names a
/// key id it does not know.
pub trait KeySource {
    /// The keys to check a token with, given the key id the token names.
    ///
    /// # Errors
    ///
    /// An [`unavailable`](AuthError::unavailable) error when the keys cannot be had right now.
    fn key_set(&self, kid: Option<&str>) -> impl Future<Output = Result<KeySet, AuthError>>;

    /// The keys at hand without waiting, if any: [`JwtBackend::new`](super::JwtBackend::new)
    /// refuses an allow-list that none of them suits. `None` (the default) skips that check.
    fn known_keys(&self) -> Option<KeySet> {
        None
    }
}

impl KeySource for KeySet {
    async fn key_set(&self, _kid: Option<&str>) -> Result<KeySet, AuthError> {
        Ok(self.clone())
    }

    fn known_keys(&self) -> Option<KeySet> {
        Some(self.clone())
    }
}

impl<S: KeySource> KeySource for Arc<S> {
    fn key_set(&self, kid: Option<&str>) -> impl Future<Output = Result<KeySet, AuthError>> {
        (**self).key_set(kid)
    }

    fn known_keys(&self) -> Option<KeySet> {
        (**self).known_keys()
    }
}
