//! What a backend answers when credentials of its kind are present but unusable.

use std::borrow::Cow;
use std::error::Error as StdError;
use std::fmt;

use crate::Challenge;

/// Which way a backend failed; each kind maps to one HTTP status in the adapters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Credentials of this backend's kind are present but cannot be parsed (400).
    Malformed,
    /// Credentials parse but are wrong: bad password, bad signature, expired (401).
    Rejected,
    /// The backend cannot decide: its store is down, it timed out or it panicked (503).
    Unavailable,
}

/// An authentication failure raised by a backend.
///
/// Its message is sent to the client as the response body, so it must never contain the
/// credential itself; the optional source is logged, never sent.
///
/// # Examples
///
/// ```
/// use auth_core::{AuthError, Challenge, ErrorKind};
///
/// let err = AuthError::rejected("token expired")
///     .with_challenge(Challenge::new("Bearer").param("error", "invalid_token"));
/// assert_eq!(err.kind(), ErrorKind::Rejected);
/// assert_eq!(err.to_string(), "token expired");
/// ```
pub struct AuthError {
    kind: ErrorKind,
    message: Cow<'static, str>,
    challenge: Option<Challenge>,
    source: Option<Box<dyn StdError + Send + Sync>>,
}

impl AuthError {
    /// Credentials of this kind are present but malformed.
    pub fn malformed(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorKind::Malformed, message)
    }

    /// Credentials are well-formed but wrong.
    pub fn rejected(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorKind::Rejected, message)
    }

    /// The backend cannot decide, for instance because its database is unreachable.
    pub fn unavailable(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorKind::Unavailable, message)
    }

    /// An error of the given kind with this client-facing message.
    pub fn new(kind: ErrorKind, message: impl Into<Cow<'static, str>>) -> Self {
        Self {
            kind,
            message: message.into(),
            challenge: None,
            source: None,
        }
    }

    /// Replaces the backend's default challenge for this one answer (e.g. an RFC 6750 error).
    pub fn with_challenge(mut self, challenge: Challenge) -> Self {
        self.challenge = Some(challenge);
        self
    }

    /// Attaches the underlying cause, which is logged but never sent to the client.
    pub fn with_source(mut self, source: impl StdError + Send + Sync + 'static) -> Self {
        self.source = Some(Box::new(source));
        self
    }

    /// Which way the backend failed.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The client-facing message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The challenge chosen for this answer, if the backend set one.
    pub fn challenge(&self) -> Option<&Challenge> {
        self.challenge.as_ref()
    }

    pub(crate) fn fill_challenge(&mut self, default: Option<&Challenge>) {
        if self.challenge.is_none() {
            self.challenge = default.cloned();
        }
    }
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Debug for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthError")
            .field("kind", &self.kind)
            .field("message", &self.message)
            .field("challenge", &self.challenge)
            .field("source", &self.source)
            .finish()
    }
}

impl StdError for AuthError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_deref()
            .map(|source| source as &(dyn StdError + 'static))
    }
}
