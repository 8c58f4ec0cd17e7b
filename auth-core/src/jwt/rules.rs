//! What a token must satisfy besides its signature: algorithm, times, issuer, audience, claims.

use std::time::Duration;

use jsonwebtoken::errors::ErrorKind as JwtErrorKind;
use jsonwebtoken::{Algorithm, AlgorithmFamily, Validation};

use super::{Claims, JwtError};
use crate::AuthError;

/// The clock skew allowed on `exp` and `nbf` unless configured otherwise.
pub const DEFAULT_LEEWAY: Duration = Duration::from_secs(60);

/// The claims `jsonwebtoken` checks for presence itself.
const REGISTERED: [&str; 5] = ["exp", "nbf", "aud", "iss", "sub"];

/// One `jsonwebtoken` validation per allowed algorithm, kept in step with each other.
///
/// `jsonwebtoken` refuses a validation whose algorithms span key families, so each allowed
/// algorithm gets its own.
#[derive(Clone, Debug)]
pub(crate) struct Rules {
    per_algorithm: Vec<(Algorithm, Validation)>,
    issuers: Vec<String>,
    audiences: Vec<String>,
    /// Required claims `jsonwebtoken` does not know; checked on the verified claims.
    other_required: Vec<String>,
}

impl Rules {
    pub(crate) fn new(algorithms: impl IntoIterator<Item = Algorithm>) -> Result<Self, JwtError> {
        let mut allowed: Vec<Algorithm> = Vec::new();
        for algorithm in algorithms {
            if !allowed.contains(&algorithm) {
                allowed.push(algorithm);
            }
        }
        if allowed.is_empty() {
            return Err(JwtError::NoAlgorithms);
        }
        let hmac = |algorithm: &Algorithm| algorithm.family() == AlgorithmFamily::Hmac;
        if allowed.iter().any(hmac) && !allowed.iter().all(hmac) {
            return Err(JwtError::MixedAlgorithmFamilies);
        }

        let per_algorithm = allowed
            .into_iter()
            .map(|algorithm| (algorithm, base_validation(algorithm)))
            .collect();
        Ok(Self {
            per_algorithm,
            issuers: Vec::new(),
            audiences: Vec::new(),
            other_required: Vec::new(),
        })
    }

    /// The validation for a token of this algorithm, `None` when the algorithm is not allowed.
    pub(crate) fn for_algorithm(&self, algorithm: Algorithm) -> Option<&Validation> {
        self.per_algorithm
            .iter()
            .find(|(allowed, _)| *allowed == algorithm)
            .map(|(_, validation)| validation)
    }

    pub(crate) fn algorithms(&self) -> impl Iterator<Item = Algorithm> + '_ {
        self.per_algorithm.iter().map(|(algorithm, _)| *algorithm)
    }

    pub(crate) fn issuers(&self) -> &[String] {
        &self.issuers
    }

    pub(crate) fn audiences(&self) -> &[String] {
        &self.audiences
    }

    /// Accepts tokens from this issuer too; once one is set, `iss` is required.
    pub(crate) fn add_issuer(&mut self, issuer: String) {
        self.issuers.push(issuer);
        let issuers = self.issuers.clone();
        self.update(|validation| {
            validation.set_issuer(&issuers);
            validation.required_spec_claims.insert("iss".to_owned());
        });
    }

    /// Accepts tokens for this audience too; once one is set, `aud` is required and checked.
    pub(crate) fn add_audience(&mut self, audience: String) {
        self.audiences.push(audience);
        let audiences = self.audiences.clone();
        self.update(|validation| {
            validation.set_audience(&audiences);
            validation.validate_aud = true;
            validation.required_spec_claims.insert("aud".to_owned());
        });
    }

    pub(crate) fn set_leeway(&mut self, leeway: Duration) {
        self.update(|validation| validation.leeway = leeway.as_secs());
    }

    pub(crate) fn require(&mut self, claim: String) {
        if REGISTERED.contains(&claim.as_str()) {
            self.update(|validation| {
                validation.required_spec_claims.insert(claim.clone());
            });
        } else if !self.other_required.contains(&claim) {
            self.other_required.push(claim);
        }
    }

    /// Checks the required claims `jsonwebtoken` does not know about.
    pub(crate) fn check_required(&self, claims: &Claims) -> Result<(), AuthError> {
        match self
            .other_required
            .iter()
            .find(|name| !claims.contains(name))
        {
            Some(name) => Err(AuthError::rejected(format!(
                "the token lacks the required claim {name}"
            ))),
            None => Ok(()),
        }
    }

    fn update(&mut self, change: impl Fn(&mut Validation)) {
        for (_, validation) in &mut self.per_algorithm {
            change(validation);
        }
    }
}

/// `exp` required and checked, `nbf` checked when present, `aud` checked once configured.
fn base_validation(algorithm: Algorithm) -> Validation {
    let mut validation = Validation::new(algorithm);
    validation.leeway = DEFAULT_LEEWAY.as_secs();
    validation.validate_exp = true;
    validation.validate_nbf = true;
    // Without a configured audience, `jsonwebtoken` would refuse every token carrying one.
    validation.validate_aud = false;
    validation
}

/// Registered claims RFC 7519 defines as one string: `jsonwebtoken` also takes an array for
/// `iss`, which would let a token naming a trusted issuer among others pass the issuer check.
const STRING_CLAIMS: [&str; 3] = ["iss", "sub", "jti"];

