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

/// The longest base64 credentials accepted, 8 KiB: room for a long token used as a password,
/// while a larger value is refused before it is decoded or handed to a password hash.
pub const MAX_BASIC_CREDENTIALS_LEN: usize = 8 * 1024;

// Standard alphabet; padding optional, since many clients strip it.
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// A username and password taken from a Basic header.
///
/// Its `Debug` output never shows the password. It does not implement `PartialEq`: comparing
/// passwords with `==` leaks through timing how much of a guess was right, so passwords are
/// checked by a [`BasicVerifier`] (the `password` feature's argon2 verifier, for one).
///
/// ```compile_fail
/// # use auth_core::basic::BasicCredentials;
/// let given = BasicCredentials::decode(b"YWxpY2U6c2VjcmV0").unwrap();
/// let _ = given == given.clone();
/// ```
#[derive(Clone)]
pub struct BasicCredentials {
    username: String,
    password: String,
}

impl BasicCredentials {
    /// Decodes the credentials part of a Basic header (what follows `Basic `).
    ///
    /// The value is base64 (padding optional) of UTF-8 text `username:password`; the
    /// username ends at the first colon, so passwords may hold colons. Either part may be
    /// empty: RFC 7617 allows it, and the verifier refuses what it does not know.
    ///
    /// # Errors
    ///
    /// A [`Malformed`](crate::ErrorKind::Malformed) error for bad base64 (whitespace inside
    /// included), text that is not UTF-8, a missing colon, or more than
    /// [`MAX_BASIC_CREDENTIALS_LEN`] bytes.
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
        if encoded.len() > MAX_BASIC_CREDENTIALS_LEN {
            return Err(invalid());
        }

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
/// - the scheme in any case, followed by spaces or tabs: accepted (RFC 7235 asks for one
///   space; being lenient here lets nothing through that the verifier has not checked);
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
    fn basic_accepts_tabs_and_extra_spaces_after_the_scheme() {
        let token = &encode("ada:p:w")["Basic ".len()..];

        for value in [
            format!("Basic  {token}"),
            format!("Basic\t{token}"),
            format!("basic \t \t{token}"),
            format!("BASIC {token}\t "),
        ] {
            let found = authenticate(&[("authorization", &value)]).unwrap();

            assert!(found.is_some(), "{value:?}");
        }
    }

    #[test]
    fn basic_whitespace_inside_the_base64_is_400() {
        let token = &encode("ada:p:w")["Basic ".len()..];
        let (head, tail) = token.split_at(4);

        for value in [
            format!("Basic {head} {tail}"),
            format!("Basic {head}\t{tail}"),
            format!("Basic {head}  {tail}"),
        ] {
            let err = authenticate(&[("authorization", &value)]).unwrap_err();

            assert_eq!(err.kind(), ErrorKind::Malformed, "{value:?}");
        }
    }

    #[test]
    fn basic_padding_may_be_present_short_or_absent_but_not_misplaced() {
        // "ada:p:w" is 7 bytes: two padding characters when present.
        let padded = encode("ada:p:w");
        assert!(padded.ends_with("=="));
        let unpadded = padded.trim_end_matches('=');
        let short = format!("{unpadded}=");

        for accepted in [padded.as_str(), unpadded, &short] {
            let found = authenticate(&[("authorization", accepted)]).unwrap();

            assert!(found.is_some(), "{accepted}");
        }
        for wrong in [
            format!("{padded}="),
            format!("Basic ={}", &padded["Basic ".len()..]),
            format!("Basic YWRh={}", &padded["Basic YWRh".len()..]),
        ] {
            let err = authenticate(&[("authorization", &wrong)]).unwrap_err();

            assert_eq!(err.kind(), ErrorKind::Malformed, "{wrong}");
        }
    }

    #[test]
    fn basic_empty_username_or_password_reaches_the_verifier() {
        let empty_username = BasicCredentials::decode(b"OnA6dw==").unwrap();
        let empty_password = BasicCredentials::decode(b"YWRhOg==").unwrap();
        let both_empty = BasicCredentials::decode(b"Og==").unwrap();

        assert_eq!(
            (empty_username.username(), empty_username.password()),
            ("", "p:w")
        );
        assert_eq!(
            (empty_password.username(), empty_password.password()),
            ("ada", "")
        );
        assert_eq!((both_empty.username(), both_empty.password()), ("", ""));
        for raw in [":p:w", "ada:", ":"] {
            let err = authenticate(&[("authorization", &encode(raw))]).unwrap_err();

            assert_eq!(err.kind(), ErrorKind::Rejected, "{raw}");
        }
    }

    #[test]
    fn basic_oversized_credentials_are_400_even_when_valid_base64() {
        let at_limit = format!("ada:{}", "x".repeat(MAX_BASIC_CREDENTIALS_LEN / 4 * 3 - 4));
        let huge = format!("ada:{}", "x".repeat(48 * 1024));
        let huge = encode(&huge);
        assert!(huge.len() > 64 * 1024);

        let err = authenticate(&[("authorization", &huge)]).unwrap_err();

        assert_eq!(err.kind(), ErrorKind::Malformed);
        assert_eq!(err.message(), INVALID_BASIC_CREDENTIALS);
        let at_limit = &encode(&at_limit)["Basic ".len()..];
        assert_eq!(at_limit.len(), MAX_BASIC_CREDENTIALS_LEN);
        assert!(BasicCredentials::decode(at_limit.as_bytes()).is_ok());
    }

    #[test]
    fn basic_credentials_debug_hides_the_password() {
        let credentials = BasicCredentials::decode(b"YWRhOnNlY3JldA==").unwrap();

        assert!(!format!("{credentials:?}").contains("secret"));
    }
}
