//! Logging a session in and out.

use actix_session::Session;
use auth_core::AuthUser;

use super::{SessionBackend, SessionError, UserLoader, CSRF_KEY, HASH_KEY, USER_KEY};
use crate::TARGET;

impl<L: UserLoader> SessionBackend<L> {
    /// Logs `session` in as `user`, once the login handler has checked its password.
    ///
    /// The session gets a new id (a session id planted before the login is worthless after
    /// it), keeps the user's identity and a keyed digest of its
    /// [`auth_hash`](UserLoader::auth_hash), and drops its CSRF token so the next form gets a
    /// fresh one. A session that belonged to another user is emptied first.
    ///
    /// # Errors
    ///
    /// [`SessionError::Anonymous`] when `user` is not authenticated, and
    /// [`SessionError::Insert`] when the session refuses a value; both render as 500.
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::HttpResponse;
    /// use auth_actix::session::{Session, SessionBackend, SessionError, UserLoader};
    ///
    /// async fn logged_in<L: UserLoader>(
    ///     sessions: &SessionBackend<L>,
    ///     session: &Session,
    ///     user: &L::User,
    /// ) -> Result<HttpResponse, SessionError> {
    ///     sessions.login(session, user)?;
    ///     Ok(HttpResponse::SeeOther().insert_header(("location", "/")).finish())
    /// }
    /// ```
    pub fn login(&self, session: &Session, user: &L::User) -> Result<(), SessionError> {
        if !user.is_authenticated() {
            return Err(SessionError::Anonymous);
        }
        let id = user.identity();

        let belongs_elsewhere = match session.get::<String>(USER_KEY) {
            Ok(None) => false,
            Ok(Some(previous)) => previous != id,
            Err(_) => true,
        };
        if belongs_elsewhere {
            session.clear();
        }
        session.renew();
        session.remove(CSRF_KEY);

        let digest = self.digest().digest(id, &self.loader().auth_hash(user));
        session.insert(USER_KEY, id)?;
        session.insert(HASH_KEY, digest)?;

        tracing::debug!(target: TARGET, backend = "session", "session logged in");
        Ok(())
    }
}

/// Logs `session` out: its state is deleted from the store and its cookie removed.
///
/// With a server-side store (Redis) a copy of the old cookie is worthless afterwards. With the
/// cookie store the state lives in the cookie itself, so a copy taken before the logout stays
/// valid until the user's credentials change: a known limit of client-side sessions.
///
/// # Examples
///
/// ```
/// use actix_web::HttpResponse;
/// use auth_actix::session::{logout, Session};
///
/// async fn sign_out(session: Session) -> HttpResponse {
///     logout(&session);
///     HttpResponse::SeeOther().insert_header(("location", "/")).finish()
/// }
/// ```
pub fn logout(session: &Session) {
    session.purge();
    tracing::debug!(target: TARGET, backend = "session", "session logged out");
}
