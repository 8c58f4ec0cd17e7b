//! The authentication backend that reads API keys from a header or the query.

use std::fmt;

use super::{ApiKeyStore, KeyHash, PresentedKey, StoredKey};
use crate::{AuthError, Authenticated, AuthenticationBackend, Challenge, RequestView};

/// The scheme named in the backend's `WWW-Authenticate` challenge.
pub const API_KEY_SCHEME: &str = "ApiKey";

/// The header a key is read from unless configured otherwise.
pub const DEFAULT_HEADER: &str = "X-API-Key";

/// The message of a wrong or unknown key (401).
pub const INVALID_API_KEY: &str = "Invalid API key";

/// The message of a correct key that was revoked (401).
pub const REVOKED_API_KEY: &str = "API key revoked";

// Compared against when the id is unknown, so that an unknown id does the same work as a
// wrong secret. No secret hashes to it, and an unknown id is refused whatever the comparison.
const DECOY: KeyHash = KeyHash::from_bytes([0; 32]);

/// An authentication backend for API keys, looked up in an [`ApiKeyStore`].
///
/// The key is read from the header [`DEFAULT_HEADER`] (the name is configurable) and, when
/// enabled, from a query parameter:
///
/// - no key: "not mine";
/// - a malformed key, the header sent twice, the parameter sent twice, or a key both in the
///   header and in the query: 400;
/// - an unknown id, a wrong secret or a revoked key: 401 with
///   `ApiKey realm="...", header="X-API-Key"`;
/// - a store that cannot answer: 503;
/// - otherwise the stored user, with the key's scopes.
///
/// # Examples
///
/// ```
/// use auth_core::api_key::{ApiKeyBackend, MemoryKeyStore};
/// use auth_core::{AuthUser, Chain, Credentials, HeaderList, Outcome, RequestView, SimpleUser};
///
/// let store = MemoryKeyStore::new();
/// let issued = store
///     .issue(SimpleUser::new("ci-bot"), Credentials::from_iter(["deploy"]))
///     .unwrap();
/// let chain = Chain::new(ApiKeyBackend::new(store).realm("ci"));
///
/// let headers = HeaderList::new([("x-api-key", issued.key())]);
/// let request = RequestView::new("POST", "/deploy", "", &headers);
/// # futures_util::FutureExt::now_or_never(async {
/// match chain.authenticate(&request).await {
///     Outcome::Authenticated { user, credentials, .. } => {
///         assert_eq!(user.identity(), "ci-bot");
///         assert!(credentials.contains("deploy"));
///     }
///     _ => unreachable!(),
/// }
/// # }).unwrap();
/// ```
pub struct ApiKeyBackend<S> {
    store: S,
    header: String,
    header_lowercase: String,
    query_param: Option<String>,
    realm: String,
}

impl<S: ApiKeyStore> ApiKeyBackend<S> {
    /// A backend reading the `X-API-Key` header, in the realm `"api"`, with the query off.
    pub fn new(store: S) -> Self {
        Self {
            store,
            header: DEFAULT_HEADER.to_owned(),
            header_lowercase: DEFAULT_HEADER.to_ascii_lowercase(),
            query_param: None,
            realm: "api".to_owned(),
        }
    }

    /// Reads the key from the header `name` (matched case-insensitively) instead.
    pub fn header(mut self, name: &str) -> Self {
        self.header = name.to_owned();
        self.header_lowercase = name.to_ascii_lowercase();
        self
    }

    /// Also reads the key from the query parameter `name`.
    ///
    /// Off by default: URLs end up in server logs, proxy logs and browser history, so a key
    /// in the query leaks more easily than one in a header. The value is taken as sent, not
    /// percent-decoded; keys only hold characters that never need encoding.
    pub fn query_param(mut self, name: &str) -> Self {
        self.query_param = Some(name.to_owned());
        self
    }

    /// Sets the realm named in the challenge.
    pub fn realm(mut self, realm: impl Into<String>) -> Self {
        self.realm = realm.into();
        self
    }

