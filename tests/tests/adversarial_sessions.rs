//! Attacks on login sessions, with actix-session's cookie store and with a real Redis server:
//! tampered and foreign cookies, a cookie replayed after logout (Redis only: a cookie store
//! cannot revoke a copied cookie, which `session.rs` documents), a cookie from before a
//! password change, a session id fixed before the login, and duplicate session cookies.
//! Every case aims at the key-creating `POST /admin/api-keys` as admin and asserts the exact
//! status and that no key was created.

mod support;

use actix_test::TestServer;
use actix_web::cookie::Key;
use actix_web::http::StatusCode;
use actix_web::{web, App};
use auth_actix::session::actix_session::storage::SessionStore;
use auth_actix::session::{CookieSessionStore, SessionMiddleware};
use auth_tests::serve;
use auth_tests::session::{
    cookie_change, csrf_field, get_with_cookie, log_in_named, new_cookie, post_form, CookieChange,
    RedisServer, SESSION_COOKIE,
};
use examples::demo::{self, UserStore};
use support::attack::post_witness_async;
use tempfile::TempDir;

/// The demo's users in a temporary database, with one session key.
struct Deployment {
    store: UserStore,
    key: Key,
    db: std::path::PathBuf,
    _dir: TempDir,
}

impl Deployment {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let db = dir.path().join("demo.sqlite3");
        let store = UserStore::open(&db).expect("the store opens");
        Self {
            store,
            key: Key::generate(),
            db,
            _dir: dir,
        }
    }

    fn serve<S, F>(&self, storage: F) -> TestServer
    where
        S: SessionStore + 'static,
        F: Fn() -> S + Clone + Send + 'static,
    {
        let (store, key) = (self.store.clone(), self.key.clone());
        let backend = web::Data::new(demo::session_backend(store.clone(), &key));
        serve(move || {
            App::new()
                .wrap(demo::middleware(store.clone(), &key))
                .wrap(demo::session_middleware(&backend, storage()))
                .app_data(web::Data::new(store.clone()))
                .app_data(backend.clone())
                .configure(demo::configure)
        })
    }

    /// The demo with the cookie store, its session backend expecting the cookie `backend`
    /// and its session middleware setting the cookie `middleware`: built from the backend
    /// when the names are equal, by hand (as an application might) otherwise.
    fn with_cookie_names(&self, backend: &str, middleware: &str) -> TestServer {
        let (store, key) = (self.store.clone(), self.key.clone());
        let sessions = demo::session_backend(store.clone(), &key).cookie_name(backend);
        let auth = demo::middleware_with_sessions(sessions.clone(), store.clone(), &key);
        let sessions = web::Data::new(sessions);
        let by_hand = (backend != middleware).then(|| middleware.to_owned());
        serve(move || {
            let cookies = CookieSessionStore::default();
            let session_middleware = match &by_hand {
                Some(name) => SessionMiddleware::builder(cookies, key.clone())
                    .cookie_name(name.clone())
                    .build(),
                None => demo::session_middleware(&sessions, cookies),
            };
            App::new()
                .wrap(auth.clone())
                .wrap(session_middleware)
                .app_data(web::Data::new(store.clone()))
                .app_data(sessions.clone())
                .configure(demo::configure)
        })
    }

    fn with_cookies(&self) -> TestServer {
        self.serve(CookieSessionStore::default)
    }

    fn with_redis(&self, redis: &demo::RedisStorage) -> TestServer {
        let redis = redis.clone();
        self.serve(move || redis.clone())
    }

    fn keys(&self) -> i64 {
        let conn = rusqlite::Connection::open(&self.db).expect("the database opens");
        conn.query_row("SELECT COUNT(*) FROM api_keys", [], |row| row.get(0))
            .expect("a count")
    }

    /// Posts to the witness with `cookie_header` as the whole `Cookie` header, and asserts
    /// the status and whether a key was created.
    async fn attack(&self, server: &TestServer, case: &str, cookie_header: &str, status: u16) {
        let before = self.keys();
        let line = format!("Cookie: {cookie_header}");
        let reply = post_witness_async(server.addr(), vec![line.into_bytes()]).await;
        assert_eq!(reply.status, status, "{case}: {reply:?}");
        support::attack::assert_handler_did_not_run(case, &reply);
        assert_eq!(
            self.keys(),
            before,
            "{case}: the guarded handler created a key"
        );
    }

    /// The control: `cookie` is admin's live session, and the witness sees it let through.
    async fn assert_admin_session(&self, server: &TestServer, cookie: &str) {
        self.assert_admin_session_named(server, SESSION_COOKIE, cookie)
            .await;
    }

    /// The control for a session cookie named `name`.
    async fn assert_admin_session_named(&self, server: &TestServer, name: &str, cookie: &str) {
        let before = self.keys();
        let line = format!("Cookie: {name}={cookie}");
        let reply = post_witness_async(server.addr(), vec![line.into_bytes()]).await;
        assert_eq!(reply.status, 201, "control: {reply:?}");
        assert_eq!(self.keys(), before + 1, "control");
    }
}

