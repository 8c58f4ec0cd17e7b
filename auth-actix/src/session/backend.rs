//! The backend that authenticates requests by their session.

use std::fmt;
use std::sync::Arc;

use actix_session::{Session, SessionExt as _};
use actix_web::cookie::Key;
use actix_web::HttpRequest;
use auth_core::{AuthError, Authenticated, AuthenticationBackend, RequestView};

use super::digest::AuthDigest;
use super::{order, UserLoader, HASH_KEY, USER_KEY};
use crate::TARGET;

/// actix-session's default cookie name.
const DEFAULT_COOKIE: &str = "id";

/// Authenticates requests by the user that [`login`](SessionBackend::login) stored in their
/// actix-session [`Session`].
///
/// A session without a login is "not mine", so the next backend of the chain is asked. A
/// session whose user no longer exists, whose credentials changed since the login (its
/// [`auth_hash`](UserLoader::auth_hash) differs) or whose entries are unreadable is cleared
/// and the request is anonymous too; a loader error refuses the request. Two session cookies
/// on one request are ambiguous and refused with 400. It has no `WWW-Authenticate` challenge.
///
/// actix-session's `SessionMiddleware` must run before the authentication middleware: wrap
/// it last (see the [module documentation](super)). Cloning is cheap: keep one clone in the
/// chain and one in app data for the login handler.
pub struct SessionBackend<L> {
    inner: Arc<Inner<L>>,
}

struct Inner<L> {
    loader: L,
    digest: AuthDigest,
    cookie_name: Arc<str>,
}

impl<L: UserLoader> SessionBackend<L> {
    /// A backend loading users with `loader`; `key` is the application's cookie key.
    ///
    /// Pass the same [`Key`] as to `SessionMiddleware`: a sub-key for the auth hash digests
    /// is derived from it, so sessions survive a restart and are shared between instances as
    /// long as they share the key.
    pub fn new(loader: L, key: &Key) -> Self {
        Self {
            inner: Arc::new(Inner {
                loader,
                digest: AuthDigest::new(key),
                cookie_name: DEFAULT_COOKIE.into(),
            }),
        }
    }

    /// The session cookie's name, when `SessionMiddleware` was given another than `id`.
    ///
    /// It is only used to detect a `SessionMiddleware` installed inside the authentication
    /// middleware, which is then logged as an error.
    ///
    /// # Panics
    ///
    /// When called after the backend was cloned: configure it before sharing it.
    pub fn cookie_name(mut self, name: &str) -> Self {
        Arc::get_mut(&mut self.inner)
            .expect("configure SessionBackend before cloning it")
            .cookie_name = name.into();
        self
    }

    /// The loader this backend was built with.
    pub fn loader(&self) -> &L {
        &self.inner.loader
    }

    pub(super) fn digest(&self) -> &AuthDigest {
        &self.inner.digest
    }
}

impl<L: UserLoader> AuthenticationBackend for SessionBackend<L> {
    type User = L::User;

    fn name(&self) -> &'static str {
        "session"
    }

    async fn authenticate(
        &self,
        request: &RequestView<'_>,
    ) -> Result<Option<Authenticated<L::User>>, AuthError> {
        let Some(http) = request.extension::<HttpRequest>() else {
            tracing::error!(
                target: TARGET,
                backend = "session",
                "the session backend runs only inside auth-actix's AuthenticationMiddleware"
            );
            return Err(AuthError::unavailable("sessions are unavailable"));
        };
        order::expect_cookie(request, &self.inner.cookie_name);
        // actix-session reads the first of several session cookies; a second one (planted
        // from a sibling domain, say) makes the session ambiguous, so it is malformed.
        request.cookie(&self.inner.cookie_name)?;
        let session = http.get_session();

        let Some(login) = StoredLogin::read(&session) else {
            return Ok(None);
        };

        let Some(found) = self.inner.loader.load(&login.id).await? else {
            discard(&session, "the session's user no longer exists");
            return Ok(None);
        };
        let auth_hash = self.inner.loader.auth_hash(&found.user);
        if !self
            .inner
            .digest
            .verify(&login.id, &auth_hash, &login.digest)
        {
            discard(&session, "the user's credentials changed since the login");
            return Ok(None);
        }
        Ok(Some(found))
    }
}

