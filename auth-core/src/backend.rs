//! The trait every authentication backend implements.

use std::future::Future;

use crate::{AuthError, Challenge, Credentials, RequestView};

/// A user and the scopes a backend granted them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Authenticated<U> {
    /// Who the request belongs to.
    pub user: U,
    /// What the request may do.
    pub credentials: Credentials,
}

impl<U> Authenticated<U> {
    /// Pairs a user with the scopes granted to this request.
    pub fn new(user: U, credentials: Credentials) -> Self {
        Self { user, credentials }
    }
}

/// One way of authenticating a request, such as HTTP Basic or a session cookie.
///
/// A backend reads a [`RequestView`] and answers one of three things:
///
/// - `Ok(None)`: "not mine", no credentials of this backend's kind are present, and the chain
///   asks the next backend;
/// - `Ok(Some(authenticated))`: this user, with these scopes, and the chain stops;
/// - `Err(error)`: credentials of this kind are present and malformed, wrong, or cannot be
///   checked right now; the chain stops and the request is refused.
///
/// A backend is built once and shared by every request, so it keeps its own configuration and
/// any shared state (a database pool, a key set) in its fields. Implement
/// [`authenticate`](Self::authenticate) as an `async fn`.
///
/// # Examples
///
/// ```
/// use auth_core::{
///     AuthError, Authenticated, AuthenticationBackend, Challenge, Credentials, RequestView,
///     SimpleUser,
/// };
///
/// struct StaticToken {
///     token: &'static str,
/// }
///
/// impl AuthenticationBackend for StaticToken {
///     type User = SimpleUser;
///
///     fn name(&self) -> &'static str {
///         "static-token"
///     }
///
///     fn challenge(&self) -> Option<Challenge> {
///         Some(Challenge::new("Bearer").param("realm", "api"))
///     }
///
///     async fn authenticate(
///         &self,
///         request: &RequestView<'_>,
///     ) -> Result<Option<Authenticated<SimpleUser>>, AuthError> {
///         let Some(token) = request.authorization("Bearer")? else {
///             return Ok(None);
///         };
///         let matches: bool = subtle::ConstantTimeEq::ct_eq(token, self.token.as_bytes()).into();
///         if !matches {
///             return Err(AuthError::rejected("invalid token"));
///         }
///         Ok(Some(Authenticated::new(SimpleUser::new("robot"), Credentials::none())))
///     }
/// }
/// ```
pub trait AuthenticationBackend {
    /// The user type this backend produces; every backend of one chain shares it.
    type User;

    /// A short name used in logs and error reports, such as `"basic"`.
    fn name(&self) -> &'static str {
        std::any::type_name::<Self>()
    }

    /// The `WWW-Authenticate` challenge sent with a 401, if this backend has a scheme.
    ///
    /// It is read once, when the chain is built.
    fn challenge(&self) -> Option<Challenge> {
        None
    }

    /// Looks for this backend's credentials in the request and checks them.
    fn authenticate(
        &self,
        request: &RequestView<'_>,
    ) -> impl Future<Output = Result<Option<Authenticated<Self::User>>, AuthError>>;
}
