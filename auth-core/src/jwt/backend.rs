//! The bearer JWT authentication backend.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use jsonwebtoken::{Algorithm, Validation};

use super::cache::{self, TokenCache, Verified};
use super::rules::{self, Rules};
use super::token::{self, Token, DEFAULT_MAX_TOKEN_LEN};
use super::{Claims, ClaimsMapper, JwtError, KeySet, KeySource, ScopeClaims, SubjectUser};
use crate::{
    AuthError, Authenticated, AuthenticationBackend, Challenge, Credentials, ErrorKind, RequestView,
};

/// An authentication backend for `Authorization: Bearer <JWT>` (RFC 6750).
///
/// - no bearer token: "not mine", the next backend is asked;
/// - a token that is not a well-formed JWT, several `Authorization` headers, or a token sent
///   two ways: 400 with `WWW-Authenticate: Bearer ..., error="invalid_request"`;
/// - a token that fails verification (signature, algorithm, `exp`, `nbf`, `iss`, `aud`, a
///   required claim, a scope claim of the wrong type, an unknown key id, the user mapping):
///   401 with `WWW-Authenticate: Bearer realm="...", error="invalid_token",
///   error_description="..."`;
/// - keys that cannot be had (a key server that is down): 503.
///
/// Only algorithms of the allow-list given to [`new`](Self::new) pass: `alg: none` never
/// does, and a key only verifies algorithms of its own family, so an HMAC token checked
/// against an RSA public key fails (no algorithm confusion). `exp` is always required; `nbf`
/// is checked when present; both with a leeway of [`DEFAULT_LEEWAY`](super::DEFAULT_LEEWAY)
/// unless [`leeway`](Self::leeway) says otherwise.
///
/// Scopes come from the claims named by [`ScopeClaims`], the user from a [`ClaimsMapper`]
/// ([`SubjectUser`] by default). The backend's scheme is `Bearer`, so a user it authenticates
/// who lacks a scope gets `error="insufficient_scope"` from `#[requires]`.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// use auth_core::jwt::{Algorithm, JwtBackend, KeySet};
///
/// let backend = JwtBackend::new(KeySet::hmac(b"a secret of at least thirty-two bytes").unwrap(), [
///     Algorithm::HS256,
/// ])
/// .unwrap()
/// .issuer("https://auth.example.com")
/// .audience("notes-api")
/// .leeway(Duration::from_secs(10))
/// .realm("notes");
/// # let _ = backend;
/// ```
pub struct JwtBackend<K, M = SubjectUser> {
    keys: K,
    rules: Rules,
    scopes: ScopeClaims,
    granted: Vec<Box<str>>,
    mapper: M,
    realm: String,
    name: &'static str,
    query_param: Option<String>,
    max_token_len: usize,
    cache: Option<TokenCache>,
}

impl<K: KeySource> JwtBackend<K> {
    /// A backend checking tokens with `keys`, accepting only these algorithms.
    ///
    /// # Errors
    ///
    /// [`JwtError::NoAlgorithms`] for an empty list, [`JwtError::MixedAlgorithmFamilies`]
    /// for a list mixing HMAC with public-key algorithms, [`JwtError::NoSuitableKeys`] when
    /// the keys at hand ([`KeySource::known_keys`]) hold none that suits the list.
    pub fn new(keys: K, algorithms: impl IntoIterator<Item = Algorithm>) -> Result<Self, JwtError> {
        let rules = Rules::new(algorithms)?;
        if let Some(known) = keys.known_keys() {
            let suitable = known
                .iter()
                .any(|key| rules.algorithms().any(|algorithm| key.suits(algorithm)));
            if !suitable {
                return Err(JwtError::NoSuitableKeys);
            }
        }
        Ok(Self {
            keys,
            rules,
            scopes: ScopeClaims::default(),
            granted: Vec::new(),
            mapper: SubjectUser,
            realm: "api".to_owned(),
            name: "jwt",
            query_param: None,
            max_token_len: DEFAULT_MAX_TOKEN_LEN,
            cache: None,
        })
    }
}

impl<K, M> JwtBackend<K, M> {
    /// Accepts tokens of this issuer (`iss`); call again to accept several. Once set, tokens
    /// without `iss` are refused.
    pub fn issuer(mut self, issuer: impl Into<String>) -> Self {
        self.rules.add_issuer(issuer.into());
        self
    }

    /// Accepts tokens for this audience (`aud`); call again to accept several. Once set,
    /// tokens without `aud` are refused; until then `aud` is not checked.
    pub fn audience(mut self, audience: impl Into<String>) -> Self {
        self.rules.add_audience(audience.into());
        self
    }

    /// Sets the clock skew allowed on `exp` and `nbf` (whole seconds).
    pub fn leeway(mut self, leeway: Duration) -> Self {
        self.rules.set_leeway(leeway);
        self
    }

