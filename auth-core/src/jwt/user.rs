//! Turning verified claims into the application's user.

use super::Claims;
use crate::{AuthError, SimpleUser};

/// Builds the application's user from the claims of a verified token.
///
/// Any `Fn(&Claims) -> Result<U, AuthError>` is a mapper; [`SubjectUser`] is the ready-made
/// one. Return a [`rejected`](AuthError::rejected) error for claims that do not make a user
/// (the client gets 401 `invalid_token` with the message), an
/// [`unavailable`](AuthError::unavailable) one when a store the mapping needs is down.
///
/// # Examples
///
/// ```
/// use auth_core::jwt::{Claims, ClaimsMapper};
/// use auth_core::AuthError;
///
/// #[derive(Clone, Debug)]
/// struct Member {
///     id: String,
///     tenant: String,
/// }
///
/// let mapper = |claims: &Claims| -> Result<Member, AuthError> {
///     let id = claims.subject().ok_or_else(|| AuthError::rejected("no subject"))?;
///     let tenant = claims.string("tenant").ok_or_else(|| AuthError::rejected("no tenant"))?;
///     Ok(Member { id: id.to_owned(), tenant: tenant.to_owned() })
/// };
///
/// let claims = Claims::from_json(serde_json::json!({ "sub": "ada", "tenant": "t1" })).unwrap();
/// assert_eq!(mapper.map(&claims).unwrap().tenant, "t1");
/// ```
pub trait ClaimsMapper {
    /// The user type produced.
    type User;

    /// The user the claims stand for.
    ///
    /// # Errors
    ///
    /// Whatever keeps the claims from making a user; see the trait documentation.
    fn map(&self, claims: &Claims) -> Result<Self::User, AuthError>;
}

impl<U, F> ClaimsMapper for F
where
    F: Fn(&Claims) -> Result<U, AuthError>,
{
    type User = U;

    fn map(&self, claims: &Claims) -> Result<U, AuthError> {
        self(claims)
    }
}

/// Maps a token to a [`SimpleUser`] named after its subject (`sub`).
///
/// A token without a non-empty string `sub` is rejected.
///
/// # Examples
///
/// ```
/// use auth_core::jwt::{Claims, ClaimsMapper, SubjectUser};
///
/// let claims = Claims::from_json(serde_json::json!({ "sub": "ada" })).unwrap();
/// assert_eq!(SubjectUser.map(&claims).unwrap().username(), "ada");
///
/// let anonymous = Claims::from_json(serde_json::json!({})).unwrap();
/// assert!(SubjectUser.map(&anonymous).is_err());
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct SubjectUser;

impl ClaimsMapper for SubjectUser {
    type User = SimpleUser;

    fn map(&self, claims: &Claims) -> Result<SimpleUser, AuthError> {
        match claims.subject() {
            Some(subject) if !subject.is_empty() => Ok(SimpleUser::new(subject)),
            _ => Err(AuthError::rejected("the token has no subject")),
        }
    }
}
