//! CORS in front of the demo: with actix-cors wrapped outside the authentication middleware
//! (wrapped last, so it runs first), a preflight `OPTIONS` to a guarded route is answered by
//! actix-cors without reaching the chain or a handler, and every refusal of the chain or of a
//! guard (400, 401, 403) keeps the CORS headers, so a browser shows the script the real
//! status. The witness is the key-creating `POST /admin/api-keys` (see `support::attack`).

mod support;

use actix_cors::Cors;
use actix_test::TestServer;
use actix_web::cookie::Key;
use actix_web::http::{header, Method};
use actix_web::{web, App};
use auth_actix::session::CookieSessionStore;
use auth_tests::{basic, serve};
use examples::demo::{self, UserStore};
use support::attack::{authorization, exchange, post_witness, Raw, WITNESS};
use tempfile::TempDir;

const ORIGIN: &str = "https://app.example";

fn cors() -> Cors {
    Cors::default()
        .allowed_origin(ORIGIN)
        .allowed_methods([Method::GET, Method::POST, Method::DELETE])
        .allowed_headers([header::AUTHORIZATION, header::CONTENT_TYPE, header::ACCEPT])
        .expose_headers([header::WWW_AUTHENTICATE])
        .supports_credentials()
        .max_age(600)
}

struct Site {
    server: TestServer,
    db: std::path::PathBuf,
    _dir: TempDir,
}

impl Site {
    /// The demo with actix-cors outside (`outside = true`) or inside the authentication
    /// middleware.
    fn start(outside: bool) -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let db = dir.path().join("demo.sqlite3");
        let store = UserStore::open(&db).expect("the store opens");
        let key = Key::generate();
        let sessions = web::Data::new(demo::session_backend(store.clone(), &key));
        // actix runs the last `.wrap` first.
        let server = if outside {
            serve(move || {
                App::new()
                    .wrap(demo::middleware(store.clone(), &key))
                    .wrap(demo::session_middleware(
                        &sessions,
                        CookieSessionStore::default(),
                    ))
                    .wrap(cors())
                    .app_data(web::Data::new(store.clone()))
                    .app_data(sessions.clone())
                    .configure(demo::configure)
            })
        } else {
            serve(move || {
                App::new()
                    .wrap(cors())
                    .wrap(demo::middleware(store.clone(), &key))
                    .wrap(demo::session_middleware(
                        &sessions,
                        CookieSessionStore::default(),
                    ))
                    .app_data(web::Data::new(store.clone()))
                    .app_data(sessions.clone())
                    .configure(demo::configure)
            })
        };
        Self {
            server,
            db,
            _dir: dir,
        }
    }

    fn keys(&self) -> i64 {
        let conn = rusqlite::Connection::open(&self.db).expect("the database opens");
        conn.query_row("SELECT COUNT(*) FROM api_keys", [], |row| row.get(0))
            .expect("a count")
    }

    fn post(&self, lines: &[&[u8]]) -> Raw {
        post_witness(self.server.addr(), WITNESS.as_bytes(), lines)
    }

    fn preflight(&self, path: &str, origin: &str, method: &str, headers: &str) -> Raw {
        let request = format!(
            "OPTIONS {path} HTTP/1.1\r\nHost: localhost\r\nOrigin: {origin}\r\n\
             Access-Control-Request-Method: {method}\r\n\
             Access-Control-Request-Headers: {headers}\r\nConnection: close\r\n\r\n"
        );
        exchange(self.server.addr(), request.as_bytes())
    }
}

fn assert_cors(case: &str, reply: &Raw) {
    assert_eq!(
        reply.header("access-control-allow-origin").as_deref(),
        Some(ORIGIN),
        "{case}: {reply:?}"
    );
    assert_eq!(
        reply.header("access-control-allow-credentials").as_deref(),
        Some("true"),
        "{case}: {reply:?}"
    );
}

const ORIGIN_LINE: &[u8] = b"Origin: https://app.example";

#[test]
fn cors_preflight_to_guarded_routes_is_answered_without_running_the_handler() {
    let site = Site::start(true);
    for path in [
        WITNESS,
        "/admin/users",
        "/notes",
        "/notes/1",
        "/admin",
        "/dashboard",
    ] {
        let before = site.keys();
        let reply = site.preflight(path, ORIGIN, "POST", "authorization, content-type");
        assert_eq!(reply.status, 200, "{path}: {reply:?}");
        assert_cors(path, &reply);
        assert!(
            reply.header("www-authenticate").is_none(),
            "{path}: {reply:?}"
        );
        assert!(reply.body.is_empty(), "{path}: {reply:?}");
        assert_eq!(site.keys(), before, "{path}");
    }
}