    /// Requires these claims to be present (and not `null`), besides `exp`.
    pub fn require_claims<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        for name in names {
            self.rules.require(name.into());
        }
        self
    }

    /// Reads scopes from these claims instead of the default ones.
    pub fn scope_claims(mut self, scopes: ScopeClaims) -> Self {
        self.scopes = scopes;
        self
    }

    /// Grants these scopes to every valid token, besides those of its claims.
    pub fn grant<S: Into<Box<str>>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.granted.extend(scopes.into_iter().map(Into::into));
        self
    }

    /// Sets the realm named in challenges (`"api"` by default).
    pub fn realm(mut self, realm: impl Into<String>) -> Self {
        self.realm = realm.into();
        self
    }

    /// Sets the backend's name in logs and errors (`"jwt"` by default).
    pub fn name(mut self, name: &'static str) -> Self {
        self.name = name;
        self
    }

    /// Also reads the token from this query parameter, for WebSocket handshakes only.
    ///
    /// Browsers cannot set headers on a WebSocket, so they pass the token in the URL; any
    /// other request must use the `Authorization` header, since URLs end up in logs. The value
    /// is taken as it is, without percent-decoding (a JWT needs none). Off by default.
    pub fn websocket_query_param(mut self, name: impl Into<String>) -> Self {
        self.query_param = Some(name.into());
        self
    }

    /// Refuses longer tokens with 400 (default [`DEFAULT_MAX_TOKEN_LEN`] bytes).
    pub fn max_token_len(mut self, bytes: usize) -> Self {
        self.max_token_len = bytes;
        self
    }

    /// Keeps up to `capacity` verified tokens, each for at most `max_age`, so that a token
    /// sent again skips the signature check.
    ///
    /// Worth it for public-key algorithms (RS256 takes tens of microseconds to check), not
    /// for HMAC. A token is cached only once fully verified, under the SHA-256 digest of the
    /// whole token, so no other token ever matches its entry. The entry goes stale at the
    /// token's `exp` (without the leeway), after `max_age`, or as soon as the key source
    /// hands out another key set (a rotation or a refresh drops every entry it verified). The
    /// user mapping runs on every request, cached or not. Off by default.
    pub fn cache_verified_tokens(mut self, capacity: usize, max_age: Duration) -> Self {
        self.cache = Some(TokenCache::new(capacity, max_age));
        self
    }

    /// Builds users with this function of the claims instead.
    pub fn map_user<U, F>(self, mapper: F) -> JwtBackend<K, F>
    where
        F: Fn(&Claims) -> Result<U, AuthError>,
    {
        self.with_mapper(mapper)
    }

    /// Builds users with this [`ClaimsMapper`] instead.
    pub fn with_mapper<N: ClaimsMapper>(self, mapper: N) -> JwtBackend<K, N> {
        JwtBackend {
            keys: self.keys,
            rules: self.rules,
            scopes: self.scopes,
            granted: self.granted,
            mapper,
            realm: self.realm,
            name: self.name,
            query_param: self.query_param,
            max_token_len: self.max_token_len,
            cache: self.cache,
        }
    }

    /// The key source.
    pub fn keys(&self) -> &K {
        &self.keys
    }

    /// The user mapper.
    pub fn mapper(&self) -> &M {
        &self.mapper
    }

    /// The algorithms allowed.
    pub fn algorithms(&self) -> impl Iterator<Item = Algorithm> + '_ {
        self.rules.algorithms()
    }

    /// Adds the RFC 6750 challenge to a refusal that has none.
    fn with_bearer_error(&self, err: AuthError) -> AuthError {
        if err.challenge().is_some() {
            return err;
        }
        let code = match err.kind() {
            ErrorKind::Malformed => "invalid_request",
            ErrorKind::Rejected => "invalid_token",
            _ => return err,
        };
        let challenge = Challenge::new("Bearer")
            .param("realm", &self.realm)
            .param("error", code)
            .param("error_description", &error_description(err.message()));
        err.with_challenge(challenge)
    }
}

impl<K: KeySource, M> JwtBackend<K, M> {
    /// Verifies a token on its own: shape, algorithm, signature, times, issuer, audience and
    /// required claims. Scopes and the user mapping are not applied.
    ///
    /// # Errors
    ///
    /// As the backend answers requests: malformed (400), rejected (401) or unavailable (503),
    /// with the RFC 6750 challenge set.
    pub async fn verify(&self, token: &str) -> Result<Claims, AuthError> {
        self.verify_bytes(token.as_bytes())
            .await
            .map_err(|err| self.with_bearer_error(err))
    }

    async fn verify_bytes(&self, raw: &[u8]) -> Result<Claims, AuthError> {
        self.verify_with_keys(raw)
            .await
            .map(|(claims, _, _)| claims)
    }

    /// Verifies a token, answering its claims with the key set and key id that verified it.
    async fn verify_with_keys(
        &self,
        raw: &[u8],
    ) -> Result<(Claims, KeySet, Option<Arc<str>>), AuthError> {
        let token = Token::parse(raw, self.max_token_len)?;

        let allowed = Algorithm::from_str(token.algorithm())
            .ok()
            .and_then(|algorithm| Some((algorithm, self.rules.for_algorithm(algorithm)?)));
        let Some((algorithm, validation)) = allowed else {
            return Err(AuthError::rejected("the token's algorithm is not allowed"));
        };

        let keys = self.keys.key_set(token.kid()).await?;
        let claims = check_signature(&token, algorithm, validation, &keys)?;
        rules::check_registered_types(&claims)?;
        self.rules.check_required(&claims)?;
        Ok((claims, keys, token.kid().map(Arc::from)))
    }

