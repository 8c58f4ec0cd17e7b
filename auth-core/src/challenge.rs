//! `WWW-Authenticate` challenges.

use std::fmt;

/// One `WWW-Authenticate` challenge (RFC 7235), such as `Basic realm="demo"`.
///
/// The header value is rendered once, when the challenge is built, so that answering a 401
/// costs no formatting per request.
///
/// # Examples
///
/// ```
/// use auth_core::Challenge;
///
/// let challenge = Challenge::new("Basic")
///     .param("realm", "my \"app\"")
///     .param("charset", "UTF-8");
/// assert_eq!(challenge.scheme(), "Basic");
/// assert_eq!(challenge.value(), r#"Basic realm="my \"app\"", charset="UTF-8""#);
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Challenge {
    scheme: &'static str,
    value: String,
    has_params: bool,
}

impl Challenge {
    /// A challenge for this authentication scheme, without parameters yet.
    pub fn new(scheme: &'static str) -> Self {
        Self {
            scheme,
            value: scheme.to_owned(),
            has_params: false,
        }
    }

    /// Adds an `auth-param` whose value is sent as a quoted string.
    ///
    /// Quotes and backslashes are escaped; control characters are dropped, so a parameter
    /// can never break the header apart.
    pub fn param(mut self, name: &str, value: &str) -> Self {
        self.value
            .push_str(if self.has_params { ", " } else { " " });
        self.value.push_str(name);
        self.value.push_str("=\"");
        for ch in value.chars().filter(|ch| !ch.is_control()) {
            if ch == '"' || ch == '\\' {
                self.value.push('\\');
            }
            self.value.push(ch);
        }
        self.value.push('"');
        self.has_params = true;
        self
    }

    /// The authentication scheme, such as `Basic` or `Bearer`.
    pub fn scheme(&self) -> &'static str {
        self.scheme
    }

    /// Whether this is a `Bearer` challenge (RFC 6750), compared case-insensitively.
    pub fn is_bearer(&self) -> bool {
        self.scheme.eq_ignore_ascii_case("bearer")
    }

    /// The whole header value.
    pub fn value(&self) -> &str {
        &self.value
    }
}

impl fmt::Display for Challenge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.value)
    }
}

impl fmt::Debug for Challenge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Challenge").field(&self.value).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenge_without_params_is_the_scheme() {
        assert_eq!(Challenge::new("Bearer").value(), "Bearer");
    }

    #[test]
    fn challenge_params_cannot_inject_headers() {
        let challenge = Challenge::new("Basic").param("realm", "a\r\nSet-Cookie: x=1");

        assert_eq!(challenge.value(), r#"Basic realm="aSet-Cookie: x=1""#);
    }

    #[test]
    fn bearer_is_recognised_case_insensitively() {
        assert!(Challenge::new("bearer").is_bearer());
        assert!(!Challenge::new("Basic").is_bearer());
    }
}
