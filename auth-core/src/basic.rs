//! HTTP Basic authentication (RFC 7617).
//!
//! [`BasicBackend`] parses the `Authorization: Basic ...` header and hands the username and
//! password to a [`BasicVerifier`] that the application implements (against a database, a
//! file, a directory service).

use std::fmt;
use std::future::Future;

use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine as _;

use crate::{AuthError, Authenticated, AuthenticationBackend, Challenge, RequestView};

/// The message of every malformed Basic header, as Starlette words it.
pub const INVALID_BASIC_CREDENTIALS: &str = "Invalid basic auth credentials";

// Standard alphabet; padding optional, since many clients strip it.
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// A username and password taken from a Basic header.
///
/// Its `Debug` output never shows the password.
#[derive(Clone, PartialEq, Eq)]
pub struct BasicCredentials {
    username: String,
    password: String,
}

impl BasicCredentials {
    /// Decodes the credentials part of a Basic header (what follows `Basic `).
    ///
    /// The value is base64 (padding optional) of UTF-8 text `username:password`; the
    /// username ends at the first colon, so passwords may hold colons.
    ///
    /// # Errors
    ///
    /// A [`Malformed`](crate::ErrorKind::Malformed) error for bad base64, text that is not
    /// UTF-8, or a missing colon.
    ///
    /// # Examples
    ///
    /// ```
    /// use auth_core::basic::BasicCredentials;
    ///
    /// let credentials = BasicCredentials::decode(b"dG9tY2hyaXN0aWU6ZXhhbXBsZQ==").unwrap();
    /// assert_eq!(credentials.username(), "tomchristie");
    /// assert_eq!(credentials.password(), "example");
    /// assert!(BasicCredentials::decode(b"foobar").is_err());
    /// ```
    pub fn decode(encoded: &[u8]) -> Result<Self, AuthError> {
        let invalid = || AuthError::malformed(INVALID_BASIC_CREDENTIALS);

        let decoded = BASE64.decode(encoded).map_err(|_| invalid())?;
        let text = String::from_utf8(decoded).map_err(|_| invalid())?;
        let colon = text.find(':').ok_or_else(invalid)?;

        let password = text[colon + 1..].to_owned();
        let mut username = text;
        username.truncate(colon);
        Ok(Self { username, password })
    }

    /// The username, everything before the first colon.
    pub fn username(&self) -> &str {
        &self.username
    }

    /// The password, everything after the first colon.
    pub fn password(&self) -> &str {
        &self.password
    }
}

impl fmt::Debug for BasicCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BasicCredentials")
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .finish()
    }
}

/// Checks a username and password, implemented by the application.
pub trait BasicVerifier {
    /// The user type produced for valid credentials.
    type User;

    /// Answers the user and its scopes for valid credentials, `Ok(None)` for wrong ones.
    ///
    /// Return an [`unavailable`](AuthError::unavailable) error when the user store cannot be
    /// reached. To keep wrong usernames and wrong passwords indistinguishable by timing, do
    /// the same password work for an unknown user as for a known one.
    fn verify(
        &self,
        credentials: &BasicCredentials,
    ) -> impl Future<Output = Result<Option<Authenticated<Self::User>>, AuthError>>;
}

/// An authentication backend for `Authorization: Basic ...` headers.
///
/// - no header, or another scheme: "not mine";
/// - undecodable credentials or several `Authorization` headers: 400;
/// - credentials the verifier refuses: 401 with `Basic realm="...", charset="UTF-8"`.
///
/// # Examples
///
/// ```
/// use auth_core::basic::{BasicBackend, BasicCredentials, BasicVerifier};
/// use auth_core::{AuthError, Authenticated, Credentials, SimpleUser};
///
/// struct OnePassword;
///
/// impl BasicVerifier for OnePassword {
///     type User = SimpleUser;
///
///     async fn verify(
///         &self,
///         credentials: &BasicCredentials,
///     ) -> Result<Option<Authenticated<SimpleUser>>, AuthError> {
///         let ok = credentials.username() == "admin" && credentials.password() == "hunter2";
///         Ok(ok.then(|| {
///             Authenticated::new(SimpleUser::new("admin"), Credentials::from_iter(["admin"]))
///         }))
///     }
/// }
///
/// let backend = BasicBackend::new(OnePassword).realm("staff");
/// # let _ = backend;
/// ```
pub struct BasicBackend<V> {
    verifier: V,
    realm: String,
}