#[test]
fn cors_preflight_from_another_origin_or_for_another_method_is_refused() {
    let site = Site::start(true);
    let before = site.keys();
    let reply = site.preflight(WITNESS, "https://evil.example", "POST", "authorization");
    assert_eq!(reply.status, 400, "{reply:?}");
    assert!(reply.header("access-control-allow-origin").is_none());
    let reply = site.preflight(WITNESS, ORIGIN, "PUT", "authorization");
    assert_eq!(reply.status, 400, "{reply:?}");
    let reply = site.preflight(WITNESS, ORIGIN, "POST", "x-evil");
    assert_eq!(reply.status, 400, "{reply:?}");
    assert_eq!(site.keys(), before);
}

#[test]
fn cors_refusals_keep_the_cors_headers_when_cors_is_outside() {
    let site = Site::start(true);
    let alice = authorization(&basic("alice", "alice-secret"));
    let wrong = authorization(&basic("admin", "wrong"));
    let cases: [(&str, Vec<&[u8]>, u16); 5] = [
        ("anonymous", vec![ORIGIN_LINE], 401),
        ("alice lacks admin", vec![ORIGIN_LINE, &alice], 403),
        ("wrong password", vec![ORIGIN_LINE, &wrong], 401),
        (
            "malformed Basic",
            vec![ORIGIN_LINE, b"Authorization: Basic !"],
            400,
        ),
        (
            "malformed bearer",
            vec![ORIGIN_LINE, b"Authorization: Bearer a.b"],
            400,
        ),
    ];
    for (case, lines, status) in cases {
        let before = site.keys();
        let reply = site.post(&lines);
        assert_eq!(reply.status, status, "{case}: {reply:?}");
        assert_cors(case, &reply);
        support::attack::assert_handler_did_not_run(case, &reply);
        assert_eq!(site.keys(), before, "{case}");
        if status == 401 {
            let exposed = reply
                .header("access-control-expose-headers")
                .unwrap_or_default();
            assert!(
                exposed.to_ascii_lowercase().contains("www-authenticate"),
                "{case}"
            );
        }
    }

    // The control: admin from the allowed origin is let through, with the CORS headers.
    let admin = authorization(&basic("admin", "admin-secret"));
    let reply = site.post(&[ORIGIN_LINE, &admin]);
    assert_eq!(reply.status, 201, "{reply:?}");
    assert_cors("admin", &reply);
}

#[test]
fn cors_requests_from_another_origin_are_still_authenticated_and_guarded() {
    // CORS only decides what a browser lets a script read; it is not access control. A
    // request from another origin gets no `Access-Control-Allow-Origin`, and the chain and
    // the guards decide as for any other request.
    let site = Site::start(true);
    let evil = b"Origin: https://evil.example".as_slice();
    let alice = authorization(&basic("alice", "alice-secret"));
    for (case, lines, status) in [
        ("anonymous", vec![evil], 401),
        ("alice lacks admin", vec![evil, &alice], 403),
    ] {
        let before = site.keys();
        let reply = site.post(&lines);
        assert_eq!(reply.status, status, "{case}: {reply:?}");
        assert!(
            reply.header("access-control-allow-origin").is_none(),
            "{case}"
        );
        assert_eq!(site.keys(), before, "{case}");
    }

    let admin = authorization(&basic("admin", "admin-secret"));
    let reply = site.post(&[evil, &admin]);
    assert_eq!(reply.status, 201, "{reply:?}");
    assert!(reply.header("access-control-allow-origin").is_none());
}

#[test]
fn cors_inside_the_authentication_middleware_loses_its_headers_on_refusals() {
    // Why the order matters: wrapped inside, actix-cors never sees the chain's own refusals
    // (here the 400 of a malformed header), so a browser reports a CORS error instead of the
    // status. Guards run in the handler, inside actix-cors, and keep the headers. Preflights
    // still pass: they carry no credentials, so the chain finds them anonymous.
    let site = Site::start(false);
    let reply = site.post(&[ORIGIN_LINE, b"Authorization: Basic !"]);
    assert_eq!(reply.status, 400, "{reply:?}");
    assert!(
        reply.header("access-control-allow-origin").is_none(),
        "{reply:?}"
    );

    let reply = site.post(&[ORIGIN_LINE]);
    assert_eq!(reply.status, 401, "{reply:?}");
    assert_cors("guard refusal", &reply);

    let before = site.keys();
    let reply = site.preflight(WITNESS, ORIGIN, "POST", "authorization, content-type");
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_cors("preflight", &reply);
    assert_eq!(site.keys(), before);
}
