//! API keys: long-lived secrets for programs, sent in a header (or, if enabled, the query).
//!
//! Available with the cargo feature `api-key`.
//!
//! A key reads `ak_<id>_<secret>`: the prefix `ak_`, an id of 16 lowercase hex digits and a
//! secret of 64 lowercase hex digits, 84 characters in all. [`NewApiKey::generate`] draws both
//! from the operating system's random number generator (64 bits of id, 256 bits of secret).
//! The plaintext is handed to its owner once; the application stores only the id, the
//! SHA-256 [`KeyHash`] of the secret, the owner and the scopes, and looks them up by id
//! through an [`ApiKeyStore`] it implements. [`ApiKeyBackend`] parses the key, asks the store
//! for its id and compares the hash of the presented secret with the stored one in constant
//! time (`subtle`), so the store never sees a secret and the comparison leaks no prefix of
//! the stored hash.
//!
//! # Why SHA-256 and not argon2
//!
//! Passwords are chosen by people, so a stolen table of password hashes can be attacked by
//! trying likely passwords; a deliberately slow hash such as argon2 makes each try expensive.
//! An API key's secret is 256 random bits chosen by the machine: there is no likely key to
//! try first, and trying them all is out of reach however fast the hash. A slow hash would
//! add nothing against a stolen table, while costing milliseconds of CPU on every request and
//! handing anyone who sends keys an easy way to load the server. A fast, preimage-resistant
//! hash is therefore right here, and a server-side pepper would add nothing either.
//!
//! # Answers
//!
//! | request | answer |
//! |---|---|
//! | no key | "not mine": the next backend is asked |
//! | a key that is not 84 characters of the form above (empty, wrong prefix, whitespace, uppercase, not UTF-8, 64 KiB) | 400 `Malformed API key` |
//! | the header twice, the query parameter twice, or a key in both places | 400 |
//! | an unknown id or a wrong secret | 401 `Invalid API key` |
//! | a revoked key (with its correct secret) | 401 `API key revoked` |
//! | the store cannot answer | 503 |
//! | a valid key | the stored user, with the key's scopes |
//!
//! A 401 carries the challenge `ApiKey realm="...", header="X-API-Key"`. RFC 7235 lets a
//! server name its own scheme; `ApiKey` is not registered, and the key is not sent in an
//! `Authorization` header with it: the challenge tells a client that a key is expected and
//! which header carries it. A 400 carries no challenge, as for every backend.
//!
//! An unknown id is compared against a fixed decoy hash, so it costs the same as a wrong
//! secret; ids are not secret, but this keeps the two refusals alike. Whether a key was
//! revoked is told only to a caller who sent its correct secret.
//!
//! # Examples
//!
//! Issue a key, authenticate with it, then revoke it:
//!
//! ```
//! use auth_core::api_key::{ApiKeyBackend, MemoryKeyStore, REVOKED_API_KEY};
//! use auth_core::{Chain, Credentials, HeaderList, Outcome, RequestView, SimpleUser};
//!
//! let store = MemoryKeyStore::new();
//! let issued = store
//!     .issue(SimpleUser::new("reporter"), Credentials::from_iter(["reports:read"]))
//!     .unwrap();
//! // Show `issued.key()` to its owner now: it cannot be recovered later.
//!
//! let chain = Chain::new(ApiKeyBackend::new(store.clone()).query_param("api_key"));
//! let query = format!("api_key={}", issued.key());
//! let headers = HeaderList::default();
//! let request = RequestView::new("GET", "/reports", &query, &headers);
//!
//! # futures_util::FutureExt::now_or_never(async {
//! assert!(matches!(chain.authenticate(&request).await, Outcome::Authenticated { .. }));
//!
//! store.revoke(issued.id());
//! match chain.authenticate(&request).await {
//!     Outcome::Failed(err) => assert_eq!(err.error().message(), REVOKED_API_KEY),
//!     _ => unreachable!(),
//! }
//! # }).unwrap();
//! ```

mod backend;
mod key;
mod store;

pub use backend::{
    ApiKeyBackend, API_KEY_SCHEME, DEFAULT_HEADER, INVALID_API_KEY, REVOKED_API_KEY,
};
pub use key::{
    KeyGenError, KeyHash, NewApiKey, PresentedKey, ID_LEN, KEY_LEN, KEY_PREFIX, MALFORMED_API_KEY,
    SECRET_LEN,
};
pub use store::{ApiKeyStore, MemoryKeyStore, StoredKey};
