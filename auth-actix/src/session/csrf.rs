//! Synchronizer tokens against cross-site request forgery.

use actix_session::Session;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use subtle::ConstantTimeEq as _;

use super::{SessionError, CSRF_KEY};
use crate::TARGET;

/// How many random bytes a token holds.
const TOKEN_BYTES: usize = 32;

/// The session's CSRF token, created on first use, to put in a form's hidden field.
///
/// The token is random (256 bits), kept in the session and the same for every form of the
/// session until [`login`](super::SessionBackend::login) replaces it. Check it on submission
/// with [`verify_csrf`].
///
/// # Errors
///
/// [`SessionError::Random`] when the system's random source fails, and
/// [`SessionError::Insert`] when the session refuses the token; both render as 500.
///
/// # Examples
///
/// ```
/// use actix_web::HttpResponse;
/// use auth_actix::session::{csrf_token, Session, SessionError};
///
/// async fn form(session: Session) -> Result<HttpResponse, SessionError> {
///     let token = csrf_token(&session)?;
///     Ok(HttpResponse::Ok().content_type("text/html").body(format!(
///         r#"<form method="post"><input type="hidden" name="csrf" value="{token}">...</form>"#
///     )))
/// }
/// ```
pub fn csrf_token(session: &Session) -> Result<String, SessionError> {
    if let Ok(Some(token)) = session.get::<String>(CSRF_KEY) {
        if !token.is_empty() {
            return Ok(token);
        }
    }

    let mut bytes = [0; TOKEN_BYTES];
    getrandom::fill(&mut bytes).map_err(SessionError::Random)?;
    let token = URL_SAFE_NO_PAD.encode(bytes);
    session.insert(CSRF_KEY, &token)?;
    Ok(token)
}

/// Checks a submitted CSRF token against the session's, in constant time.
///
/// Call it first in every state-changing handler of a cookie-authenticated application,
/// before reading anything else of the form.
///
/// # Errors
///
/// [`SessionError::CsrfMissing`] when the form or the session holds no token, and
/// [`SessionError::CsrfMismatch`] when they differ; both render as 403.
///
/// # Examples
///
/// ```
/// use actix_web::{web, HttpResponse};
/// use auth_actix::session::{verify_csrf, Session, SessionError};
///
/// #[derive(serde::Deserialize)]
/// struct Form {
///     csrf: String,
/// }
///
/// async fn delete_account(
///     session: Session,
///     form: web::Form<Form>,
/// ) -> Result<HttpResponse, SessionError> {
///     verify_csrf(&session, &form.csrf)?;
///     Ok(HttpResponse::NoContent().finish())
/// }
/// ```
pub fn verify_csrf(session: &Session, submitted: &str) -> Result<(), SessionError> {
    let expected = session.get::<String>(CSRF_KEY).ok().flatten();
    let expected = expected.filter(|token| !token.is_empty());

    let result = match expected {
        None => Err(SessionError::CsrfMissing),
        Some(_) if submitted.is_empty() => Err(SessionError::CsrfMissing),
        Some(expected) if bool::from(expected.as_bytes().ct_eq(submitted.as_bytes())) => Ok(()),
        Some(_) => Err(SessionError::CsrfMismatch),
    };
    if let Err(err) = &result {
        tracing::info!(target: TARGET, error = %err, "CSRF check failed");
    }
    result
}

#[cfg(test)]
mod tests {
    use actix_session::SessionExt as _;
    use actix_web::test::TestRequest;

    use super::*;

    fn session() -> Session {
        TestRequest::default().to_http_request().get_session()
    }

    #[test]
    fn csrf_token_is_random_and_stable_within_a_session() {
        let (first, second) = (session(), session());

        let token = csrf_token(&first).unwrap();

        assert_eq!(token.len(), 43);
        assert_eq!(csrf_token(&first).unwrap(), token);
        assert_ne!(csrf_token(&second).unwrap(), token);
    }

    #[test]
    fn csrf_verify_accepts_the_issued_token() {
        let session = session();
        let token = csrf_token(&session).unwrap();

        assert!(verify_csrf(&session, &token).is_ok());
    }

    #[test]
    fn csrf_verify_refuses_missing_and_wrong_tokens() {
        let session = session();

        assert!(matches!(
            verify_csrf(&session, "anything"),
            Err(SessionError::CsrfMissing)
        ));

        let token = csrf_token(&session).unwrap();
        let mut wrong = token.clone();
        wrong.replace_range(..1, if token.starts_with('A') { "B" } else { "A" });

        assert!(matches!(
            verify_csrf(&session, ""),
            Err(SessionError::CsrfMissing)
        ));
        assert!(matches!(
            verify_csrf(&session, &wrong),
            Err(SessionError::CsrfMismatch)
        ));
        assert!(matches!(
            verify_csrf(&session, &token[1..]),
            Err(SessionError::CsrfMismatch)
        ));
    }
}