/// What `login` left in a session.
struct StoredLogin {
    id: String,
    digest: String,
}

impl StoredLogin {
    /// The session's login, `None` when there is none or it is unreadable (then cleared).
    fn read(session: &Session) -> Option<Self> {
        let id = session.get::<String>(USER_KEY);
        let digest = session.get::<String>(HASH_KEY);

        match (id, digest) {
            (Ok(None), Ok(None)) => None,
            (Ok(Some(id)), Ok(Some(digest))) => Some(Self { id, digest }),
            _ => {
                discard(session, "the session's login entries are unreadable");
                None
            }
        }
    }
}

/// Clears a session that no longer stands for its user; the request goes on anonymous.
fn discard(session: &Session, reason: &'static str) {
    tracing::info!(target: TARGET, backend = "session", reason, "session cleared");
    session.clear();
}

impl<L> Clone for SessionBackend<L> {
    fn clone(&self) -> Self {
        Self {
            inner: Arc::clone(&self.inner),
        }
    }
}

impl<L> fmt::Debug for SessionBackend<L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionBackend")
            .field("cookie_name", &self.inner.cookie_name)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use std::any::Any;
    use std::cell::RefCell;
    use std::collections::HashMap;

    use actix_session::{SessionExt as _, SessionStatus};
    use actix_web::test::TestRequest;
    use auth_core::{Credentials, ErrorKind, HeaderList, SimpleUser};
    use futures_util::FutureExt as _;

    use super::*;
    use crate::session::SessionError;

    /// Users by name with their password hashes; `None` as a hash means the store is down.
    #[derive(Default)]
    struct Table(RefCell<HashMap<&'static str, Option<&'static str>>>);

    impl Table {
        fn with(users: &[(&'static str, Option<&'static str>)]) -> Self {
            Self(RefCell::new(users.iter().copied().collect()))
        }
    }

    impl UserLoader for Table {
        type User = SimpleUser;

        async fn load(&self, id: &str) -> Result<Option<Authenticated<SimpleUser>>, AuthError> {
            match self.0.borrow().get(id) {
                None => Ok(None),
                Some(None) => Err(AuthError::unavailable("the table is down")),
                Some(Some(_)) => Ok(Some(Authenticated::new(
                    SimpleUser::new(id),
                    Credentials::from_iter(["authenticated"]),
                ))),
            }
        }

        fn auth_hash(&self, user: &SimpleUser) -> String {
            let users = self.0.borrow();
            let hash = users.get(user.username()).copied().flatten();
            hash.unwrap_or_default().to_owned()
        }
    }

    fn backend(users: &[(&'static str, Option<&'static str>)]) -> SessionBackend<Table> {
        SessionBackend::new(Table::with(users), &Key::from(&[3; 64]))
    }

    /// Runs the backend on a request whose session is `session`'s.
    fn authenticate(
        backend: &SessionBackend<Table>,
        req: &HttpRequest,
    ) -> Result<Option<Authenticated<SimpleUser>>, AuthError> {
        let headers = HeaderList::default();
        let lent: [&dyn Any; 1] = [req];
        let view = RequestView::new("GET", "/", "", &headers).with_extensions(&lent);
        backend
            .authenticate(&view)
            .now_or_never()
            .expect("the table never waits")
    }

    fn logged_in(backend: &SessionBackend<Table>, name: &str) -> HttpRequest {
        let req = TestRequest::default().to_http_request();
        backend
            .login(&req.get_session(), &SimpleUser::new(name))
            .unwrap();
        req
    }

    #[test]
    fn session_without_login_is_not_mine() {
        let backend = backend(&[("ada", Some("hash"))]);
        let req = TestRequest::default().to_http_request();

        assert!(authenticate(&backend, &req).unwrap().is_none());
        assert_eq!(req.get_session().status(), SessionStatus::Unchanged);
    }

    #[test]
    fn session_after_login_is_the_user() {
        let backend = backend(&[("ada", Some("hash"))]);
        let req = logged_in(&backend, "ada");

        let found = authenticate(&backend, &req).unwrap().expect("a user");

        assert_eq!(found.user.username(), "ada");
        assert!(found.credentials.contains("authenticated"));
    }

    #[test]
    fn session_login_renews_and_keeps_no_auth_hash() {
        let backend = backend(&[("ada", Some("secret-hash"))]);
        let req = TestRequest::default().to_http_request();
        let session = req.get_session();
        crate::session::csrf_token(&session).unwrap();

        backend.login(&session, &SimpleUser::new("ada")).unwrap();

        assert_eq!(session.status(), SessionStatus::Renewed);
        assert!(!session.contains_key(crate::session::CSRF_KEY));
        assert!(session
            .entries()
            .values()
            .all(|value| !value.contains("secret")));
    }

    #[test]
    fn session_login_as_another_user_drops_the_previous_state() {
        let backend = backend(&[("ada", Some("a")), ("bob", Some("b"))]);
        let req = logged_in(&backend, "ada");
        let session = req.get_session();
        session.insert("cart", "ada's cart").unwrap();

        backend.login(&session, &SimpleUser::new("bob")).unwrap();

        assert!(!session.contains_key("cart"));
        let found = authenticate(&backend, &req).unwrap().expect("a user");
        assert_eq!(found.user.username(), "bob");
    }

    #[test]
    fn session_login_refuses_the_anonymous_user() {
        let backend = SessionBackend::new(AnonymousLoader, &Key::from(&[3; 64]));
        let session = TestRequest::default().to_http_request().get_session();

        let err = backend
            .login(&session, &auth_core::AnonymousUser)
            .unwrap_err();

        assert!(matches!(err, SessionError::Anonymous));
        assert!(session.entries().is_empty());
    }

    #[test]
    fn session_of_a_changed_password_is_cleared_and_anonymous() {
        let backend = backend(&[("ada", Some("old-hash"))]);
        let req = logged_in(&backend, "ada");
        backend
            .loader()
            .0
            .borrow_mut()
            .insert("ada", Some("new-hash"));

        assert!(authenticate(&backend, &req).unwrap().is_none());
        assert!(req.get_session().entries().is_empty());
    }

    #[test]
    fn session_of_a_deleted_user_is_cleared_and_anonymous() {
        let backend = backend(&[("ada", Some("hash"))]);
        let req = logged_in(&backend, "ada");
        backend.loader().0.borrow_mut().remove("ada");

        assert!(authenticate(&backend, &req).unwrap().is_none());
        assert!(req.get_session().entries().is_empty());
    }

    #[test]
    fn session_with_unreadable_entries_is_cleared_and_anonymous() {
        let backend = backend(&[("ada", Some("hash"))]);
        let req = TestRequest::default().to_http_request();
        req.get_session().insert(USER_KEY, 42).unwrap();

        assert!(authenticate(&backend, &req).unwrap().is_none());
        assert!(req.get_session().entries().is_empty());
    }

    #[test]
    fn session_loader_failure_refuses_the_request() {
        let backend = backend(&[("ada", Some("hash"))]);
        let req = logged_in(&backend, "ada");
        backend.loader().0.borrow_mut().insert("ada", None);

        let err = authenticate(&backend, &req).unwrap_err();

        assert_eq!(err.kind(), ErrorKind::Unavailable);
        assert!(!req.get_session().entries().is_empty());
    }

    #[test]
    fn session_backend_outside_the_middleware_fails_closed() {
        let backend = backend(&[]);
        let headers = HeaderList::default();
        let view = RequestView::new("GET", "/", "", &headers);

        let err = backend
            .authenticate(&view)
            .now_or_never()
            .unwrap()
            .unwrap_err();

        assert_eq!(err.kind(), ErrorKind::Unavailable);
    }

    struct AnonymousLoader;

    impl UserLoader for AnonymousLoader {
        type User = auth_core::AnonymousUser;

        async fn load(
            &self,
            _id: &str,
        ) -> Result<Option<Authenticated<auth_core::AnonymousUser>>, AuthError> {
            Ok(None)
        }

        fn auth_hash(&self, _user: &auth_core::AnonymousUser) -> String {
            String::new()
        }
    }
}
