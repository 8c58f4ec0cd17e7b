//! The backend that authenticates requests by their session.

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use actix_session::config::SessionMiddlewareBuilder;
use actix_session::storage::SessionStore;
use actix_session::{Session, SessionExt as _, SessionMiddleware, SessionStatus};
use actix_web::cookie::{Cookie, CookieJar, Key};
use actix_web::HttpRequest;
use auth_core::{AuthError, Authenticated, AuthenticationBackend, RequestView};
use percent_encoding::percent_decode_str;

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
/// and the request is anonymous too; a loader error refuses the request. It has no
/// `WWW-Authenticate` challenge.
///
/// actix-session's `SessionMiddleware` must run before the authentication middleware: wrap
/// it last (see the [module documentation](super)). Cloning is cheap: keep one clone in the
/// chain and one in app data for the login handler.
///
/// # The session cookie
///
/// The backend must know the name of the session cookie, which `SessionMiddleware` sets
/// (`id` unless told otherwise): build the middleware with
/// [`session_middleware`](SessionBackend::session_middleware), which gives it the backend's
/// key and cookie name, or give both the same name by hand
/// ([`cookie_name`](SessionBackend::cookie_name)). With it the backend:
///
/// - refuses, with 400, a request carrying two session cookies: actix-session would pick one
///   of them, and one of them may have been planted;
/// - refuses, with 503 and an error log line naming the fix, a request whose session
///   actix-session loaded while the request carries no cookie of the backend's name sealed
///   with the backend's key: the names (or keys) differ, and the duplicate check above would
///   look at the wrong cookie;
/// - logs an error when `SessionMiddleware` runs inside the authentication middleware.
///
/// What a mismatch leaves undetected: requests without a session (there is nothing to
/// refuse); requests that also carry a genuine cookie of the backend's name, such as one left
/// in a browser from before the middleware's cookie was renamed (the backend cannot tell which
/// cookie actix-session read); a session that a middleware between `SessionMiddleware` and the authentication
/// middleware wrote to before the chain ran; with `SessionMiddleware` also installed inside
/// the authentication middleware, every request but a [`login`](SessionBackend::login),
/// which is logged (the others are anonymous: closed, but silent); and, with
/// `CookieContentSecurity::Signed`, whose signature does not cover the cookie's name, a
/// request that carries a copy of a signed session cookie under the backend's name. The
/// [`session_middleware`](SessionBackend::session_middleware) builder rules all of these out.
///
/// The 400 for duplicates is deliberate: an ambiguous session is refused rather than chosen.
/// Its cost is that a second cookie of the session's name planted in the browser (by a
/// sibling subdomain, say: cookie tossing) makes every request of that browser a 400, the
/// login and logout pages included, until the planted cookie expires. A cookie name with the
/// `__Host-` prefix (such as `__Host-id`) keeps a planted cookie from choosing the session:
/// browsers accept such a cookie only from the host itself, over HTTPS, with `Secure`,
/// `Path=/` and no `Domain`, which actix-session's defaults are. It does not stop the 400:
/// actix-web percent-decodes cookie names, so a sibling domain can still plant
/// `%5F_Host-id`, which browsers keep outside the prefix's rules; the backend refuses any
/// percent-encoded spelling of its cookie's name (400), alone or not, so such a cookie never
/// picks the session. Browsers refuse to store `__Host-` cookies over plain HTTP (except, in
/// some, from `localhost`).
pub struct SessionBackend<L> {
    inner: Arc<Inner<L>>,
}