    /// The store this backend asks.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// The key the request carries, from the header or the query; `None` when neither.
    fn presented<'r>(&'r self, request: &RequestView<'r>) -> Result<Option<&'r [u8]>, AuthError> {
        let in_header = self.key_in_header(request)?;
        let in_query = self.key_in_query(request)?;

        match (in_header, in_query) {
            (Some(_), Some(_)) => Err(AuthError::malformed(
                "API key sent both in a header and in the query",
            )),
            (found, None) | (None, found) => Ok(found),
        }
    }

    fn key_in_header<'r>(
        &'r self,
        request: &RequestView<'r>,
    ) -> Result<Option<&'r [u8]>, AuthError> {
        let mut values = request.headers(&self.header_lowercase);
        let first = values.next();
        if values.next().is_some() {
            let message = format!("duplicate {} header", self.header);
            return Err(AuthError::malformed(message));
        }
        Ok(first)
    }

    fn key_in_query<'r>(
        &'r self,
        request: &RequestView<'r>,
    ) -> Result<Option<&'r [u8]>, AuthError> {
        let Some(name) = &self.query_param else {
            return Ok(None);
        };
        Ok(request.single_query_param(name)?.map(str::as_bytes))
    }
}

impl<S: ApiKeyStore> AuthenticationBackend for ApiKeyBackend<S> {
    type User = S::User;

    fn name(&self) -> &'static str {
        "api-key"
    }

    fn challenge(&self) -> Option<Challenge> {
        Some(
            Challenge::new(API_KEY_SCHEME)
                .param("realm", &self.realm)
                .param("header", &self.header),
        )
    }

    async fn authenticate(
        &self,
        request: &RequestView<'_>,
    ) -> Result<Option<Authenticated<S::User>>, AuthError> {
        let Some(raw) = self.presented(request)? else {
            return Ok(None);
        };
        let key = PresentedKey::parse(raw)?;

        let stored = self.store.find(key.id()).await?;
        check(&key, stored).map(Some)
    }
}

/// Accepts `stored` when `key`'s secret matches its hash and it is not revoked.
fn check<U>(
    key: &PresentedKey<'_>,
    stored: Option<StoredKey<U>>,
) -> Result<Authenticated<U>, AuthError> {
    let hash = stored.as_ref().map_or(&DECOY, |stored| &stored.hash);
    let matches = key.verify(hash);

    match stored {
        Some(stored) if matches && !stored.revoked => {
            Ok(Authenticated::new(stored.user, stored.scopes))
        }
        // Only a caller holding the whole key learns that it was revoked.
        Some(_) if matches => Err(AuthError::rejected(REVOKED_API_KEY)),
        _ => Err(AuthError::rejected(INVALID_API_KEY)),
    }
}

