//! Reading JWKS documents (RFC 7517) into key sets.

use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey};
use serde_json::Value;

use super::{JwtError, KeySet, VerifyingKey};

/// The most keys a JWKS document may hold; identity providers publish a handful.
pub const MAX_JWKS_KEYS: usize = 64;

/// Reads a JWKS document, keeping the public signature keys this crate can use.
pub(crate) fn parse(document: &[u8]) -> Result<KeySet, JwtError> {
    let document: Value = serde_json::from_slice(document)
        .map_err(|_| JwtError::document("a JWKS document must be JSON"))?;
    let Some(entries) = document.get("keys").and_then(Value::as_array) else {
        return Err(JwtError::document("a JWKS document needs a `keys` array"));
    };
    if entries.len() > MAX_JWKS_KEYS {
        return Err(JwtError::document(format!(
            "a JWKS document may hold at most {MAX_JWKS_KEYS} keys"
        )));
    }

    let keys: Vec<VerifyingKey> = entries.iter().filter_map(usable_key).collect();
    if keys.is_empty() {
        return Err(JwtError::NoUsableKeys);
    }
    Ok(KeySet::new(keys))
}

/// The verification key of one JWKS entry, or `None` when it is not a usable signature key.
fn usable_key(entry: &Value) -> Option<VerifyingKey> {
    let jwk: Jwk = serde_json::from_value(entry.clone()).ok()?;
    if matches!(
        jwk.common.public_key_use,
        Some(PublicKeyUse::Encryption | PublicKeyUse::Other(_))
    ) {
        return None;
    }

    let implied = implied_algorithm(&jwk.algorithm)?;
    let declared = match jwk.common.key_algorithm {
        Some(declared) => Some(Algorithm::try_from(declared).ok()?),
        None => None,
    };
    // A declared algorithm must agree with the key type, or the key is not trusted at all.
    let algorithm = match (declared, implied) {
        (Some(declared), Implied::Family(family)) if declared.family() != family => return None,
        (Some(declared), Implied::Exact(exact)) if declared != exact => return None,
        (Some(declared), _) => Some(declared),
        (None, Implied::Exact(exact)) => Some(exact),
        (None, Implied::Family(_)) => None,
    };

    let key = DecodingKey::from_jwk(&jwk).ok()?;
    let mut key = VerifyingKey::from_decoding_key(key);
    if let Some(kid) = jwk.common.key_id {
        key = key.with_kid(kid);
    }
    if let Some(algorithm) = algorithm {
        key = key.with_algorithm(algorithm);
    }
    Some(key)
}

/// What the key type alone says about the algorithm.
enum Implied {
    Family(jsonwebtoken::AlgorithmFamily),
    Exact(Algorithm),
}

/// Public signature key types only: no `oct` secrets, no curves this crate cannot verify.
fn implied_algorithm(parameters: &AlgorithmParameters) -> Option<Implied> {
    match parameters {
        AlgorithmParameters::RSA(_) => Some(Implied::Family(jsonwebtoken::AlgorithmFamily::Rsa)),
        AlgorithmParameters::EllipticCurve(ec) => match ec.curve {
            EllipticCurve::P256 => Some(Implied::Exact(Algorithm::ES256)),
            EllipticCurve::P384 => Some(Implied::Exact(Algorithm::ES384)),
            _ => None,
        },
        AlgorithmParameters::OctetKeyPair(okp) => {
            matches!(okp.curve, EllipticCurve::Ed25519).then_some(Implied::Exact(Algorithm::EdDSA))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;

    use super::*;

    fn rsa_entry(extra: Value) -> Value {
        // A well-formed RSA public key (modulus and exponent); never used to verify.
        let modulus = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode([0xab; 256]);
        let mut entry = serde_json::json!({
            "kty": "RSA",
            "n": modulus,
            "e": "AQAB",
        });
        if let (Some(entry), Value::Object(extra)) = (entry.as_object_mut(), extra) {
            entry.extend(extra);
        }
        entry
    }

    fn document(keys: Vec<Value>) -> Vec<u8> {
        serde_json::json!({ "keys": keys }).to_string().into_bytes()
    }

    #[test]
    fn jwks_keeps_signature_keys_with_their_ids() {
        let doc = document(vec![
            rsa_entry(serde_json::json!({ "kid": "a", "use": "sig", "alg": "RS256" })),
            rsa_entry(serde_json::json!({ "kid": "b" })),
        ]);

        let keys = KeySet::from_jwks(&doc).unwrap();

        assert_eq!(keys.len(), 2);
        assert!(keys.knows_kid("a") && keys.knows_kid("b"));
        assert_eq!(
            keys.iter().next().unwrap().algorithm(),
            Some(Algorithm::RS256)
        );
    }

    #[test]
    fn jwks_skips_encryption_secret_and_inconsistent_keys() {
        let doc = document(vec![
            rsa_entry(serde_json::json!({ "kid": "enc", "use": "enc" })),
            rsa_entry(serde_json::json!({ "kid": "oaep", "alg": "RSA-OAEP" })),
            rsa_entry(serde_json::json!({ "kid": "lies", "alg": "HS256" })),
            serde_json::json!({ "kty": "oct", "kid": "secret", "k": "c2VjcmV0" }),
            serde_json::json!({ "kty": "OKP", "crv": "X25519", "kid": "x", "x": "AAAA" }),
            serde_json::json!({ "kty": "RSA", "kid": "broken", "n": 5 }),
            rsa_entry(serde_json::json!({ "kid": "good" })),
        ]);

        let keys = KeySet::from_jwks(&doc).unwrap();

        assert_eq!(keys.len(), 1);
        assert!(keys.knows_kid("good"));
    }

    #[test]
    fn jwks_without_usable_keys_is_an_error() {
        let doc = document(vec![serde_json::json!({ "kty": "oct", "k": "c2VjcmV0" })]);

        assert!(matches!(
            KeySet::from_jwks(&doc),
            Err(JwtError::NoUsableKeys)
        ));
    }

    #[test]
    fn jwks_that_is_not_a_key_set_is_an_error() {
        for doc in [&b"not json"[..], b"{}", br#"{"keys": {}}"#, b"[]"] {
            assert!(
                matches!(KeySet::from_jwks(doc), Err(JwtError::InvalidDocument(_))),
                "{}",
                String::from_utf8_lossy(doc)
            );
        }
    }

    #[test]
    fn jwks_with_too_many_keys_is_an_error() {
        let keys = (0..=MAX_JWKS_KEYS)
            .map(|n| rsa_entry(serde_json::json!({ "kid": n.to_string() })))
            .collect();

        assert!(matches!(
            KeySet::from_jwks(&document(keys)),
            Err(JwtError::InvalidDocument(_))
        ));
    }
}