struct Inner<L> {
    loader: L,
    key: Key,
    digest: AuthDigest,
    cookie_name: Arc<str>,
    /// Set once a request carried a cookie of `cookie_name` encrypted with `key`: only a
    /// `SessionMiddleware` with that name and key makes one, so the two agree, and later
    /// requests need not decrypt the cookie again to know it.
    agreed: AtomicBool,
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
                key: key.clone(),
                digest: AuthDigest::new(key),
                cookie_name: DEFAULT_COOKIE.into(),
                agreed: AtomicBool::new(false),
            }),
        }
    }

    /// The name of the session cookie (`id` by default, as actix-session's); it must be the
    /// one `SessionMiddleware` sets.
    ///
    /// [`session_middleware`](SessionBackend::session_middleware) builds the middleware with
    /// this name. A `SessionMiddleware` built by hand must be given the same name
    /// (`SessionMiddleware::builder(..).cookie_name(..)`). The name drives the refusal of
    /// duplicate session cookies (400) and the detection of a `SessionMiddleware` running
    /// inside the authentication middleware (an error log line). When the names differ, a
    /// request whose session was loaded from a cookie of another name is refused with 503
    /// and an error log line naming this setting, rather than letting a duplicate cookie
    /// through; see [the session cookie](SessionBackend#the-session-cookie) for what goes
    /// undetected.
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

    /// A builder of actix-session's `SessionMiddleware` over `store`, with this backend's key
    /// and cookie name, so that the two cannot disagree.
    ///
    /// Set the cookie's other attributes on the builder (lifetime, `SameSite`, ...), but not
    /// its name: give the name to [`cookie_name`](SessionBackend::cookie_name) instead.
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::cookie::Key;
    /// use actix_web::App;
    /// use auth_actix::session::{CookieSessionStore, SessionBackend, UserLoader};
    /// use auth_actix::{AuthError, Authenticated, AuthenticationMiddleware, Chain, SimpleUser};
    ///
    /// # struct Users;
    /// # impl UserLoader for Users {
    /// #     type User = SimpleUser;
    /// #     async fn load(&self, _: &str) -> Result<Option<Authenticated<SimpleUser>>, AuthError> {
    /// #         Ok(None)
    /// #     }
    /// #     fn auth_hash(&self, _: &SimpleUser) -> String {
    /// #         String::new()
    /// #     }
    /// # }
    /// let key = Key::generate();
    /// // A `__Host-` name: no other domain can plant a cookie of that name (HTTPS only).
    /// let sessions = SessionBackend::new(Users, &key).cookie_name("__Host-id");
    /// let auth = AuthenticationMiddleware::new(Chain::new(sessions.clone()));
    ///
    /// let app = App::new()
    ///     .wrap(auth)
    ///     // Wrapped last, so it runs first; same key, same cookie name.
    ///     .wrap(sessions.session_middleware(CookieSessionStore::default()).build());
    /// # let _ = app;
    /// ```
    pub fn session_middleware<S: SessionStore>(&self, store: S) -> SessionMiddlewareBuilder<S> {
        SessionMiddleware::builder(store, self.inner.key.clone())
            .cookie_name(self.inner.cookie_name.to_string())
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
        let cookie = request.cookie(&self.inner.cookie_name)?;
        let session = http.get_session();
        let sealed = cookie.is_some_and(|raw| self.agrees_with_the_middleware(raw));
        if !sealed && loaded_from_a_cookie(&session) {
            // actix-session loaded the session from a cookie the backend does not recognise:
            // the check above looked at the wrong cookie, so duplicates would pass. Refuse
            // rather than guess.
            tracing::error!(
                target: TARGET,
                backend = "session",
                cookie = &*self.inner.cookie_name,
                "SessionMiddleware loaded a session, but the request has no session cookie of \
                 the name and key SessionBackend was given, so duplicate session cookies \
                 cannot be refused; refusing the request: give SessionBackend::cookie_name \
                 the name given to SessionMiddleware's cookie_name (and SessionBackend::new \
                 its key), or build the middleware with SessionBackend::session_middleware"
            );
            return Err(AuthError::unavailable("sessions are unavailable"));
        }

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

impl<L> SessionBackend<L> {
    /// Whether `raw`, the value of the backend's session cookie, shows that `SessionMiddleware`
    /// uses the backend's cookie name and key: it was sealed with them, or an earlier cookie
    /// was encrypted with them.
    fn agrees_with_the_middleware(&self, raw: &str) -> bool {
        if self.inner.agreed.load(Ordering::Relaxed) {
            return true;
        }
        match sealed_with(&self.inner.key, &self.inner.cookie_name, raw) {
            Sealed::Encrypted => {
                self.inner.agreed.store(true, Ordering::Relaxed);
                true
            }
            // A signature does not cover the cookie's name, so a copy of another cookie would
            // pass: it vouches for this request only.
            Sealed::Signed => true,
            Sealed::No => false,
        }
    }
}

/// Whether actix-session loaded `session`'s state from the request: it holds entries and
/// nothing changed them yet. A session has state before the chain runs only when
/// `SessionMiddleware` loaded it from its cookie; a middleware between the two that writes
/// to the session first makes it `Changed`, which is not counted.
fn loaded_from_a_cookie(session: &Session) -> bool {
    session.status() == SessionStatus::Unchanged && !session.entries().is_empty()
}

/// How a cookie value was sealed, if by this key and for this name.
enum Sealed {
    /// Encrypted (actix-session's default), with the name bound to it.
    Encrypted,
    /// Signed; the signature covers the value only.
    Signed,
    No,
}

/// Whether `raw`, the value of the cookie `name` as sent, is a cookie that a
/// `SessionMiddleware` with this `name` and `key` set.
///
/// A request can carry a cookie of the backend's name beside the one actix-session loaded
/// from; only a sealed one shows that the two are the same cookie.
fn sealed_with(key: &Key, name: &str, raw: &str) -> Sealed {
    // actix-web percent-decodes cookie values before actix-session opens them.
    let Ok(value) = percent_decode_str(raw).decode_utf8() else {
        return Sealed::No;
    };
    let mut jar = CookieJar::new();
    jar.add_original(Cookie::new(name.to_owned(), value.into_owned()));
    if jar.private(key).get(name).is_some() {
        Sealed::Encrypted
    } else if jar.signed(key).get(name).is_some() {
        Sealed::Signed
    } else {
        Sealed::No
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

    // Through the middleware, with actix-session's cookie store.

    /// Knows one user, `ada`.
    struct Ada;

    impl UserLoader for Ada {
        type User = SimpleUser;

        async fn load(&self, id: &str) -> Result<Option<Authenticated<SimpleUser>>, AuthError> {
            Ok((id == "ada").then(|| {
                Authenticated::new(
                    SimpleUser::new(id),
                    Credentials::from_iter(["authenticated"]),
                )
            }))
        }

        fn auth_hash(&self, _user: &SimpleUser) -> String {
            "hash".to_owned()
        }
    }

    async fn log_in(
        sessions: actix_web::web::Data<SessionBackend<Ada>>,
        session: Session,
    ) -> Result<&'static str, SessionError> {
        sessions.login(&session, &SimpleUser::new("ada"))?;
        Ok("logged in")
    }

    async fn whoami(user: crate::MaybeUser<SimpleUser>) -> String {
        user.0
            .map_or_else(|| "anonymous".to_owned(), |user| user.username().to_owned())
    }

    /// An application whose chain has `backend`, behind `middleware`; answers a request's
    /// status and body.
    async fn through(
        backend: SessionBackend<Ada>,
        middleware: SessionMiddleware<actix_session::storage::CookieSessionStore>,
        requests: Vec<actix_web::test::TestRequest>,
    ) -> Vec<(u16, String, Option<String>)> {
        use actix_web::{test, web, App};

        let auth = crate::AuthenticationMiddleware::new(crate::Chain::new(backend.clone()));
        let app = test::init_service(
            App::new()
                .app_data(web::Data::new(backend))
                .route("/login", web::post().to(log_in))
                .route("/", web::get().to(whoami))
                .wrap(auth)
                .wrap(middleware),
        )
        .await;
        let mut replies = Vec::new();
        for request in requests {
            let response = test::call_service(&app, request.to_request()).await;
            let status = response.status().as_u16();
            let cookie = response
                .response()
                .cookies()
                .next()
                .map(|cookie| format!("{}={}", cookie.name(), cookie.value()));
            let body = test::read_body(response).await;
            replies.push((status, String::from_utf8(body.to_vec()).unwrap(), cookie));
        }
        replies
    }

    fn key() -> Key {
        Key::from(&[5; 64])
    }

    /// A session cookie of `name` logged in as ada.
    async fn ada_cookie(name: &str) -> String {
        let backend = SessionBackend::new(Ada, &key()).cookie_name(name);
        let middleware = backend
            .session_middleware(actix_session::storage::CookieSessionStore::default())
            .build();
        let login = actix_web::test::TestRequest::post().uri("/login");
        let replies = through(backend, middleware, vec![login]).await;
        replies[0].2.clone().expect("a session cookie")
    }

    fn get_with(cookie: &str) -> actix_web::test::TestRequest {
        actix_web::test::TestRequest::get()
            .uri("/")
            .insert_header(("cookie", cookie.to_owned()))
    }

    #[actix_web::test]
    async fn session_middleware_of_the_backend_shares_its_cookie_name() {
        let cookie = ada_cookie("sid").await;
        assert!(cookie.starts_with("sid="), "{cookie}");

        let backend = SessionBackend::new(Ada, &key()).cookie_name("sid");
        let middleware = backend
            .session_middleware(actix_session::storage::CookieSessionStore::default())
            .build();
        let shared = backend.clone();
        let replies = through(
            backend,
            middleware,
            vec![get_with(&cookie), get_with(&format!("{cookie}; {cookie}"))],
        )
        .await;

        // The first encrypted cookie shows the two agree; later requests skip the decryption.
        assert!(shared.inner.agreed.load(Ordering::Relaxed));
        assert_eq!(replies[0].0, 200);
        assert_eq!(replies[0].1, "ada");
        assert_eq!(replies[1].0, 400);
        assert_eq!(replies[1].1, "duplicate sid cookie");
    }

    #[actix_web::test]
    async fn session_loaded_from_a_cookie_of_another_name_is_refused() {
        let cookie = ada_cookie("sid").await;
        // The backend expects `id`; the middleware reads `sid`.
        let backend = SessionBackend::new(Ada, &key());
        let middleware = SessionMiddleware::builder(
            actix_session::storage::CookieSessionStore::default(),
            key(),
        )
        .cookie_name("sid".to_owned())
        .build();
        let shared = backend.clone();

        let replies = through(
            backend,
            middleware,
            vec![
                get_with(&cookie),
                get_with(&format!("{cookie}; sid=x")),
                // A cookie of the backend's name that no session middleware of that name
                // sealed does not hide the mismatch.
                get_with(&format!("{cookie}; id=x")),
                get_with(&format!("{cookie}; id={}", &cookie["sid=".len()..])),
                // Without a session, nothing can be told: anonymous.
                actix_web::test::TestRequest::get().uri("/"),
            ],
        )
        .await;

        let statuses: Vec<u16> = replies.iter().map(|reply| reply.0).collect();
        assert_eq!(statuses, [503, 503, 503, 503, 200]);
        assert_eq!(replies[4].1, "anonymous");
        assert!(!shared.inner.agreed.load(Ordering::Relaxed));
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