    /// A cached verification of this token that still holds: fresh, and made with the key
    /// set the key source hands out now.
    async fn cached(
        &self,
        digest: Option<&cache::TokenDigest>,
    ) -> Result<Option<Verified>, AuthError> {
        let (Some(cache), Some(digest)) = (&self.cache, digest) else {
            return Ok(None);
        };
        let Some(hit) = cache.get(digest, jsonwebtoken::get_current_timestamp()) else {
            return Ok(None);
        };
        let current = self.keys.key_set(hit.kid.as_deref()).await?;
        Ok(current.same_as(&hit.keys).then_some(hit))
    }
}

impl<K: KeySource, M: ClaimsMapper> JwtBackend<K, M> {
    async fn run(
        &self,
        request: &RequestView<'_>,
    ) -> Result<Option<Authenticated<M::User>>, AuthError> {
        let Some(raw) = token::locate(request, self.query_param.as_deref())? else {
            return Ok(None);
        };
        let digest = self.cache.as_ref().map(|_| cache::digest(raw));
        if let Some(hit) = self.cached(digest.as_ref()).await? {
            let user = self.mapper.map(&hit.claims)?;
            return Ok(Some(Authenticated::new(user, hit.scopes)));
        }

        let (claims, keys, kid) = self.verify_with_keys(raw).await?;
        let mut scopes = self.scopes.read(&claims)?;
        if !self.granted.is_empty() {
            scopes = scopes
                .iter()
                .map(Box::from)
                .chain(self.granted.iter().cloned())
                .collect::<Credentials>();
        }
        let user = self.mapper.map(&claims)?;

        if let (Some(cache), Some(digest), Some(expires_at)) =
            (&self.cache, digest, claims.expires_at())
        {
            let verified = Verified {
                claims: Arc::new(claims),
                scopes: scopes.clone(),
                keys,
                kid,
            };
            cache.insert(
                digest,
                verified,
                jsonwebtoken::get_current_timestamp(),
                expires_at,
            );
        }
        Ok(Some(Authenticated::new(user, scopes)))
    }
}

impl<K: KeySource, M: ClaimsMapper> AuthenticationBackend for JwtBackend<K, M> {
    type User = M::User;

    fn name(&self) -> &'static str {
        self.name
    }

    fn challenge(&self) -> Option<Challenge> {
        Some(Challenge::new("Bearer").param("realm", &self.realm))
    }

    async fn authenticate(
        &self,
        request: &RequestView<'_>,
    ) -> Result<Option<Authenticated<M::User>>, AuthError> {
        self.run(request)
            .await
            .map_err(|err| self.with_bearer_error(err))
    }
}

impl<K: fmt::Debug, M> fmt::Debug for JwtBackend<K, M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwtBackend")
            .field("name", &self.name)
            .field("realm", &self.realm)
            .field("algorithms", &self.rules.algorithms().collect::<Vec<_>>())
            .field("issuers", &self.rules.issuers())
            .field("audiences", &self.rules.audiences())
            .field("scope_claims", &self.scopes)
            .field("keys", &self.keys)
            .field("token_cache", &self.cache.as_ref().map(TokenCache::limits))
            .finish_non_exhaustive()
    }
}

/// Checks the signature with each key that may have made it, then the registered claims.
///
/// Every call pays the full signature check; [`JwtBackend::cache_verified_tokens`] spares it
/// for tokens sent again.
fn check_signature(
    token: &Token<'_>,
    algorithm: Algorithm,
    validation: &Validation,
    keys: &KeySet,
) -> Result<Claims, AuthError> {
    let mut tried = false;
    for key in keys.candidates(token.kid(), algorithm) {
        tried = true;
        let decoded = jsonwebtoken::decode::<serde_json::Map<String, serde_json::Value>>(
            token.raw(),
            key.decoding_key(),
            validation,
        );
        match decoded {
            Ok(data) => return Ok(Claims::from_map(data.claims)),
            Err(err) if rules::is_key_mismatch(err.kind()) => {}
            Err(err) => return Err(rules::rejection(err.kind())),
        }
    }

    if tried {
        Err(AuthError::rejected("the token's signature is invalid"))
    } else if token.kid().is_some() {
        Err(AuthError::rejected("the token names an unknown key"))
    } else {
        Err(AuthError::rejected("no key can verify the token"))
    }
}

/// Keeps the characters RFC 6750 allows in `error_description`.
fn error_description(message: &str) -> String {
    message
        .chars()
        .filter(|&ch| matches!(ch, ' '..='~') && ch != '"' && ch != '\\')
        .collect()
}

#[cfg(test)]
mod tests {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine as _;
    use futures_util::FutureExt;
    use serde_json::{json, Map, Value};

