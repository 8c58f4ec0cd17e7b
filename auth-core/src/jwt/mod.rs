//! Bearer JWT authentication (RFC 6750, RFC 7519) and OpenID Connect ID tokens.
//!
//! Enabled by the `jwt` cargo feature; built on the `jsonwebtoken` crate with its pure-Rust
//! (RustCrypto) backend.
//!
//! - [`JwtBackend`] reads `Authorization: Bearer <JWT>` (and optionally, for WebSocket
//!   handshakes only, a query parameter), verifies the token against an explicit algorithm
//!   allow-list and a [`KeySource`], checks `exp`, `nbf`, `iss`, `aud` and required claims,
//!   reads scopes from the claims ([`ScopeClaims`]) and builds the user ([`ClaimsMapper`]).
//! - Keys: an HMAC secret, PEM public keys (RSA, EC, Ed25519) or a JWKS document, as a
//!   [`KeySet`]; or a [`RefreshingKeySet`] that fetches a JWKS and fetches it again when a
//!   token names an unknown key (`auth-actix` fetches over HTTP and refreshes periodically).
//! - [`TokenSigner`] issues tokens (HS256, RS256, ES256, EdDSA).
//! - [`OidcUser`], [`DiscoveryDocument`] and [`JwtBackend::id_tokens`] cover OpenID Connect
//!   ID tokens, such as Google's.
//!
//! Tokens are never logged or shown by `Debug`; keys and secrets are never shown either.
//!
//! # Examples
//!
//! An application that issues and accepts its own HS256 tokens:
//!
//! ```
//! use auth_core::jwt::{Algorithm, JwtBackend, KeySet, TokenSigner};
//! use auth_core::{Chain, ErrorKind, HeaderList, Outcome, RequestView};
//!
//! let secret = b"a secret of at least thirty-two bytes";
//! let signer = TokenSigner::hs256(secret).unwrap().with_issuer("notes");
//! let backend = JwtBackend::new(KeySet::hmac(secret).unwrap(), [Algorithm::HS256])
//!     .unwrap()
//!     .issuer("notes");
//! let chain = Chain::new(backend);
//!
//! let token = signer.sign("ada", &["notes:read"]).unwrap();
//! let headers = HeaderList::new([("authorization", format!("Bearer {token}"))]);
//! let request = RequestView::new("GET", "/notes", "", &headers);
//!
//! # futures_util::FutureExt::now_or_never(async {
//! match chain.authenticate(&request).await {
//!     Outcome::Authenticated { user, credentials, .. } => {
//!         assert_eq!(user.username(), "ada");
//!         assert!(credentials.contains("notes:read"));
//!     }
//!     _ => unreachable!(),
//! }
//!
//! // A tampered token is refused with an RFC 6750 challenge.
//! let forged = format!("Bearer {}x", token);
//! let headers = HeaderList::new([("authorization", forged)]);
//! let request = RequestView::new("GET", "/notes", "", &headers);
//! let Outcome::Failed(err) = chain.authenticate(&request).await else { unreachable!() };
//! assert_eq!(err.error().kind(), ErrorKind::Rejected);
//! assert!(err.error().challenge().unwrap().value().contains(r#"error="invalid_token""#));
//! # }).unwrap();
//! ```

mod backend;
mod cache;
mod claims;
mod error;
mod jwks;
mod keys;
mod oidc;
mod refresh;
mod rules;
mod sign;
mod token;
mod user;

pub use jsonwebtoken::{Algorithm, AlgorithmFamily, DecodingKey, EncodingKey};

pub use backend::JwtBackend;
pub use claims::{Claims, ScopeClaims};
pub use error::JwtError;
pub use jwks::MAX_JWKS_KEYS;
pub use keys::{KeySet, KeySource, VerifyingKey, MIN_HMAC_SECRET_LEN};
pub use oidc::{discovery_url, DiscoveryDocument, OidcUser, OidcUserMapper, DISCOVERY_PATH};
pub use refresh::{
    JwksFetcher, RefreshingKeySet, DEFAULT_MAX_KEY_AGE, DEFAULT_MIN_REFETCH_INTERVAL,
};
pub use rules::DEFAULT_LEEWAY;
pub use sign::{TokenSigner, DEFAULT_TOKEN_LIFETIME};
pub use token::DEFAULT_MAX_TOKEN_LEN;
pub use user::{ClaimsMapper, SubjectUser};

#[cfg(test)]
mod test_keys;
