//! How the session backend finds the user a session belongs to.

use std::future::Future;

use auth_core::{AuthError, AuthUser, Authenticated};

/// Loads the user a session names, as the application stores its users.
///
/// A logged-in session holds the user's [`identity`](AuthUser::identity) and a digest of its
/// [`auth_hash`](UserLoader::auth_hash); every request loads the user again, so a deleted
/// user, a changed password or changed scopes take effect on the next request.
///
/// # Examples
///
/// ```
/// use std::collections::HashMap;
///
/// use auth_actix::session::UserLoader;
/// use auth_actix::{AuthError, Authenticated, Credentials, SimpleUser};
///
/// /// Users by name, with their password hashes.
/// struct Users(HashMap<String, String>);
///
/// impl UserLoader for Users {
///     type User = SimpleUser;
///
///     async fn load(&self, id: &str) -> Result<Option<Authenticated<SimpleUser>>, AuthError> {
///         // A real loader queries its database, and maps its errors to
///         // `AuthError::unavailable(..)` (503).
///         Ok(self.0.contains_key(id).then(|| {
///             Authenticated::new(SimpleUser::new(id), Credentials::from_iter(["authenticated"]))
///         }))
///     }
///
///     fn auth_hash(&self, user: &SimpleUser) -> String {
///         self.0.get(user.username()).cloned().unwrap_or_default()
///     }
/// }
/// ```
pub trait UserLoader {
    /// The user type the session backend produces.
    type User: AuthUser;

    /// The user whose identity is `id`, with the scopes it holds now.
    ///
    /// `Ok(None)` means the user no longer exists: the session is cleared and the request is
    /// anonymous. An error (typically [`AuthError::unavailable`]) refuses the request.
    fn load(
        &self,
        id: &str,
    ) -> impl Future<Output = Result<Option<Authenticated<Self::User>>, AuthError>>;

    /// A value that changes whenever the user's credentials change, such as its password hash
    /// or a security stamp.
    ///
    /// A session remembers a keyed digest of it at login; when it no longer matches, the
    /// session is cleared, so changing a password ends every other session of that user.
    fn auth_hash(&self, user: &Self::User) -> String;
}