impl<V: BasicVerifier> BasicBackend<V> {
    /// A Basic backend checking credentials with `verifier`, in the realm `"Restricted"`.
    pub fn new(verifier: V) -> Self {
        Self {
            verifier,
            realm: "Restricted".to_owned(),
        }
    }

    /// Sets the realm named in the challenge.
    pub fn realm(mut self, realm: impl Into<String>) -> Self {
        self.realm = realm.into();
        self
    }

    /// The verifier this backend asks.
    pub fn verifier(&self) -> &V {
        &self.verifier
    }
}

impl<V: BasicVerifier> AuthenticationBackend for BasicBackend<V> {
    type User = V::User;

    fn name(&self) -> &'static str {
        "basic"
    }

    fn challenge(&self) -> Option<Challenge> {
        Some(
            Challenge::new("Basic")
                .param("realm", &self.realm)
                .param("charset", "UTF-8"),
        )
    }

    async fn authenticate(
        &self,
        request: &RequestView<'_>,
    ) -> Result<Option<Authenticated<V::User>>, AuthError> {
        let Some(encoded) = request.authorization("Basic")? else {
            return Ok(None);
        };
        let credentials = BasicCredentials::decode(encoded)?;

        match self.verifier.verify(&credentials).await? {
            Some(found) => Ok(Some(found)),
            None => Err(AuthError::rejected("Invalid username or password")),
        }
    }
}

impl<V> fmt::Debug for BasicBackend<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BasicBackend")
            .field("realm", &self.realm)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use futures_util::FutureExt;

    use super::*;
    use crate::{Credentials, ErrorKind, HeaderList, SimpleUser};

    struct Fixed;

    impl BasicVerifier for Fixed {
        type User = SimpleUser;

        async fn verify(
            &self,
            credentials: &BasicCredentials,
        ) -> Result<Option<Authenticated<SimpleUser>>, AuthError> {
            let ok = credentials.username() == "ada" && credentials.password() == "p:w";
            Ok(ok.then(|| Authenticated::new(SimpleUser::new("ada"), Credentials::none())))
        }
    }

    fn authenticate(
        headers: &[(&str, &str)],
    ) -> Result<Option<Authenticated<SimpleUser>>, AuthError> {
        let headers = HeaderList::new(headers.iter().copied());
        let request = RequestView::new("GET", "/", "", &headers);
        BasicBackend::new(Fixed)
            .authenticate(&request)
            .now_or_never()
            .expect("the verifier never waits")
    }

    fn encode(raw: &str) -> String {
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(raw)
        )
    }

    #[test]
    fn basic_password_may_contain_colons() {
        let found = authenticate(&[("authorization", &encode("ada:p:w"))]).unwrap();

        assert_eq!(found.unwrap().user.username(), "ada");
    }

    #[test]
    fn basic_accepts_unpadded_base64() {
        let header = encode("ada:p:w");
        let unpadded = header.trim_end_matches('=');

        assert!(authenticate(&[("authorization", unpadded)])
            .unwrap()
            .is_some());
    }

    #[test]
    fn basic_absent_or_other_scheme_is_not_mine() {
        assert!(authenticate(&[]).unwrap().is_none());
        assert!(authenticate(&[("authorization", "Bearer abc")])
            .unwrap()
            .is_none());
    }

    #[test]
    fn basic_malformed_values_are_400() {
        let no_colon = encode("ada");
        let not_utf8 = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode([0xff, b':', b'x'])
        );
        for value in [
            "basic foobar",
            "Basic YT pi",
            "Basic ####",
            &no_colon,
            &not_utf8,
        ] {
            let err = authenticate(&[("authorization", value)]).unwrap_err();

            assert_eq!(err.kind(), ErrorKind::Malformed, "{value}");
            assert_eq!(err.message(), INVALID_BASIC_CREDENTIALS);
        }
    }

    #[test]
    fn basic_wrong_password_is_rejected() {
        let err = authenticate(&[("authorization", &encode("ada:nope"))]).unwrap_err();

        assert_eq!(err.kind(), ErrorKind::Rejected);
    }

    #[test]
    fn basic_credentials_debug_hides_the_password() {
        let credentials = BasicCredentials::decode(b"YWRhOnNlY3JldA==").unwrap();

        assert!(!format!("{credentials:?}").contains("secret"));
    }
}
