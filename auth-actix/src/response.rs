//! The responses of refused requests.

use std::fmt;
use std::sync::Arc;

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, HttpResponseBuilder, ResponseError};
use auth_core::{ChainError, Challenge, Credentials, ErrorKind};

use crate::{Authentication, Policy, TARGET};

/// A backend's error, as handed to the middleware's `on_error` handler.
///
/// Its default response ([`ResponseError::error_response`]) follows the reference table: 400
/// for malformed credentials, 401 with the backend's challenge for wrong ones and 503 when the
/// backend cannot decide, each with the error message as a `text/plain` body.
#[derive(Debug)]
pub struct AuthFailure(pub ChainError);

impl AuthFailure {
    /// The name of the backend that raised the error.
    pub fn backend(&self) -> &'static str {
        self.0.backend()
    }

    /// Which way the backend failed.
    pub fn kind(&self) -> ErrorKind {
        self.0.error().kind()
    }

    /// The client-facing message.
    pub fn message(&self) -> &str {
        self.0.error().message()
    }

    /// The challenge to send with a 401, if the backend has one.
    pub fn challenge(&self) -> Option<&Challenge> {
        self.0.error().challenge()
    }
}

impl fmt::Display for AuthFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.0.error(), f)
    }
}

impl std::error::Error for AuthFailure {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

impl ResponseError for AuthFailure {
    fn status_code(&self) -> StatusCode {
        match self.kind() {
            ErrorKind::Malformed => StatusCode::BAD_REQUEST,
            ErrorKind::Rejected => StatusCode::UNAUTHORIZED,
            ErrorKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status_code());
        if let Some(challenge) = self.challenge() {
            append_challenge(&mut response, challenge);
        }
        text(response, self.message().to_owned())
    }
}

/// Why a guard or an extractor refused a request; it renders as the matching response.
///
/// Guards answer 401 (with the chain's challenges) for anonymous requests, 403 for users that
/// lack a scope (with an `insufficient_scope` challenge for bearer users), a 303 redirect to
/// the login page for anonymous browsers, or the guard's own status code. A missing
/// middleware is a 500, never a pass.
pub struct Denied {
    reason: Reason,
}

enum Reason {
    Unauthorized(Arc<[Challenge]>),
    Forbidden(Option<Challenge>),
    /// A bearer user lacking scopes: 403 with an `insufficient_scope` challenge, which is
    /// written only if the response is (the guard's decision itself allocates nothing).
    InsufficientScope(Policy, Credentials),
    Status(StatusCode),
    Redirect(String),
    BadRequest(&'static str),
    Internal,
}

impl Denied {
    /// An anonymous request where a user is required: 401 with the chain's challenges.
    pub(crate) fn anonymous(auth: &Authentication) -> Self {
        Self::new(Reason::Unauthorized(Arc::clone(&auth.challenges)))
    }

    /// An authenticated user without a required scope: 403.
    pub(crate) fn forbidden(insufficient: Option<Challenge>) -> Self {
        Self::new(Reason::Forbidden(insufficient))
    }

    pub(crate) fn insufficient_scope(policy: Policy, credentials: Credentials) -> Self {
        Self::new(Reason::InsufficientScope(policy, credentials))
    }

    /// A guard's own status code; a 401 still carries the chain's challenges.
    pub(crate) fn status(code: u16, auth: &Authentication) -> Self {
        match StatusCode::from_u16(code) {
            Ok(StatusCode::UNAUTHORIZED) => Self::anonymous(auth),
            Ok(status) if status.is_client_error() || status.is_server_error() => {
                Self::new(Reason::Status(status))
            }
            // The macro only lets 400-599 through; anything else fails closed.
            _ => Self::new(Reason::Internal),
        }
    }

    /// A 303 to `location`, which the caller built from a local path.
    pub(crate) fn redirect(location: String) -> Self {
        Self::new(Reason::Redirect(location))
    }

    pub(crate) fn bad_request(message: &'static str) -> Self {
        Self::new(Reason::BadRequest(message))
    }

    /// A server-side mistake the caller has already logged: 500.
    pub(crate) fn internal() -> Self {
        Self::new(Reason::Internal)
    }

    pub(crate) fn missing_middleware() -> Self {
        tracing::error!(
            target: TARGET,
            "AuthenticationMiddleware is not installed in front of a guarded handler or auth extractor; \
             refusing the request"
        );
        Self::internal()
    }

    pub(crate) fn user_type_mismatch<U>() -> Self {
        tracing::error!(
            target: TARGET,
            user_type = std::any::type_name::<U>(),
            "a user extractor or object check asks for a user type the authentication chain \
             does not produce; refusing the request"
        );
        Self::internal()
    }

    fn new(reason: Reason) -> Self {
        Self { reason }
    }
}

impl fmt::Debug for Denied {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Denied").field(&self.status_code()).finish()
    }
}

impl fmt::Display for Denied {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.reason {
            Reason::BadRequest(message) => f.write_str(message),
            _ => f.write_str(
                self.status_code()
                    .canonical_reason()
                    .unwrap_or("Request refused"),
            ),
        }
    }
}

impl std::error::Error for Denied {}

impl ResponseError for Denied {
    fn status_code(&self) -> StatusCode {
        match &self.reason {
            Reason::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Reason::Forbidden(_) | Reason::InsufficientScope(..) => StatusCode::FORBIDDEN,
            Reason::Status(status) => *status,
            Reason::Redirect(_) => StatusCode::SEE_OTHER,
            Reason::BadRequest(_) => StatusCode::BAD_REQUEST,
            Reason::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status_code());
        match &self.reason {
            Reason::Unauthorized(challenges) => {
                for challenge in challenges.iter() {
                    append_challenge(&mut response, challenge);
                }
            }
            Reason::Forbidden(Some(challenge)) => append_challenge(&mut response, challenge),
            Reason::InsufficientScope(policy, credentials) => {
                append_challenge(&mut response, &policy.insufficient_scope(credentials));
            }
            Reason::Redirect(location) => {
                return response
                    .insert_header((header::LOCATION, location.as_str()))
                    .finish();
            }
            _ => {}
        }
        // The reason phrase is static: the body is not copied.
        let body = match self.reason {
            Reason::BadRequest(message) => message,
            _ => self
                .status_code()
                .canonical_reason()
                .unwrap_or("Request refused"),
        };
        response.content_type(mime_text_plain()).body(body)
    }
}

fn append_challenge(response: &mut HttpResponseBuilder, challenge: &Challenge) {
    // Challenge values are built from escaped, control-free text, so this cannot fail; if it
    // ever did, the challenge is left out rather than the request let through.
    if let Ok(value) = HeaderValue::from_str(challenge.value()) {
        response.append_header((header::WWW_AUTHENTICATE, value));
    }
}

fn text(mut response: HttpResponseBuilder, body: String) -> HttpResponse {
    response.content_type(mime_text_plain()).body(body)
}

fn mime_text_plain() -> HeaderValue {
    HeaderValue::from_static("text/plain; charset=utf-8")
}