async fn redis_store(server: &RedisServer) -> demo::RedisStorage {
    demo::redis_storage(&server.url())
        .await
        .expect("the Redis store connects")
}

/// The login form's cookie and CSRF token.
async fn open_form(server: &TestServer, cookie: Option<&str>) -> (String, String) {
    let reply = get_with_cookie(server.get("/login"), cookie).await;
    assert_eq!(reply.status, StatusCode::OK);
    let cookie = match cookie_change(&reply) {
        CookieChange::Set(value) => value,
        _ => cookie.expect("a session cookie").to_owned(),
    };
    (cookie, csrf_field(&reply.body))
}

/// Logs `username` in through the form, starting from the session `cookie` if given; returns
/// the cookie the form was shown with and the cookie after the login.
async fn log_in(
    server: &TestServer,
    cookie: Option<&str>,
    username: &str,
    password: &str,
) -> (String, String) {
    let (before, csrf) = open_form(server, cookie).await;
    let fields = [
        ("username", username),
        ("password", password),
        ("csrf", &csrf),
        ("next", ""),
    ];
    let reply = post_form(server.post("/login"), Some(&before), &fields).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    (before, new_cookie(&reply))
}

async fn log_out(server: &TestServer, cookie: &str) {
    let page = get_with_cookie(server.get("/login"), Some(cookie)).await;
    let cookie = match cookie_change(&page) {
        CookieChange::Set(value) => value,
        _ => cookie.to_owned(),
    };
    let csrf = csrf_field(&page.body);
    let reply = post_form(server.post("/logout"), Some(&cookie), &[("csrf", &csrf)]).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
}

fn tampered(cookie: &str) -> Vec<String> {
    let mut variants = Vec::new();
    for at in [0, cookie.len() / 2, cookie.len() - 1] {
        let mut bytes = cookie.as_bytes().to_vec();
        bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
        variants.push(String::from_utf8(bytes).expect("ASCII"));
    }
    variants.push(cookie[..cookie.len() - 1].to_owned());
    variants.push(format!("{cookie}A"));
    variants.push(String::new());
    variants.push("A".repeat(4096));
    variants
}

#[actix_web::test]
async fn sessions_tampered_cookies_are_anonymous_with_either_store() {
    let redis = RedisServer::start();
    let deployment = Deployment::new();
    let servers = [
        ("cookie store", deployment.with_cookies()),
        (
            "redis store",
            deployment.with_redis(&redis_store(&redis).await),
        ),
    ];
    for (store, server) in &servers {
        let (_, admin) = log_in(server, None, "admin", "admin-secret").await;
        deployment.assert_admin_session(server, &admin).await;
        for forged in tampered(&admin) {
            let case = format!("{store}: {}", &forged[..forged.len().min(40)]);
            let cookie = format!("{SESSION_COOKIE}={forged}");
            deployment.attack(server, &case, &cookie, 401).await;
        }
    }
}

