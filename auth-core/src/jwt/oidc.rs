//! OpenID Connect ID tokens: the user they name and the provider's discovery document.

use jsonwebtoken::{Algorithm, AlgorithmFamily};
use serde_json::Value;

use super::{Claims, ClaimsMapper, JwtBackend, JwtError, KeySource};
use crate::{AuthError, AuthUser};

/// The path of the discovery document below an issuer (OpenID Connect Discovery 1.0).
pub const DISCOVERY_PATH: &str = "/.well-known/openid-configuration";

/// The user of an OpenID Connect ID token: its subject and, when present, email and name.
///
/// Its identity is the subject (stable for the provider; an email address can change hands),
/// its display name the email, else the name, else the subject.
///
/// # Examples
///
/// ```
/// use auth_core::jwt::{Claims, ClaimsMapper, OidcUserMapper};
/// use auth_core::AuthUser;
///
/// let claims = Claims::from_json(serde_json::json!({
///     "sub": "10769150350006150715113082367",
///     "email": "ada@example.com",
///     "email_verified": true,
///     "aud": "client-1",
/// }))
/// .unwrap();
///
/// let user = OidcUserMapper::new("client-1").map(&claims).unwrap();
/// assert_eq!(user.identity(), "10769150350006150715113082367");
/// assert_eq!(user.display_name(), "ada@example.com");
/// assert_eq!(user.email_verified(), Some(true));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct OidcUser {
    subject: String,
    email: Option<String>,
    email_verified: Option<bool>,
    name: Option<String>,
}

impl OidcUser {
    /// The subject (`sub`): the provider's stable id for the user.
    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// The email address (`email`), if the token carries one.
    pub fn email(&self) -> Option<&str> {
        self.email.as_deref()
    }

    /// Whether the provider verified the email address (`email_verified`), if it says.
    pub fn email_verified(&self) -> Option<bool> {
        self.email_verified
    }

    /// The full name (`name`), if the token carries one.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }
}

impl AuthUser for OidcUser {
    fn display_name(&self) -> &str {
        self.email
            .as_deref()
            .or(self.name.as_deref())
            .unwrap_or(&self.subject)
    }

    fn identity(&self) -> &str {
        &self.subject
    }
}

/// Maps ID token claims to an [`OidcUser`], checking the authorized party.
///
/// A token for several audiences must name this client as its authorized party (`azp`), and
/// an `azp` naming another client is refused (OpenID Connect Core 1.0, 3.1.3.7).
#[derive(Clone, Debug)]
pub struct OidcUserMapper {
    client_id: String,
}

impl OidcUserMapper {
    /// A mapper for ID tokens issued to `client_id`.
    pub fn new(client_id: impl Into<String>) -> Self {
        Self {
            client_id: client_id.into(),
        }
    }

    fn check_authorized_party(&self, claims: &Claims) -> Result<(), AuthError> {
        let azp = claims.get("azp");
        let several_audiences = claims.audiences().nth(1).is_some();
        match azp {
            None if !several_audiences => Ok(()),
            Some(Value::String(azp)) if *azp == self.client_id => Ok(()),
            _ => Err(AuthError::rejected(
                "the token's authorized party is not this client",
            )),
        }
    }
}

impl ClaimsMapper for OidcUserMapper {
    type User = OidcUser;

    fn map(&self, claims: &Claims) -> Result<OidcUser, AuthError> {
        self.check_authorized_party(claims)?;
        let subject = match claims.subject() {
            Some(subject) if !subject.is_empty() => subject.to_owned(),
            _ => return Err(AuthError::rejected("the token has no subject")),
        };
        Ok(OidcUser {
            subject,
            email: claims.email().map(str::to_owned),
            email_verified: claims.get("email_verified").and_then(Value::as_bool),
            name: claims.string("name").map(str::to_owned),
        })
    }
}

/// The parts of a provider's discovery document that token verification needs.
///
/// # Examples
///
/// ```
/// use auth_core::jwt::{Algorithm, DiscoveryDocument};
///
/// let document = br#"{
///     "issuer": "https://accounts.example.com",
///     "jwks_uri": "https://accounts.example.com/keys",
///     "id_token_signing_alg_values_supported": ["RS256", "none", "HS256"]
/// }"#;
///
/// let parsed = DiscoveryDocument::parse(document, "https://accounts.example.com").unwrap();
/// assert_eq!(parsed.jwks_uri(), "https://accounts.example.com/keys");
/// assert_eq!(parsed.algorithms(), [Algorithm::RS256]);
///
/// assert!(DiscoveryDocument::parse(document, "https://other.example.com").is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiscoveryDocument {
    issuer: String,
    jwks_uri: String,
    algorithms: Vec<Algorithm>,
}

impl DiscoveryDocument {
    /// Reads a discovery document fetched for `expected_issuer`.
    ///
    /// Only public-key signature algorithms are kept from
    /// `id_token_signing_alg_values_supported`; when none is left, RS256 (which every provider
    /// must support) is assumed.
    ///
    /// # Errors
    ///
    /// [`JwtError::InvalidDocument`] when `issuer` or `jwks_uri` is missing;
    /// [`JwtError::IssuerMismatch`] when the document names another issuer, exactly compared
    /// as the specification requires.
    pub fn parse(document: &[u8], expected_issuer: &str) -> Result<Self, JwtError> {
        let document: Value = serde_json::from_slice(document)
            .map_err(|_| JwtError::document("a discovery document must be JSON"))?;
        let text = |name: &str| {
            document
                .get(name)
                .and_then(Value::as_str)
                .ok_or_else(|| JwtError::document(format!("the discovery document lacks {name}")))
        };

        let issuer = text("issuer")?;
        if issuer != expected_issuer {
            return Err(JwtError::IssuerMismatch {
                expected: expected_issuer.to_owned(),
                found: issuer.to_owned(),
            });
        }
        let jwks_uri = text("jwks_uri")?;

        Ok(Self {
            issuer: issuer.to_owned(),
            jwks_uri: jwks_uri.to_owned(),
            algorithms: signing_algorithms(&document),
        })
    }

