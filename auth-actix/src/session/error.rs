//! What the session helpers answer when they cannot do their work.

use std::fmt;

use actix_session::SessionInsertError;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};

/// Why a session helper refused: a CSRF check failed (403), or the session could not be
/// written (500).
///
/// It is an actix `ResponseError`, so a handler can return it with `?`.
#[derive(Debug)]
#[non_exhaustive]
pub enum SessionError {
    /// The form or the session holds no CSRF token (403).
    CsrfMissing,
    /// The form's CSRF token is not the session's (403).
    CsrfMismatch,
    /// `login` was given a user that is not authenticated (500).
    Anonymous,
    /// The system's random source failed (500).
    Random(getrandom::Error),
    /// The session refused a value (500).
    Insert(SessionInsertError),
}

impl fmt::Display for SessionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SessionError::CsrfMissing => f.write_str("missing CSRF token"),
            SessionError::CsrfMismatch => f.write_str("invalid CSRF token"),
            SessionError::Anonymous => f.write_str("cannot log a session in as the anonymous user"),
            SessionError::Random(_) => f.write_str("no random bytes for a CSRF token"),
            SessionError::Insert(_) => f.write_str("the session refused a value"),
        }
    }
}

impl std::error::Error for SessionError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SessionError::Random(err) => Some(err),
            SessionError::Insert(err) => Some(err),
            _ => None,
        }
    }
}

impl From<SessionInsertError> for SessionError {
    fn from(err: SessionInsertError) -> Self {
        SessionError::Insert(err)
    }
}

impl ResponseError for SessionError {
    fn status_code(&self) -> StatusCode {
        match self {
            SessionError::CsrfMissing | SessionError::CsrfMismatch => StatusCode::FORBIDDEN,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        let body = match status {
            StatusCode::FORBIDDEN => self.to_string(),
            // Internal details stay in the logs.
            _ => "Internal Server Error".to_owned(),
        };
        HttpResponse::build(status)
            .content_type("text/plain; charset=utf-8")
            .body(body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csrf_failures_are_403_with_their_message() {
        for err in [SessionError::CsrfMissing, SessionError::CsrfMismatch] {
            let response = err.error_response();

            assert_eq!(response.status(), StatusCode::FORBIDDEN);
        }
        assert_eq!(SessionError::CsrfMismatch.to_string(), "invalid CSRF token");
    }

    #[test]
    fn other_failures_are_opaque_500s() {
        let response = SessionError::Anonymous.error_response();

        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }
}