/// Registered claims RFC 7519 defines as a number of seconds.
const NUMERIC_CLAIMS: [&str; 3] = ["exp", "nbf", "iat"];

/// Refuses a token whose registered claims have another type than RFC 7519 gives them; a
/// `null` claim counts as absent, as everywhere else.
pub(crate) fn check_registered_types(claims: &Claims) -> Result<(), AuthError> {
    for name in STRING_CLAIMS {
        if claims
            .get(name)
            .is_some_and(|value| !value.is_null() && !value.is_string())
        {
            return Err(AuthError::rejected(format!(
                "the {name} claim has the wrong type"
            )));
        }
    }
    for name in NUMERIC_CLAIMS {
        if claims
            .get(name)
            .is_some_and(|value| !value.is_null() && !value.is_number())
        {
            return Err(AuthError::rejected(format!(
                "the {name} claim has the wrong type"
            )));
        }
    }
    Ok(())
}

/// Whether a verification failure may be due to trying the wrong key of a set.
pub(crate) fn is_key_mismatch(kind: &JwtErrorKind) -> bool {
    matches!(
        kind,
        JwtErrorKind::InvalidSignature
            | JwtErrorKind::InvalidRsaKey(_)
            | JwtErrorKind::InvalidEcdsaKey
            | JwtErrorKind::InvalidEddsaKey
            | JwtErrorKind::InvalidKeyFormat
            | JwtErrorKind::InvalidAlgorithm
    )
}

/// The rejection for a token `jsonwebtoken` refused after its signature was checked.
pub(crate) fn rejection(kind: &JwtErrorKind) -> AuthError {
    let message = match kind {
        JwtErrorKind::ExpiredSignature => "the token has expired".to_owned(),
        JwtErrorKind::ImmatureSignature => "the token is not valid yet".to_owned(),
        JwtErrorKind::InvalidIssuer => "the token has the wrong issuer".to_owned(),
        JwtErrorKind::InvalidAudience => "the token has the wrong audience".to_owned(),
        JwtErrorKind::MissingRequiredClaim(name) => {
            format!("the token lacks the required claim {name}")
        }
        JwtErrorKind::InvalidClaimFormat(name) => format!("the {name} claim has the wrong type"),
        JwtErrorKind::Json(_) | JwtErrorKind::Utf8(_) | JwtErrorKind::Base64(_) => {
            "the token's claims are not a JSON object".to_owned()
        }
        _ if is_key_mismatch(kind) => "the token's signature is invalid".to_owned(),
        _ => "the token is invalid".to_owned(),
    };
    AuthError::rejected(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_need_an_algorithm() {
        assert!(matches!(Rules::new([]), Err(JwtError::NoAlgorithms)));
    }

    #[test]
    fn rules_refuse_hmac_mixed_with_public_keys() {
        assert!(matches!(
            Rules::new([Algorithm::RS256, Algorithm::HS256]),
            Err(JwtError::MixedAlgorithmFamilies)
        ));
        assert!(Rules::new([Algorithm::RS256, Algorithm::ES256, Algorithm::EdDSA]).is_ok());
    }

    #[test]
    fn rules_allow_only_listed_algorithms() {
        let rules = Rules::new([Algorithm::RS256, Algorithm::RS256]).unwrap();

        assert!(rules.for_algorithm(Algorithm::RS256).is_some());
        assert!(rules.for_algorithm(Algorithm::RS384).is_none());
        assert_eq!(rules.algorithms().count(), 1);
    }

    #[test]
    fn configured_issuer_and_audience_become_required() {
        let mut rules = Rules::new([Algorithm::ES256]).unwrap();
        rules.add_issuer("https://issuer.example".to_owned());
        rules.add_audience("api".to_owned());

        let validation = rules.for_algorithm(Algorithm::ES256).unwrap();

        assert!(validation.required_spec_claims.contains("iss"));
        assert!(validation.required_spec_claims.contains("aud"));
        assert!(validation.validate_aud && validation.validate_nbf && validation.validate_exp);
    }

    #[test]
    fn registered_claims_of_another_type_are_refused() {
        let wrong = [
            serde_json::json!({ "iss": ["https://other.example", "https://issuer.example"] }),
            serde_json::json!({ "iss": 1 }),
            serde_json::json!({ "sub": ["ada"] }),
            serde_json::json!({ "jti": {} }),
            serde_json::json!({ "exp": "9999999999" }),
            serde_json::json!({ "nbf": [0] }),
            serde_json::json!({ "iat": true }),
        ];
        for claims in wrong {
            let claims = Claims::from_json(claims.clone()).unwrap();
            assert!(check_registered_types(&claims).is_err(), "{claims:?}");
        }

        let right = serde_json::json!({
            "iss": "https://issuer.example", "sub": "ada", "jti": "1",
            "exp": 1, "nbf": 0.5, "iat": null, "aud": ["a", "b"],
        });
        assert!(check_registered_types(&Claims::from_json(right).unwrap()).is_ok());
    }

    #[test]
    fn other_required_claims_are_checked_on_the_claims() {
        let mut rules = Rules::new([Algorithm::HS256]).unwrap();
        rules.require("tenant".to_owned());
        let with = Claims::from_json(serde_json::json!({ "tenant": "t1" })).unwrap();
        let null = Claims::from_json(serde_json::json!({ "tenant": null })).unwrap();

        assert!(rules.check_required(&with).is_ok());
        assert!(rules.check_required(&null).is_err());
    }
}