    use super::*;
    use crate::jwt::{test_keys, TokenSigner, VerifyingKey};
    use crate::{HeaderList, SimpleUser};

    const SECRET: &[u8] = b"a secret for tests, 32 bytes or more";

    const P256_PEM: &str = "-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEh1fod0PPZMi8zmgR/suihXlGfWFz
YV7Qr6MmDCZOaRowkaHtSpNWF11jEjat79TpnpZATR8BXKzrCBaOJ4ypaw==
-----END PUBLIC KEY-----
";
    const P384_PEM: &str = "-----BEGIN PUBLIC KEY-----
MHYwEAYHKoZIzj0CAQYFK4EEACIDYgAEk/GnyjQEGq+CoIhECr4PLUd36kGm9stB
SHUgz3W+wh7FNfV5uI17dIQSwO0Kp+8Q4Cipms0ZApiS08ysET7S68oHQJHebqRP
PbN/gbxBb3ujWtzmcXkPIVt7UIOtMqJI
-----END PUBLIC KEY-----
";
    const P521_PEM: &str = "-----BEGIN PUBLIC KEY-----
MIGbMBAGByqGSM49AgEGBSuBBAAjA4GGAAQAKDgOmjygVLjnmEKdzyfOK+HEHwlI
2gBNdmTPyXNLH6BOLHGR9aUhGskojwrsenZ58NLTnvXn/y0kuUBXyJKrRvEAObII
VtBo/H8TClosyyhe3B9GcG6CQdd50oM5E/0LucukhFjuqjifJ1gqDC3lPL47/OM3
U3nsonbd9W8vZC7oC/Q=
-----END PUBLIC KEY-----
";
    const SECP256K1_PEM: &str = "-----BEGIN PUBLIC KEY-----
MFYwEAYHKoZIzj0CAQYFK4EEAAoDQgAEy14JlkNMp7NnuP5aYqEsspiakd33Qo1M
pVZA81wxechroMKAlXHaRevSzz3Chn0azZt2PKx98LgNmxWuJgV3cA==
-----END PUBLIC KEY-----
";

    type Answer<U> = Result<Option<Authenticated<U>>, AuthError>;

    fn hmac_backend() -> JwtBackend<KeySet> {
        JwtBackend::new(KeySet::hmac(SECRET).unwrap(), [Algorithm::HS256]).unwrap()
    }

    fn run<B: AuthenticationBackend>(backend: &B, authorization: &str) -> Answer<B::User> {
        run_with(backend, &[("authorization", authorization)], "")
    }

    fn run_with<B: AuthenticationBackend>(
        backend: &B,
        headers: &[(&str, &str)],
        query: &str,
    ) -> Answer<B::User> {
        let headers = HeaderList::new(headers.iter().copied());
        let request = RequestView::new("GET", "/", query, &headers);
        backend
            .authenticate(&request)
            .now_or_never()
            .expect("static keys never wait")
    }

    fn now() -> i64 {
        jsonwebtoken::get_current_timestamp() as i64
    }

    fn claims(extra: Value) -> Map<String, Value> {
        let mut claims = json!({ "sub": "ada", "exp": now() + 600, "scope": "notes:read" });
        if let (Some(claims), Value::Object(extra)) = (claims.as_object_mut(), extra) {
            claims.extend(extra);
        }
        match claims {
            Value::Object(claims) => claims,
            _ => unreachable!(),
        }
    }

    fn hs256(extra: Value) -> String {
        let signer = TokenSigner::hs256(SECRET).unwrap();
        format!("Bearer {}", signer.sign_claims(claims(extra)).unwrap())
    }

    /// A token with any header and claims, signed with nothing or with raw bytes.
    fn crafted(header: Value, claims: Value, signature: &[u8]) -> String {
        let part = |value: &Value| URL_SAFE_NO_PAD.encode(value.to_string());
        format!(
            "Bearer {}.{}.{}",
            part(&header),
            part(&claims),
            URL_SAFE_NO_PAD.encode(signature)
        )
    }

