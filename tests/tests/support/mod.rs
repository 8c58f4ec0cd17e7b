//! The demo application on a fresh database, shared by the demo's end-to-end test files.

#![allow(
    dead_code,
    reason = "each test file uses a different part of this module"
)]

use std::path::Path;

use actix_test::TestServer;
use actix_web::cookie::Key;
use actix_web::{web, App};
use auth_actix::session::actix_session::storage::SessionStore;
use auth_actix::session::CookieSessionStore;
use auth_tests::serve;
use examples::demo::{self, UserStore};
use tempfile::TempDir;

pub(crate) mod attack;

/// A demo server on a fresh database; the directory holding it lives as long as the guard.
pub(crate) fn demo_server() -> (TestServer, TempDir) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let server = serve_demo(&dir.path().join("demo.sqlite3"));
    (server, dir)
}

/// A demo server, as the demo binary builds it, on the database at `path`, with sessions in
/// cookies.
pub(crate) fn serve_demo(path: &Path) -> TestServer {
    serve_demo_with(path, Key::generate(), CookieSessionStore::default)
}

/// A demo server, as the demo binary builds it, on the database at `path`, with the session
/// cookie's key `key` and sessions in the stores `storage` makes.
pub(crate) fn serve_demo_with<S, F>(path: &Path, key: Key, storage: F) -> TestServer
where
    S: SessionStore + 'static,
    F: Fn() -> S + Clone + Send + 'static,
{
    let store = UserStore::open(path).expect("the store opens");
    let sessions = web::Data::new(demo::session_backend(store.clone(), &key));
    let signer = web::Data::new(demo::token_signer(&key));

    serve(move || {
        App::new()
            .wrap(demo::middleware(store.clone(), &key))
            .wrap(demo::session_middleware(&sessions, storage()))
            .app_data(web::Data::new(store.clone()))
            .app_data(sessions.clone())
            .app_data(signer.clone())
            .configure(demo::configure)
    })
}

/// What the demo answers an anonymous request to a guarded route, in chain order: bearer
/// tokens, API keys, then Basic (the session backend has no challenge).
pub(crate) const DEMO_CHALLENGES: [&str; 3] = [
    r#"Bearer realm="demo""#,
    r#"ApiKey realm="demo", header="X-API-Key""#,
    r#"Basic realm="demo", charset="UTF-8""#,
];
