//! The claims of a verified token, and the scopes read from them.

use std::fmt;

use serde_json::{Map, Value};

use crate::{AuthError, Credentials};

/// The claims of a token whose signature and registered claims were checked.
///
/// Its `Debug` output lists the claim names only: values may be personal data.
///
/// # Examples
///
/// ```
/// use auth_core::jwt::Claims;
///
/// let claims = Claims::from_json(serde_json::json!({
///     "sub": "ada",
///     "aud": ["api", "admin"],
///     "exp": 1_900_000_000,
/// }))
/// .unwrap();
/// assert_eq!(claims.subject(), Some("ada"));
/// assert_eq!(claims.audiences().collect::<Vec<_>>(), ["api", "admin"]);
/// assert_eq!(claims.expires_at(), Some(1_900_000_000));
/// ```
#[derive(Clone, Default, PartialEq)]
pub struct Claims {
    map: Map<String, Value>,
}

impl Claims {
    /// Claims from a JSON object; `None` for any other JSON value.
    pub fn from_json(value: Value) -> Option<Self> {
        match value {
            Value::Object(map) => Some(Self { map }),
            _ => None,
        }
    }

    pub(crate) fn from_map(map: Map<String, Value>) -> Self {
        Self { map }
    }

    /// The raw value of a claim.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.map.get(name)
    }

    /// A claim's value when it is a string.
    pub fn string(&self, name: &str) -> Option<&str> {
        self.get(name).and_then(Value::as_str)
    }

    /// The subject (`sub`): who the token is about.
    pub fn subject(&self) -> Option<&str> {
        self.string("sub")
    }

    /// The issuer (`iss`).
    pub fn issuer(&self) -> Option<&str> {
        self.string("iss")
    }

    /// The audiences (`aud`), whether the claim is one string or an array of strings.
    pub fn audiences(&self) -> impl Iterator<Item = &str> {
        let (single, many) = match self.get("aud") {
            Some(Value::String(one)) => (Some(one.as_str()), None),
            Some(Value::Array(all)) => (None, Some(all.iter().filter_map(Value::as_str))),
            _ => (None, None),
        };
        single.into_iter().chain(many.into_iter().flatten())
    }

    /// The expiry time (`exp`), in seconds since the Unix epoch.
    pub fn expires_at(&self) -> Option<u64> {
        self.get("exp").and_then(Value::as_u64)
    }

    /// The time the token was issued (`iat`), in seconds since the Unix epoch.
    pub fn issued_at(&self) -> Option<u64> {
        self.get("iat").and_then(Value::as_u64)
    }

    /// The email address (`email`), as OpenID Connect names it.
    pub fn email(&self) -> Option<&str> {
        self.string("email")
    }

    /// Whether a claim is present with a value other than `null`.
    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some_and(|value| !value.is_null())
    }

    /// Every claim, as a JSON object.
    pub fn as_map(&self) -> &Map<String, Value> {
        &self.map
    }
}

impl fmt::Debug for Claims {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Claims")
            .field(&self.map.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// Which claims hold the scopes of a token.
///
/// Each claim may be a space-separated string (OAuth's `scope`, Azure's `scp`) or an array of
/// strings (Okta's `scp`, Auth0's `permissions`); the scopes of every present claim are
/// granted together. A scope claim of any other type (a number, an object, an array holding a
/// non-string, `null`) makes the token invalid: a 401, never a silently empty grant.
///
/// The default reads `scope`, `scp`, `scopes` and `permissions`.
///
/// # Examples
///
/// ```
/// use auth_core::jwt::{Claims, ScopeClaims};
///
/// let claims = Claims::from_json(serde_json::json!({
///     "scope": "notes:read notes:write",
///     "permissions": ["admin"],
/// }))
/// .unwrap();
///
/// let scopes = ScopeClaims::default().read(&claims).unwrap();
/// assert!(scopes.has_all(&["notes:read", "notes:write", "admin"]));
///
/// let only_scope = ScopeClaims::new(["scope"]).read(&claims).unwrap();
/// assert!(!only_scope.contains("admin"));
///
/// let wrong = Claims::from_json(serde_json::json!({ "scope": 42 })).unwrap();
/// assert!(ScopeClaims::default().read(&wrong).is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScopeClaims {
    names: Vec<String>,
}

impl ScopeClaims {
    /// Reads scopes from these claims.
    pub fn new<S: Into<String>>(names: impl IntoIterator<Item = S>) -> Self {
        Self {
            names: names.into_iter().map(Into::into).collect(),
        }
    }