    fn rejection<U: fmt::Debug>(answer: Answer<U>) -> AuthError {
        let err = answer.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Rejected, "{err}");
        err
    }

    fn challenge(err: &AuthError) -> &str {
        err.challenge().expect("a challenge").value()
    }

    #[test]
    fn jwt_valid_token_gives_the_subject_and_scopes() {
        let found = run(&hmac_backend(), &hs256(json!({}))).unwrap().unwrap();

        assert_eq!(found.user, SimpleUser::new("ada"));
        assert_eq!(found.credentials.iter().collect::<Vec<_>>(), ["notes:read"]);
    }

    #[test]
    fn jwt_without_a_bearer_token_is_not_mine() {
        let backend = hmac_backend();

        assert!(run_with(&backend, &[], "").unwrap().is_none());
        assert!(run(&backend, "Basic YTpi").unwrap().is_none());
    }

    #[test]
    fn jwt_expired_token_is_rejected_with_an_invalid_token_challenge() {
        let backend = hmac_backend().realm("notes");

        let err = rejection(run(&backend, &hs256(json!({ "exp": now() - 3600 }))));

        assert_eq!(
            challenge(&err),
            r#"Bearer realm="notes", error="invalid_token", error_description="the token has expired""#
        );
    }

    #[test]
    fn jwt_leeway_covers_small_clock_skew() {
        let just_expired = hs256(json!({ "exp": now() - 30 }));

        assert!(run(&hmac_backend(), &just_expired).is_ok());
        rejection(run(&hmac_backend().leeway(Duration::ZERO), &just_expired));
    }

    #[test]
    fn jwt_token_without_exp_is_rejected() {
        let mut without_exp = claims(json!({}));
        without_exp.remove("exp");
        let key = jsonwebtoken::EncodingKey::from_secret(SECRET).unwrap();
        let header = jsonwebtoken::Header::new(Algorithm::HS256);
        let token = jsonwebtoken::encode(&header, &without_exp, &key).unwrap();

        let err = rejection(run(&hmac_backend(), &format!("Bearer {token}")));

        assert_eq!(err.message(), "the token lacks the required claim exp");
    }

    #[test]
    fn jwt_not_yet_valid_token_is_rejected() {
        let err = rejection(run(&hmac_backend(), &hs256(json!({ "nbf": now() + 3600 }))));

        assert_eq!(err.message(), "the token is not valid yet");
    }

    #[test]
    fn jwt_tampered_token_is_rejected() {
        let token = hs256(json!({}));
        let tampered = token.replace(".", ".x").replacen(".x", ".", 1);

        rejection(run(&hmac_backend(), &tampered));
        let other = TokenSigner::hs256(b"another secret, also 32 bytes long").unwrap();
        let forged = format!("Bearer {}", other.sign("ada", &["admin"]).unwrap());
        let err = rejection(run(&hmac_backend(), &forged));
        assert_eq!(err.message(), "the token's signature is invalid");
    }

    #[test]
    fn jwt_alg_none_never_passes() {
        for alg in ["none", "None", "NONE", "nOnE"] {
            let token = crafted(json!({ "alg": alg }), Value::Object(claims(json!({}))), b"");

            let err = rejection(run(&hmac_backend(), &token));

            assert_eq!(
                err.message(),
                "the token's algorithm is not allowed",
                "{alg}"
            );
        }
    }

    #[test]
    fn jwt_hmac_token_signed_with_the_rsa_public_key_never_passes() {
        let public_pem = test_keys::rsa().public_pem.as_bytes();
        let confused = format!(
            "Bearer {}",
            TokenSigner::hs256(public_pem)
                .unwrap()
                .sign("ada", &["admin"])
                .unwrap()
        );
        let rsa_only = JwtBackend::new(KeySet::from_pem(public_pem).unwrap(), [Algorithm::RS256]);
        let hmac_allowed =
            JwtBackend::new(KeySet::from_pem(public_pem).unwrap(), [Algorithm::HS256]);

        rejection(run(&rsa_only.unwrap(), &confused));
        // An RSA key with only HMAC allowed could never verify anything: refused at build.
        assert!(matches!(hmac_allowed, Err(JwtError::NoSuitableKeys)));
    }

    #[test]
    fn jwt_rs256_and_eddsa_tokens_verify_with_pem_keys() {
        let rsa = test_keys::rsa();
        let ed = test_keys::ed25519();
        let keys = KeySet::new([
            VerifyingKey::from_pem(rsa.public_pem.as_bytes()).unwrap(),
            VerifyingKey::from_pem(ed.public_pem.as_bytes()).unwrap(),
        ]);
        let backend = JwtBackend::new(keys, [Algorithm::RS256, Algorithm::EdDSA]).unwrap();

        for signer in [
            TokenSigner::rs256_pem(rsa.private_pem.as_bytes()).unwrap(),
            TokenSigner::eddsa_pem(ed.private_pem.as_bytes()).unwrap(),
        ] {
            let token = format!("Bearer {}", signer.sign("ada", &[]).unwrap());

            assert!(run(&backend, &token).unwrap().is_some(), "{signer:?}");
        }
    }

    #[test]
    fn jwt_keys_that_suit_no_allowed_algorithm_are_refused_at_build() {
        let rsa = KeySet::from_pem(test_keys::rsa().public_pem.as_bytes()).unwrap();
        let hmac = KeySet::hmac(SECRET).unwrap();
        let es256_only =
            KeySet::new([
                VerifyingKey::from_pem(test_keys::rsa().public_pem.as_bytes())
                    .unwrap()
                    .with_algorithm(Algorithm::RS512),
            ]);

        for (keys, algorithms) in [
            (hmac.clone(), &[Algorithm::RS256][..]),
            (rsa.clone(), &[Algorithm::HS256]),
            (rsa.clone(), &[Algorithm::ES256, Algorithm::EdDSA]),
            (es256_only, &[Algorithm::RS256]),
        ] {
            assert!(
                matches!(
                    JwtBackend::new(keys, algorithms.iter().copied()),
                    Err(JwtError::NoSuitableKeys)
                ),
                "{algorithms:?}"
            );
        }
        // An EC key serves the algorithm of its curve only.
        for (pem, allowed, other) in [
            (P256_PEM, Algorithm::ES256, Algorithm::ES384),
            (P384_PEM, Algorithm::ES384, Algorithm::ES256),
        ] {
            let keys = KeySet::from_pem(pem.as_bytes()).unwrap();
            assert!(
                JwtBackend::new(keys.clone(), [allowed]).is_ok(),
                "{allowed:?}"
            );
            assert!(
                matches!(
                    JwtBackend::new(keys, [other]),
                    Err(JwtError::NoSuitableKeys)
                ),
                "{other:?}"
            );
        }
        for pem in [P521_PEM, SECP256K1_PEM] {
            assert!(matches!(
                KeySet::from_pem(pem.as_bytes()),
                Err(JwtError::InvalidKey(_))
            ));
        }
        // One suitable key is enough; the others may serve other algorithms later.
        let mixed = KeySet::new(rsa.iter().chain(hmac.iter()).cloned());
        assert!(JwtBackend::new(mixed, [Algorithm::RS256]).is_ok());
        assert!(JwtBackend::new(Arc::new(hmac), [Algorithm::HS512]).is_ok());
        assert!(matches!(
            JwtBackend::new(KeySet::new([]), [Algorithm::RS256]),
            Err(JwtError::NoSuitableKeys)
        ));
    }

    #[test]
    fn jwt_rsa_signature_by_another_key_is_rejected() {
        let public_pem = test_keys::rsa().public_pem.as_bytes();
        let backend = JwtBackend::new(KeySet::from_pem(public_pem).unwrap(), [Algorithm::RS256]);
        let signer = TokenSigner::rs256_pem(test_keys::other_rsa().private_pem.as_bytes());
        let token = format!("Bearer {}", signer.unwrap().sign("ada", &[]).unwrap());

        rejection(run(&backend.unwrap(), &token));
    }

    #[test]
    fn jwt_issuer_and_audience_are_checked_once_configured() {
        let backend = hmac_backend()
            .issuer("https://a")
            .issuer("https://b")
            .audience("api");

        assert!(run(
            &backend,
            &hs256(json!({ "iss": "https://b", "aud": "api" }))
        )
        .is_ok());
        assert!(run(
            &backend,
            &hs256(json!({ "iss": "https://a", "aud": ["x", "api"] }))
        )
        .is_ok());
        for extra in [
            json!({ "iss": "https://c", "aud": "api" }),
            json!({ "aud": "api" }),
            json!({ "iss": "https://a", "aud": "other" }),
            json!({ "iss": "https://a" }),
            json!({ "iss": ["https://a"], "aud": 5 }),
        ] {
            rejection(run(&backend, &hs256(extra)));
        }
    }

    #[test]
    fn jwt_audience_is_ignored_until_configured() {
        assert!(run(&hmac_backend(), &hs256(json!({ "aud": "anything" }))).is_ok());
    }

    #[test]
    fn jwt_required_claims_must_be_present() {
        let backend = hmac_backend().require_claims(["tenant", "iat"]);

        assert!(run(&backend, &hs256(json!({ "tenant": "t1" }))).is_ok());
        let err = rejection(run(&backend, &hs256(json!({}))));
        assert_eq!(err.message(), "the token lacks the required claim tenant");
    }

    #[test]
    fn jwt_key_id_selects_the_key() {
        let keys = KeySet::new([
            VerifyingKey::hmac(SECRET).unwrap().with_kid("a"),
            VerifyingKey::hmac(b"the b secret, 32 bytes or more....")
                .unwrap()
                .with_kid("b"),
        ]);
        let backend = JwtBackend::new(keys, [Algorithm::HS256]).unwrap();
        let sign = |kid: &str| {
            let signer = TokenSigner::hs256(SECRET).unwrap().with_kid(kid);
            format!("Bearer {}", signer.sign("ada", &[]).unwrap())
        };

        assert!(run(&backend, &sign("a")).is_ok());
        let wrong_key = rejection(run(&backend, &sign("b")));
        let unknown = rejection(run(&backend, &sign("c")));

        assert_eq!(wrong_key.message(), "the token's signature is invalid");
        assert_eq!(unknown.message(), "the token names an unknown key");
    }

    #[test]
    fn jwt_scope_claim_of_the_wrong_type_is_rejected() {
        let err = rejection(run(&hmac_backend(), &hs256(json!({ "scope": ["a", 1] }))));

        assert!(challenge(&err).contains(r#"error="invalid_token""#));
    }

    #[test]
    fn jwt_malformed_tokens_are_invalid_requests() {
        let backend = hmac_backend();
        let bad_base64 = format!("Bearer {}", "a.b.c");
        let not_json = crafted_raw("not json");
        for value in ["Bearer", "Bearer  ", "Bearer a b", &bad_base64, &not_json] {
            let err = run(&backend, value).unwrap_err();

            assert_eq!(err.kind(), ErrorKind::Malformed, "{value:?}");
            assert!(
                challenge(&err).starts_with(r#"Bearer realm="api", error="invalid_request""#),
                "{value:?}"
            );
        }
    }

    fn crafted_raw(header: &str) -> String {
        let part = |text: &str| URL_SAFE_NO_PAD.encode(text);
        format!("Bearer {}.{}.{}", part(header), part("{}"), part("sig"))
    }

    #[test]
    fn jwt_two_spaces_after_the_scheme_are_allowed() {
        // RFC 6750 writes the separator as 1*SP.
        let token = hs256(json!({})).replace("Bearer ", "Bearer  ");

        assert!(run(&hmac_backend(), &token).unwrap().is_some());
    }

    #[test]
    fn jwt_duplicate_authorization_headers_are_invalid_requests() {
        let token = hs256(json!({}));

        let err = run_with(
            &hmac_backend(),
            &[("authorization", &token), ("authorization", &token)],
            "",
        )
        .unwrap_err();

        assert_eq!(err.kind(), ErrorKind::Malformed);
    }

    #[test]
    fn jwt_websocket_query_token_is_off_by_default() {
        let token = hs256(json!({}));
        let query = format!("access_token={}", token.trim_start_matches("Bearer "));
        let websocket = [("upgrade", "websocket")];

        assert!(run_with(&hmac_backend(), &websocket, &query)
            .unwrap()
            .is_none());
        let on = hmac_backend().websocket_query_param("access_token");
        assert!(run_with(&on, &websocket, &query).unwrap().is_some());
        assert!(run_with(&on, &[], &query).unwrap().is_none());
    }

    #[test]
    fn jwt_user_mapping_errors_become_invalid_token() {
        let backend = hmac_backend().map_user(|claims: &Claims| match claims.string("tenant") {
            Some(tenant) => Ok(tenant.to_owned()),
            None => Err(AuthError::rejected("no \"tenant\" here")),
        });

        assert_eq!(
            run(&backend, &hs256(json!({ "tenant": "t1" })))
                .unwrap()
                .unwrap()
                .user,
            "t1"
        );
        let err = rejection(run(&backend, &hs256(json!({}))));
        assert!(challenge(&err).ends_with(r#"error_description="no tenant here""#));
    }

    #[test]
    fn jwt_granted_scopes_are_added() {
        let backend = hmac_backend().grant(["authenticated"]);

        let found = run(&backend, &hs256(json!({}))).unwrap().unwrap();

        assert!(found.credentials.has_all(&["authenticated", "notes:read"]));
    }

    #[test]
    fn jwt_verify_checks_a_token_on_its_own() {
        let token = hs256(json!({ "tenant": "t1" }));
        let token = token.trim_start_matches("Bearer ");

        let claims = hmac_backend()
            .verify(token)
            .now_or_never()
            .unwrap()
            .unwrap();

        assert_eq!(claims.string("tenant"), Some("t1"));
    }

    #[test]
    fn jwt_keys_must_be_public_and_strong() {
        let private = test_keys::ed25519().private_pem;

        assert!(matches!(
            KeySet::from_pem(private.as_bytes()),
            Err(JwtError::PrivateKey)
        ));
        assert!(matches!(KeySet::hmac(b"short"), Err(JwtError::WeakSecret)));
        assert!(matches!(
            TokenSigner::hs256(b"short"),
            Err(JwtError::WeakSecret)
        ));
        assert!(KeySet::from_pem(b"not a key").is_err());
    }

    #[test]
    fn jwt_signer_publishes_keys_that_verify_its_tokens() {
        let ed = test_keys::ed25519();
        let signers = [
            TokenSigner::rs256_pem(test_keys::rsa().private_pem.as_bytes()).unwrap(),
            TokenSigner::eddsa_pem(ed.private_pem.as_bytes()).unwrap(),
        ];
        for signer in signers {
            let signer = signer.with_kid("k1");
            let jwks = json!({ "keys": [signer.public_jwk().unwrap()] }).to_string();
            let keys = KeySet::from_jwks(jwks.as_bytes()).unwrap();
            let backend = JwtBackend::new(keys, [signer.algorithm()]).unwrap();

            let token = format!("Bearer {}", signer.sign("ada", &[]).unwrap());

            assert!(run(&backend, &token).unwrap().is_some(), "{signer:?}");
        }
    }

    #[test]
    fn jwt_signer_refuses_a_public_key() {
        let public = test_keys::ed25519().public_pem;

        assert!(TokenSigner::eddsa_pem(public.as_bytes()).is_err());
    }

    #[test]
    fn jwt_debug_output_hides_secrets() {
        let signer = TokenSigner::hs256(SECRET).unwrap();
        let debug = format!("{:?} {:?}", hmac_backend(), signer);

        assert!(!debug.contains("secret for tests"));
        assert!(!debug.contains("97, 32, 115"));
        assert!(debug.contains("HS256"));
    }

    /// A key source whose keys a test can replace, as a JWKS refresh does.
    struct Swappable(std::sync::Mutex<KeySet>);

    impl KeySource for Swappable {
        async fn key_set(&self, _kid: Option<&str>) -> Result<KeySet, AuthError> {
            Ok(self.0.lock().unwrap().clone())
        }
    }

    fn rsa_signer() -> TokenSigner {
        TokenSigner::rs256_pem(test_keys::rsa().private_pem.as_bytes()).unwrap()
    }

    fn rsa_keys() -> KeySet {
        KeySet::from_pem(test_keys::rsa().public_pem.as_bytes()).unwrap()
    }

    fn cached_rsa_backend(capacity: usize) -> JwtBackend<KeySet> {
        JwtBackend::new(rsa_keys(), [Algorithm::RS256])
            .unwrap()
            .cache_verified_tokens(capacity, Duration::from_secs(300))
    }

    fn cache_len<K, M>(backend: &JwtBackend<K, M>) -> usize {
        backend.cache.as_ref().unwrap().len()
    }

    #[test]
    fn jwt_cache_answers_a_repeated_token_with_the_same_user_and_scopes() {
        let backend = cached_rsa_backend(8);
        let token = format!(
            "Bearer {}",
            rsa_signer().sign("ada", &["notes:read"]).unwrap()
        );

        let first = run(&backend, &token).unwrap().unwrap();
        assert_eq!(cache_len(&backend), 1);
        let second = run(&backend, &token).unwrap().unwrap();

        assert_eq!(cache_len(&backend), 1);
        assert_eq!(second.user.username(), first.user.username());
        assert_eq!(second.credentials, first.credentials);
    }

    #[test]
    fn jwt_cache_never_lets_a_different_token_hit() {
        let backend = cached_rsa_backend(8);
        let raw = rsa_signer().sign("ada", &["notes:read"]).unwrap();
        assert!(run(&backend, &format!("Bearer {raw}")).unwrap().is_some());

        // The same header and claims with one signature character changed.
        let mut tampered = raw.clone().into_bytes();
        let last = tampered.len() - 2;
        tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(tampered).unwrap();
        rejection(run(&backend, &format!("Bearer {tampered}")));

        // Another valid token is verified on its own and maps to its own user.
        let other = rsa_signer().sign("bob", &[]).unwrap();
        let found = run(&backend, &format!("Bearer {other}")).unwrap().unwrap();
        assert_eq!(found.user.username(), "bob");
        assert!(found.credentials.is_empty());
        assert_eq!(cache_len(&backend), 2);
    }

    #[test]
    fn jwt_cache_entry_goes_stale_at_the_tokens_expiry() {
        let backend = cached_rsa_backend(8);
        let exp = now() + 120;
        let mut claims = Map::new();
        claims.insert("sub".into(), "ada".into());
        claims.insert("exp".into(), exp.into());
        let raw = rsa_signer().sign_claims(claims).unwrap();
        assert!(run(&backend, &format!("Bearer {raw}")).unwrap().is_some());

        let cache = backend.cache.as_ref().unwrap();
        let digest = cache::digest(raw.as_bytes());
        let exp = exp as u64;
        assert!(cache.get(&digest, exp - 1).is_some());
        assert!(cache.get(&digest, exp).is_none());
    }

    #[test]
    fn jwt_cache_keeps_no_refused_token() {
        let backend = cached_rsa_backend(8);
        let signer = TokenSigner::rs256_pem(test_keys::other_rsa().private_pem.as_bytes());
        let token = format!("Bearer {}", signer.unwrap().sign("ada", &[]).unwrap());

        rejection(run(&backend, &token));
        rejection(run(&backend, &token));
        assert_eq!(cache_len(&backend), 0);
    }

    #[test]
    fn jwt_cache_holds_at_most_its_capacity() {
        let backend = cached_rsa_backend(2);
        for name in ["a", "b", "c", "d"] {
            let token = format!("Bearer {}", rsa_signer().sign(name, &[]).unwrap());
            assert!(run(&backend, &token).unwrap().is_some());
            assert!(cache_len(&backend) <= 2);
        }
    }

    #[test]
    fn jwt_cache_entry_dies_with_the_keys_that_verified_it() {
        let source = Swappable(std::sync::Mutex::new(rsa_keys()));
        let backend = JwtBackend::new(source, [Algorithm::RS256])
            .unwrap()
            .cache_verified_tokens(8, Duration::from_secs(300));
        let token = format!("Bearer {}", rsa_signer().sign("ada", &[]).unwrap());
        assert!(run(&backend, &token).unwrap().is_some());

        // The key that signed the token is withdrawn: the cached verification no longer holds.
        let other = KeySet::from_pem(test_keys::other_rsa().public_pem.as_bytes()).unwrap();
        *backend.keys().0.lock().unwrap() = other;

        rejection(run(&backend, &token));
    }

    #[test]
    fn jwt_cache_maps_the_user_on_every_request() {
        let calls = std::sync::atomic::AtomicUsize::new(0);
        let backend = cached_rsa_backend(8).map_user(|claims: &Claims| {
            calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            Ok(SimpleUser::new(claims.subject().unwrap_or_default()))
        });
        let token = format!("Bearer {}", rsa_signer().sign("ada", &[]).unwrap());

        for _ in 0..3 {
            assert!(run(&backend, &token).unwrap().is_some());
        }
        assert_eq!(calls.load(std::sync::atomic::Ordering::Relaxed), 3);
    }
}