impl<S> fmt::Debug for ApiKeyBackend<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiKeyBackend")
            .field("header", &self.header)
            .field("query_param", &self.query_param)
            .field("realm", &self.realm)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use futures_util::FutureExt;

    use super::*;
    use crate::api_key::{MemoryKeyStore, NewApiKey};
    use crate::{Credentials, ErrorKind, HeaderList, SimpleUser};

    type Answer = Result<Option<Authenticated<SimpleUser>>, AuthError>;

    fn issue(store: &MemoryKeyStore<SimpleUser>) -> NewApiKey {
        store
            .issue(SimpleUser::new("ada"), Credentials::from_iter(["read"]))
            .unwrap()
    }

    /// The key with the last digit of its secret changed.
    fn tamper(key: &str) -> String {
        let (kept, last) = key.split_at(key.len() - 1);
        let other = if last == "0" { "1" } else { "0" };
        format!("{kept}{other}")
    }

    fn run(
        backend: &ApiKeyBackend<MemoryKeyStore<SimpleUser>>,
        headers: &[(&str, &[u8])],
        query: &str,
    ) -> Answer {
        let headers = HeaderList::new(headers.iter().copied());
        let request = RequestView::new("GET", "/", query, &headers);
        backend
            .authenticate(&request)
            .now_or_never()
            .expect("the memory store never waits")
    }

    #[test]
    fn api_key_in_the_header_authenticates_with_its_scopes() {
        let store = MemoryKeyStore::new();
        let issued = issue(&store);
        let backend = ApiKeyBackend::new(store);

        let found = run(&backend, &[("X-Api-Key", issued.key().as_bytes())], "")
            .unwrap()
            .expect("a user");

        assert_eq!(found.user.username(), "ada");
        assert_eq!(found.credentials, Credentials::from_iter(["read"]));
    }

    #[test]
    fn api_key_absent_is_not_mine() {
        let store = MemoryKeyStore::new();
        let issued = issue(&store);
        let backend = ApiKeyBackend::new(store);
        let query = format!("api_key={}", issued.key());

        assert!(run(&backend, &[], "").unwrap().is_none());
        assert!(run(&backend, &[], &query).unwrap().is_none());
        let bearer = format!("Bearer {}", issued.key());
        assert!(run(&backend, &[("authorization", bearer.as_bytes())], "")
            .unwrap()
            .is_none());
    }

    #[test]
    fn api_key_query_parameter_is_read_when_enabled() {
        let store = MemoryKeyStore::new();
        let issued = issue(&store);
        let backend = ApiKeyBackend::new(store).query_param("api_key");
        let query = format!("page=2&api_key={}", issued.key());

        let found = run(&backend, &[], &query).unwrap();

        assert!(found.is_some());
    }

    #[test]
    fn api_key_sent_twice_or_in_two_places_is_400() {
        let store = MemoryKeyStore::new();
        let issued = issue(&store);
        let key = issued.key().as_bytes();
        let backend = ApiKeyBackend::new(store).header("X-Key").query_param("key");
        let query = format!("key={}", issued.key());
        let twice = format!("key={0}&key={0}", issued.key());

        let answers = [
            run(&backend, &[("x-key", key), ("X-KEY", key)], ""),
            run(&backend, &[], &twice),
            run(&backend, &[("x-key", key)], &query),
        ];

        for answer in answers {
            assert_eq!(answer.unwrap_err().kind(), ErrorKind::Malformed);
        }
    }

    #[test]
    fn api_key_custom_header_replaces_the_default() {
        let store = MemoryKeyStore::new();
        let issued = issue(&store);
        let backend = ApiKeyBackend::new(store).header("X-Key");

        let default = run(&backend, &[("x-api-key", issued.key().as_bytes())], "");
        let custom = run(&backend, &[("x-key", issued.key().as_bytes())], "");

        assert!(default.unwrap().is_none());
        assert!(custom.unwrap().is_some());
    }

    #[test]
    fn api_key_unknown_wrong_and_revoked_are_401() {
        let store = MemoryKeyStore::new();
        let issued = issue(&store);
        let revoked = issue(&store);
        store.revoke(revoked.id());
        let backend = ApiKeyBackend::new(store);
        let wrong_secret = tamper(issued.key());
        let unknown = NewApiKey::generate().unwrap();

        let cases = [
            (wrong_secret.as_str(), INVALID_API_KEY),
            (unknown.key(), INVALID_API_KEY),
            (revoked.key(), REVOKED_API_KEY),
        ];

        for (key, message) in cases {
            let err = run(&backend, &[("x-api-key", key.as_bytes())], "").unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Rejected);
            assert_eq!(err.message(), message);
        }
    }

    #[test]
    fn api_key_revoked_with_a_wrong_secret_does_not_reveal_revocation() {
        let store = MemoryKeyStore::new();
        let issued = issue(&store);
        store.revoke(issued.id());
        let backend = ApiKeyBackend::new(store);
        let forged = tamper(issued.key());

        let err = run(&backend, &[("x-api-key", forged.as_bytes())], "").unwrap_err();

        assert_eq!(err.message(), INVALID_API_KEY);
    }

    #[test]
    fn api_key_challenge_names_the_scheme_realm_and_header() {
        let backend = ApiKeyBackend::new(MemoryKeyStore::<SimpleUser>::new()).realm("demo");

        let challenge = backend.challenge().unwrap();

        assert_eq!(
            challenge.value(),
            r#"ApiKey realm="demo", header="X-API-Key""#
        );
    }
}
