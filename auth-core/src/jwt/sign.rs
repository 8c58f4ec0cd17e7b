//! Issuing tokens.

use std::fmt;
use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use jsonwebtoken::crypto::CryptoProvider;
use jsonwebtoken::jwk::{EllipticCurve, Jwk};
use jsonwebtoken::{Algorithm, AlgorithmFamily, EncodingKey, Header};
use serde_json::{Map, Value};

use super::{JwtError, MIN_HMAC_SECRET_LEN};

/// How long a signed token is valid unless configured otherwise.
pub const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(15 * 60);

/// Signs tokens for an application that issues its own.
///
/// Each token gets `iat` (now), `exp` (now plus the lifetime), `sub` and `scope` (the scopes,
/// space-separated), plus `iss`, `aud` and a `kid` header when configured. Its `Debug` output
/// never shows the key.
///
/// # Examples
///
/// ```
/// use auth_core::jwt::TokenSigner;
///
/// let signer = TokenSigner::hs256(b"a secret of at least thirty-two bytes")
///     .unwrap()
///     .with_issuer("https://auth.example.com");
/// let token = signer.sign("ada", &["notes:read"]).unwrap();
/// assert_eq!(token.split('.').count(), 3);
/// ```
#[derive(Clone)]
pub struct TokenSigner {
    key: EncodingKey,
    algorithm: Algorithm,
    kid: Option<String>,
    issuer: Option<String>,
    audience: Option<String>,
    lifetime: Duration,
}

impl TokenSigner {
    /// Signs with HS256 and this secret.
    ///
    /// # Errors
    ///
    /// [`JwtError::WeakSecret`] for a secret shorter than [`MIN_HMAC_SECRET_LEN`] bytes.
    pub fn hs256(secret: &[u8]) -> Result<Self, JwtError> {
        if secret.len() < MIN_HMAC_SECRET_LEN {
            return Err(JwtError::WeakSecret);
        }
        let key = EncodingKey::from_secret(secret).map_err(JwtError::invalid_key)?;
        Self::new(key, Algorithm::HS256)
    }

    /// Signs with RS256 and this PEM RSA private key (PKCS#1 or PKCS#8).
    ///
    /// # Errors
    ///
    /// [`JwtError::InvalidKey`] when the PEM is not an RSA private key.
    pub fn rs256_pem(pem: &[u8]) -> Result<Self, JwtError> {
        let key = EncodingKey::from_rsa_pem(pem).map_err(JwtError::invalid_key)?;
        Self::new(key, Algorithm::RS256)
    }

    /// Signs with ES256 and this PEM P-256 private key (PKCS#8).
    ///
    /// # Errors
    ///
    /// [`JwtError::InvalidKey`] when the PEM is not a P-256 private key.
    pub fn es256_pem(pem: &[u8]) -> Result<Self, JwtError> {
        let key = EncodingKey::from_ec_pem(pem).map_err(JwtError::invalid_key)?;
        Self::new(key, Algorithm::ES256)
    }

    /// Signs with EdDSA and this PEM Ed25519 private key (PKCS#8).
    ///
    /// # Errors
    ///
    /// [`JwtError::InvalidKey`] when the PEM is not an Ed25519 private key.
    pub fn eddsa_pem(pem: &[u8]) -> Result<Self, JwtError> {
        let key = EncodingKey::from_ed_pem(pem).map_err(JwtError::invalid_key)?;
        Self::new(key, Algorithm::EdDSA)
    }

    /// Signs with this `jsonwebtoken` key and algorithm.
    ///
    /// The key is tried once, so that a key unfit for the algorithm (a public key, say) fails
    /// here rather than at the first token.
    ///
    /// # Errors
    ///
    /// [`JwtError::InvalidKey`] when the key cannot sign with `algorithm`.
    pub fn new(key: EncodingKey, algorithm: Algorithm) -> Result<Self, JwtError> {
        jsonwebtoken::crypto::sign(b"probe", &key, algorithm).map_err(JwtError::invalid_key)?;
        Ok(Self {
            key,
            algorithm,
            kid: None,
            issuer: None,
            audience: None,
            lifetime: DEFAULT_TOKEN_LIFETIME,
        })
    }

    /// Names the key in each token's header (`kid`), for verifiers holding several keys.
    pub fn with_kid(mut self, kid: impl Into<String>) -> Self {
        self.kid = Some(kid.into());
        self
    }