    /// The claim names read, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.names.iter().map(String::as_str)
    }

    /// The scopes granted by `claims`.
    ///
    /// # Errors
    ///
    /// A [`Rejected`](crate::ErrorKind::Rejected) error naming the first scope claim whose
    /// type is wrong.
    pub fn read(&self, claims: &Claims) -> Result<Credentials, AuthError> {
        let mut scopes: Vec<&str> = Vec::new();
        for name in &self.names {
            match claims.get(name) {
                None => {}
                Some(Value::String(list)) => scopes.extend(list.split_ascii_whitespace()),
                Some(Value::Array(items)) => {
                    for item in items {
                        let Some(scope) = item.as_str() else {
                            return Err(wrong_type(name));
                        };
                        scopes.push(scope);
                    }
                }
                Some(_) => return Err(wrong_type(name)),
            }
        }
        Ok(scopes
            .into_iter()
            .filter(|scope| !scope.is_empty())
            .collect())
    }
}

impl Default for ScopeClaims {
    fn default() -> Self {
        Self::new(["scope", "scp", "scopes", "permissions"])
    }
}

fn wrong_type(name: &str) -> AuthError {
    AuthError::rejected(format!(
        "the {name} claim must be a string or an array of strings"
    ))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::ErrorKind;

    fn claims(value: Value) -> Claims {
        Claims::from_json(value).unwrap()
    }

    #[test]
    fn scopes_from_a_space_separated_string() {
        let read = ScopeClaims::default().read(&claims(json!({ "scope": " a  b\tc " })));

        assert_eq!(read.unwrap().iter().collect::<Vec<_>>(), ["a", "b", "c"]);
    }

    #[test]
    fn scopes_from_arrays_and_strings_are_merged() {
        let read = ScopeClaims::default().read(&claims(json!({
            "scp": ["a", "b"],
            "scopes": "c",
            "permissions": ["a", ""],
        })));

        assert_eq!(read.unwrap().iter().collect::<Vec<_>>(), ["a", "b", "c"]);
    }

    #[test]
    fn scope_claims_of_the_wrong_type_are_rejected() {
        for value in [
            json!({ "scope": 1 }),
            json!({ "scp": { "a": true } }),
            json!({ "permissions": ["a", 2] }),
            json!({ "scope": null }),
            json!({ "scopes": true }),
        ] {
            let err = ScopeClaims::default()
                .read(&claims(value.clone()))
                .unwrap_err();

            assert_eq!(err.kind(), ErrorKind::Rejected, "{value}");
        }
    }

    #[test]
    fn claims_that_are_not_configured_are_ignored() {
        let read = ScopeClaims::new(["roles"]).read(&claims(json!({ "scope": 1, "roles": "x" })));

        assert_eq!(read.unwrap().iter().collect::<Vec<_>>(), ["x"]);
    }

    #[test]
    fn no_scope_claim_grants_nothing() {
        let read = ScopeClaims::default().read(&claims(json!({ "sub": "ada" })));

        assert!(read.unwrap().is_empty());
    }

    #[test]
    fn claims_debug_shows_names_only() {
        let debug = format!("{:?}", claims(json!({ "email": "ada@example.com" })));

        assert!(debug.contains("email"));
        assert!(!debug.contains("ada@"));
    }
}