    /// The issuer, exactly as ID tokens name it.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// Where the provider publishes its keys.
    pub fn jwks_uri(&self) -> &str {
        &self.jwks_uri
    }

    /// The public-key algorithms ID tokens may be signed with.
    pub fn algorithms(&self) -> &[Algorithm] {
        &self.algorithms
    }
}

fn signing_algorithms(document: &Value) -> Vec<Algorithm> {
    let listed = document
        .get("id_token_signing_alg_values_supported")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|name| name.as_str()?.parse::<Algorithm>().ok())
        .filter(|algorithm| algorithm.family() != AlgorithmFamily::Hmac);

    let mut algorithms: Vec<Algorithm> = Vec::new();
    for algorithm in listed {
        if !algorithms.contains(&algorithm) {
            algorithms.push(algorithm);
        }
    }
    if algorithms.is_empty() {
        algorithms.push(Algorithm::RS256);
    }
    algorithms
}

/// The URL of the discovery document of `issuer`.
///
/// # Examples
///
/// ```
/// assert_eq!(
///     auth_core::jwt::discovery_url("https://accounts.google.com/"),
///     "https://accounts.google.com/.well-known/openid-configuration",
/// );
/// ```
pub fn discovery_url(issuer: &str) -> String {
    format!("{}{DISCOVERY_PATH}", issuer.trim_end_matches('/'))
}

impl<K: KeySource> JwtBackend<K, OidcUserMapper> {
    /// A backend for OpenID Connect ID tokens issued by `issuer` to `client_id`.
    ///
    /// `iss` must be the issuer, `aud` must name the client, and `iss`, `sub`, `aud`, `exp`
    /// and `iat` are required; users are [`OidcUser`]s. The backend is named `"oidc"`.
    ///
    /// # Errors
    ///
    /// As [`JwtBackend::new`]; an HMAC algorithm is refused, since ID tokens verified with a
    /// provider's published keys are always signed with public-key algorithms.
    pub fn id_tokens(
        keys: K,
        issuer: &str,
        client_id: &str,
        algorithms: impl IntoIterator<Item = Algorithm>,
    ) -> Result<Self, JwtError> {
        let algorithms: Vec<Algorithm> = algorithms.into_iter().collect();
        if algorithms
            .iter()
            .any(|algorithm| algorithm.family() == AlgorithmFamily::Hmac)
        {
            return Err(JwtError::MixedAlgorithmFamilies);
        }

        let backend = JwtBackend::new(keys, algorithms)?
            .issuer(issuer)
            .audience(client_id)
            .require_claims(["iss", "sub", "aud", "exp", "iat"])
            .name("oidc")
            .with_mapper(OidcUserMapper::new(client_id));
        Ok(backend)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn claims(value: Value) -> Claims {
        Claims::from_json(value).unwrap()
    }

    #[test]
    fn oidc_user_needs_a_subject() {
        let err = OidcUserMapper::new("c").map(&claims(json!({ "aud": "c" })));

        assert!(err.is_err());
    }

    #[test]
    fn oidc_several_audiences_need_this_client_as_authorized_party() {
        let mapper = OidcUserMapper::new("c");
        let without = claims(json!({ "sub": "s", "aud": ["c", "other"] }));
        let other = claims(json!({ "sub": "s", "aud": ["c", "other"], "azp": "other" }));
        let this = claims(json!({ "sub": "s", "aud": ["c", "other"], "azp": "c" }));
        let single_other_azp = claims(json!({ "sub": "s", "aud": "c", "azp": "other" }));

        assert!(mapper.map(&without).is_err());
        assert!(mapper.map(&other).is_err());
        assert!(mapper.map(&this).is_ok());
        assert!(mapper.map(&single_other_azp).is_err());
    }

    #[test]
    fn oidc_display_name_falls_back_to_name_then_subject() {
        let mapper = OidcUserMapper::new("c");
        let named = mapper
            .map(&claims(json!({ "sub": "s", "name": "Ada" })))
            .unwrap();
        let bare = mapper.map(&claims(json!({ "sub": "s" }))).unwrap();

        assert_eq!(named.display_name(), "Ada");
        assert_eq!(bare.display_name(), "s");
    }

    #[test]
    fn discovery_requires_issuer_and_jwks_uri() {
        for document in [
            json!({ "jwks_uri": "https://i/keys" }),
            json!({ "issuer": "https://i" }),
            json!({ "issuer": 1, "jwks_uri": "https://i/keys" }),
        ] {
            let parsed = DiscoveryDocument::parse(document.to_string().as_bytes(), "https://i");

            assert!(
                matches!(parsed, Err(JwtError::InvalidDocument(_))),
                "{document}"
            );
        }
    }

    #[test]
    fn discovery_issuer_must_match_exactly() {
        let document = json!({ "issuer": "https://i/", "jwks_uri": "https://i/keys" });

        let parsed = DiscoveryDocument::parse(document.to_string().as_bytes(), "https://i");

        assert!(matches!(parsed, Err(JwtError::IssuerMismatch { .. })));
    }

    #[test]
    fn discovery_without_algorithms_assumes_rs256() {
        let document = json!({ "issuer": "https://i", "jwks_uri": "https://i/keys" });

        let parsed = DiscoveryDocument::parse(document.to_string().as_bytes(), "https://i");

        assert_eq!(parsed.unwrap().algorithms(), [Algorithm::RS256]);
    }
}