    /// Sets the issuer claim (`iss`).
    pub fn with_issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = Some(issuer.into());
        self
    }

    /// Sets the audience claim (`aud`).
    pub fn with_audience(mut self, audience: impl Into<String>) -> Self {
        self.audience = Some(audience.into());
        self
    }

    /// Sets how long tokens are valid ([`DEFAULT_TOKEN_LIFETIME`] by default).
    pub fn with_lifetime(mut self, lifetime: Duration) -> Self {
        self.lifetime = lifetime;
        self
    }

    /// The algorithm tokens are signed with.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The public key as a JWK (RFC 7517), with `kid`, `use` and `alg`, for an application
    /// that publishes the keys of the tokens it issues.
    ///
    /// # Errors
    ///
    /// [`JwtError::InvalidKey`] for an HMAC signer: a secret has no public part to publish.
    ///
    /// # Examples
    ///
    /// ```
    /// # use auth_core::jwt::TokenSigner;
    /// let hmac = TokenSigner::hs256(b"a secret of at least thirty-two bytes").unwrap();
    /// assert!(hmac.public_jwk().is_err());
    /// ```
    pub fn public_jwk(&self) -> Result<Value, JwtError> {
        let mut jwk = match self.algorithm.family() {
            AlgorithmFamily::Hmac => {
                return Err(JwtError::invalid_key("an HMAC secret has no public key"));
            }
            // `jsonwebtoken` reads only the PKCS#8 v1 form of Ed25519 keys here; its key
            // utilities read both.
            AlgorithmFamily::Ed => self.ed25519_jwk()?,
            _ => {
                let jwk = Jwk::from_encoding_key(&self.key, self.algorithm)
                    .map_err(JwtError::invalid_key)?;
                serde_json::to_value(jwk).map_err(JwtError::invalid_key)?
            }
        };
        jwk["use"] = "sig".into();
        if let Some(kid) = &self.kid {
            jwk["kid"] = kid.clone().into();
        }
        Ok(jwk)
    }

    fn ed25519_jwk(&self) -> Result<Value, JwtError> {
        let provider = CryptoProvider::try_get_default()
            .ok_or_else(|| JwtError::invalid_key("no crypto provider"))?;
        let public = (provider.key_utils.ed_pub_components_from_private_key)(
            self.key.as_bytes(),
            &EllipticCurve::Ed25519,
        )
        .map_err(JwtError::invalid_key)?;
        Ok(serde_json::json!({
            "kty": "OKP",
            "crv": "Ed25519",
            "alg": "EdDSA",
            "x": URL_SAFE_NO_PAD.encode(public),
        }))
    }

    /// A token for `subject` granting `scopes`.
    ///
    /// # Errors
    ///
    /// [`JwtError::InvalidClaims`] for a blank subject or one holding control characters, and
    /// for a scope that is empty or holds anything but the characters of an OAuth scope token
    /// (RFC 6749: visible ASCII but `"` and `\`): whitespace would split it in the token's
    /// space-separated `scope` claim, and guards accept no other scope names;
    /// [`JwtError::Signing`] when the key fails to sign.
    pub fn sign(&self, subject: &str, scopes: &[&str]) -> Result<String, JwtError> {
        if subject.trim().is_empty() || subject.contains(char::is_control) {
            return Err(JwtError::InvalidClaims(
                "the subject is blank or holds control characters",
            ));
        }
        // The characters of an OAuth scope token (RFC 6749), as guards accept them.
        let token_char = |byte: u8| byte.is_ascii_graphic() && byte != b'"' && byte != b'\\';
        if scopes
            .iter()
            .any(|scope| scope.is_empty() || !scope.bytes().all(token_char))
        {
            return Err(JwtError::InvalidClaims(
                "a scope is empty or holds a character other than visible ASCII but `\"` and `\\`",
            ));
        }
        let mut claims = Map::new();
        claims.insert("sub".to_owned(), subject.into());
        claims.insert("scope".to_owned(), scopes.join(" ").into());
        self.sign_claims(claims)
    }

    /// A token with these claims; `iat`, `exp`, `iss` and `aud` are added unless present.
    ///
    /// # Errors
    ///
    /// [`JwtError::Signing`] when the key fails to sign.
    pub fn sign_claims(&self, mut claims: Map<String, Value>) -> Result<String, JwtError> {
        let now = jsonwebtoken::get_current_timestamp();
        let defaults = [
            ("iat", Some(Value::from(now))),
            ("exp", Some(Value::from(now + self.lifetime.as_secs()))),
            ("iss", self.issuer.clone().map(Value::from)),
            ("aud", self.audience.clone().map(Value::from)),
        ];
        for (name, value) in defaults {
            if let Some(value) = value {
                claims.entry(name).or_insert(value);
            }
        }

        let mut header = Header::new(self.algorithm);
        header.kid.clone_from(&self.kid);
        jsonwebtoken::encode(&header, &claims, &self.key)
            .map_err(|err| JwtError::Signing(Box::new(err)))
    }
}

impl fmt::Debug for TokenSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenSigner")
            .field("algorithm", &self.algorithm)
            .field("kid", &self.kid)
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .field("lifetime", &self.lifetime)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signer() -> TokenSigner {
        TokenSigner::hs256(&[7; 32]).unwrap()
    }

    #[test]
    fn sign_refuses_scopes_the_scope_claim_would_split_or_lose() {
        for scopes in [
            &["read admin"][..],
            &["a\tb"],
            &["c\nd"],
            &[""],
            &["ok", " "],
            &["a\u{1f}admin"],
            &["a\"b"],
            &["\u{e9}crire"],
        ] {
            assert!(
                matches!(
                    signer().sign("ada", scopes),
                    Err(JwtError::InvalidClaims(_))
                ),
                "{scopes:?}"
            );
        }
        assert!(signer().sign("ada", &["notes:read", "admin"]).is_ok());
        assert!(signer().sign("ada", &[]).is_ok());
    }

    #[test]
    fn sign_refuses_a_blank_subject() {
        for subject in ["", " ", "\0", "ada\n"] {
            assert!(
                matches!(
                    signer().sign(subject, &["read"]),
                    Err(JwtError::InvalidClaims(_))
                ),
                "{subject:?}"
            );
        }
    }
}