#[actix_web::test]
async fn sessions_cookie_of_another_deployment_is_anonymous() {
    let ours = Deployment::new();
    let theirs = Deployment::new();
    let their_server = theirs.with_cookies();
    let (_, admin) = log_in(&their_server, None, "admin", "admin-secret").await;
    theirs.assert_admin_session(&their_server, &admin).await;

    let server = ours.with_cookies();
    let cookie = format!("{SESSION_COOKIE}={admin}");
    ours.attack(&server, "a cookie sealed with another key", &cookie, 401)
        .await;
}

#[actix_web::test]
async fn sessions_redis_cookie_replayed_after_logout_is_anonymous() {
    let redis = RedisServer::start();
    let deployment = Deployment::new();
    let server = deployment.with_redis(&redis_store(&redis).await);
    let (_, admin) = log_in(&server, None, "admin", "admin-secret").await;
    deployment.assert_admin_session(&server, &admin).await;

    log_out(&server, &admin).await;
    let cookie = format!("{SESSION_COOKIE}={admin}");
    deployment
        .attack(&server, "replayed after logout", &cookie, 401)
        .await;
}

#[actix_web::test]
async fn sessions_cookie_from_before_a_password_change_is_anonymous() {
    let redis = RedisServer::start();
    let deployment = Deployment::new();
    let servers = [
        ("cookie store", deployment.with_cookies()),
        (
            "redis store",
            deployment.with_redis(&redis_store(&redis).await),
        ),
    ];
    let mut cookies = Vec::new();
    for (_, server) in &servers {
        let (_, admin) = log_in(server, None, "admin", "admin-secret").await;
        deployment.assert_admin_session(server, &admin).await;
        cookies.push(admin);
    }

    assert!(deployment
        .store
        .set_password("admin", "a new secret")
        .expect("the store writes"));
    for ((store, server), admin) in servers.iter().zip(&cookies) {
        let cookie = format!("{SESSION_COOKIE}={admin}");
        deployment.attack(server, store, &cookie, 401).await;
    }
}

#[actix_web::test]
async fn sessions_a_session_id_fixed_before_the_login_never_authenticates() {
    let redis = RedisServer::start();
    let deployment = Deployment::new();
    let servers = [
        ("cookie store", deployment.with_cookies()),
        (
            "redis store",
            deployment.with_redis(&redis_store(&redis).await),
        ),
    ];
    for (store, server) in &servers {
        // The attacker gets a session of their own and plants its cookie in the victim's
        // browser; the victim logs in with it.
        let (planted, _) = open_form(server, None).await;
        let (shown_with, after) = log_in(server, Some(&planted), "admin", "admin-secret").await;
        assert_eq!(
            shown_with, planted,
            "{store}: the form kept the planted cookie"
        );
        assert_ne!(after, planted, "{store}: the login kept the planted cookie");
        deployment.assert_admin_session(server, &after).await;

        let cookie = format!("{SESSION_COOKIE}={planted}");
        deployment
            .attack(server, &format!("{store}: planted cookie"), &cookie, 401)
            .await;
    }
}

#[actix_web::test]
async fn sessions_duplicate_session_cookies_are_400() {
    // Two session cookies (one planted from a sibling domain, say) are ambiguous: the chain
    // refuses them rather than letting actix-session pick the first.
    let redis = RedisServer::start();
    let deployment = Deployment::new();
    let servers = [
        ("cookie store", deployment.with_cookies()),
        (
            "redis store",
            deployment.with_redis(&redis_store(&redis).await),
        ),
    ];
    for (store, server) in &servers {
        let (_, alice) = log_in(server, None, "alice", "alice-secret").await;
        let (_, admin) = log_in(server, None, "admin", "admin-secret").await;
        deployment.assert_admin_session(server, &admin).await;

        let name = SESSION_COOKIE;
        let encoded: String = name.bytes().map(|byte| format!("%{byte:02x}")).collect();
        for (case, header) in [
            (
                "admin then alice",
                format!("{name}={admin}; {name}={alice}"),
            ),
            (
                "alice then admin",
                format!("{name}={alice}; {name}={admin}"),
            ),
            ("admin twice", format!("{name}={admin}; {name}={admin}")),
            ("garbage then admin", format!("{name}=x; {name}={admin}")),
            // actix-web percent-decodes cookie names, so `%69%64` is a second `id`.
            (
                "encoded name then admin",
                format!("{encoded}={alice}; {name}={admin}"),
            ),
            (
                "admin then encoded name",
                format!("{name}={admin}; {encoded}={alice}"),
            ),
        ] {
            deployment
                .attack(server, &format!("{store}: {case}"), &header, 400)
                .await;
        }
        // Two Cookie headers are one list of cookies.
        let before = deployment.keys();
        let first = format!("Cookie: {name}={admin}");
        let second = format!("Cookie: {name}={alice}");
        let reply =
            post_witness_async(server.addr(), vec![first.into_bytes(), second.into_bytes()]).await;
        assert_eq!(reply.status, 400, "{store}: two Cookie headers: {reply:?}");
        assert_eq!(deployment.keys(), before);
    }
}

