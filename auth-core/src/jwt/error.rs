//! What can go wrong while configuring JWT authentication, loading keys or signing tokens.

use std::error::Error as StdError;
use std::fmt;

/// A source error carried by [`JwtError`].
type Source = Box<dyn StdError + Send + Sync>;

/// An error in JWT configuration, key material, key documents or signing.
///
/// Requests never see this type: a request whose token fails is answered with an
/// [`AuthError`](crate::AuthError). Messages name what went wrong but never contain a key, a
/// secret or a token.
#[derive(Debug)]
#[non_exhaustive]
pub enum JwtError {
    /// The algorithm allow-list is empty.
    NoAlgorithms,
    /// The allow-list mixes HMAC with public-key algorithms, which invites algorithm confusion.
    MixedAlgorithmFamilies,
    /// An HMAC secret shorter than [`MIN_HMAC_SECRET_LEN`](super::MIN_HMAC_SECRET_LEN) bytes.
    WeakSecret,
    /// A private key was given where a public key is expected.
    PrivateKey,
    /// A key could not be read or does not suit the algorithm.
    InvalidKey(Source),
    /// A JWKS or discovery document could not be read.
    InvalidDocument(String),
    /// A JWKS document holds no key usable for signature verification.
    NoUsableKeys,
    /// No key of the key set suits an algorithm of the allow-list (an HMAC secret with
    /// `RS256`, say), so no token could ever be verified.
    NoSuitableKeys,
    /// A discovery document names another issuer than the one it was fetched for.
    IssuerMismatch {
        /// The issuer the document was fetched for.
        expected: String,
        /// The issuer the document names.
        found: String,
    },
    /// A URL is not `https` (and plain `http` was not allowed), or is not a URL at all.
    InsecureUrl(String),
    /// A document could not be fetched.
    Fetch {
        /// The URL that was asked.
        url: String,
        /// Why the fetch failed.
        reason: String,
    },
    /// A token could not be signed.
    Signing(Source),
    /// A token to sign would not carry what was asked: a blank subject, or a scope that is
    /// empty or holds anything but an OAuth scope token's characters (the `scope` claim
    /// separates scopes with spaces, so `"a b"` would come back as two scopes).
    InvalidClaims(&'static str),
}

impl JwtError {
    pub(crate) fn invalid_key(source: impl Into<Source>) -> Self {
        Self::InvalidKey(source.into())
    }

    pub(crate) fn document(reason: impl Into<String>) -> Self {
        Self::InvalidDocument(reason.into())
    }
}

impl fmt::Display for JwtError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoAlgorithms => f.write_str("the JWT algorithm allow-list is empty"),
            Self::MixedAlgorithmFamilies => {
                f.write_str("the JWT algorithm allow-list mixes HMAC with public-key algorithms")
            }
            Self::WeakSecret => write!(
                f,
                "an HMAC secret must be at least {} bytes long",
                super::MIN_HMAC_SECRET_LEN
            ),
            Self::PrivateKey => {
                f.write_str("a private key was given where a public key is expected")
            }
            Self::InvalidKey(source) => write!(f, "invalid key: {source}"),
            Self::InvalidDocument(reason) => write!(f, "invalid key document: {reason}"),
            Self::NoUsableKeys => {
                f.write_str("the key set holds no key usable for signature verification")
            }
            Self::NoSuitableKeys => f.write_str(
                "no key of the key set suits an algorithm of the JWT algorithm allow-list",
            ),
            Self::IssuerMismatch { expected, found } => write!(
                f,
                "the discovery document names issuer {found:?}, expected {expected:?}"
            ),
            Self::InsecureUrl(url) => write!(f, "refusing to fetch keys from {url:?}: not https"),
            Self::Fetch { url, reason } => write!(f, "fetching {url} failed: {reason}"),
            Self::Signing(source) => write!(f, "signing failed: {source}"),
            Self::InvalidClaims(reason) => write!(f, "refusing to sign: {reason}"),
        }
    }
}

impl StdError for JwtError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            Self::InvalidKey(source) | Self::Signing(source) => Some(&**source),
            _ => None,
        }
    }
}