/// Both orders of two session cookies named `name`, and the name percent-encoded.
fn duplicates(name: &str, admin: &str, alice: &str) -> Vec<(&'static str, String)> {
    let encoded: String = name.bytes().map(|byte| format!("%{byte:02x}")).collect();
    vec![
        (
            "admin then alice",
            format!("{name}={admin}; {name}={alice}"),
        ),
        (
            "alice then admin",
            format!("{name}={alice}; {name}={admin}"),
        ),
        ("admin twice", format!("{name}={admin}; {name}={admin}")),
        (
            "encoded name then admin",
            format!("{encoded}={alice}; {name}={admin}"),
        ),
        (
            "admin then encoded name",
            format!("{name}={admin}; {encoded}={alice}"),
        ),
    ]
}

#[actix_web::test]
async fn sessions_duplicate_cookies_of_a_custom_name_are_400() {
    // A `__Host-` name, as the documentation advises against cookie tossing; the session
    // middleware is built from the backend, so both know the name.
    let name = "__Host-id";
    let deployment = Deployment::new();
    let server = deployment.with_cookie_names(name, name);
    let alice = log_in_named(&server, name, "alice", "alice-secret").await;
    let admin = log_in_named(&server, name, "admin", "admin-secret").await;
    deployment
        .assert_admin_session_named(&server, name, &admin)
        .await;

    for (case, header) in duplicates(name, &admin, &alice) {
        deployment.attack(&server, case, &header, 400).await;
    }
    // Alone, too: a browser keeps an encoded name outside the `__Host-` rules, so a sibling
    // domain can plant the admin's session under it for actix-web to decode.
    for (case, header) in [
        ("encoded underscore", format!("%5F_Host-id={admin}")),
        ("encoded prefix", format!("%5F%5FHost-id={admin}")),
        ("encoded dash", format!("__Host%2Did={admin}")),
    ] {
        deployment.attack(&server, case, &header, 400).await;
    }
}

#[actix_web::test]
async fn sessions_cookie_name_unknown_to_the_backend_fails_closed() {
    // The session middleware sets `sid`, the backend expects the default `id`: the backend
    // cannot see duplicates of `sid`, so a session loaded from `sid` is refused (503), never
    // authenticated, duplicates or not.
    let deployment = Deployment::new();
    let matching = deployment.with_cookie_names("sid", "sid");
    let alice = log_in_named(&matching, "sid", "alice", "alice-secret").await;
    let admin = log_in_named(&matching, "sid", "admin", "admin-secret").await;
    deployment
        .assert_admin_session_named(&matching, "sid", &admin)
        .await;

    let mismatched = deployment.with_cookie_names("id", "sid");
    let mut cases = duplicates("sid", &admin, &alice);
    cases.push(("admin alone", format!("sid={admin}")));
    // A cookie of the backend's name does not hide the mismatch: it must be one that a
    // session middleware of that name sealed.
    cases.push(("admin beside an empty id", format!("sid={admin}; id=")));
    cases.push((
        "admin beside its copy as id",
        format!("sid={admin}; id={admin}"),
    ));
    cases.push((
        "two sids beside an id",
        format!("sid={alice}; sid={admin}; id={alice}"),
    ));
    for (case, header) in cases {
        deployment.attack(&mismatched, case, &header, 503).await;
    }
}
