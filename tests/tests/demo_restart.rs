//! The demo deployed as the README describes it for keeping state: users and API keys in a
//! SQLite file, sessions in a real Redis server, and a fixed `SESSION_KEY`. A restart (a new
//! server on the same file, the same Redis and the same key) keeps the login session, the
//! API key and the users.

mod support;

use actix_test::TestServer;
use actix_web::cookie::Key;
use actix_web::http::StatusCode;
use auth_tests::session::{
    cookie_change, csrf_field, get_with_cookie, log_in_through_form, post_form, CookieChange,
    RedisServer,
};
use auth_tests::{basic, send, send_with};
use examples::demo::{self, KEY_PAGE};
use support::serve_demo_with;

/// The deployment's `SESSION_KEY`; the demo derives the cookie key from it like this test.
const SESSION_KEY: &str = "a deployment secret of at least thirty-two bytes";

fn session_key() -> Key {
    Key::derive_from(SESSION_KEY.as_bytes())
}

/// A demo server on the database `db`, with sessions in `redis`, as `REDIS_URL` configures it.
async fn serve_with_redis(db: &std::path::Path, redis: &RedisServer, key: Key) -> TestServer {
    let store = demo::redis_storage(&redis.url())
        .await
        .expect("the Redis store connects");
    serve_demo_with(db, key, move || store.clone())
}

/// Creates a key through the admin page's form; returns the plaintext and the cookie to go
/// on with.
async fn create_key_in_page(server: &TestServer, cookie: &str) -> (String, String) {
    let page = get_with_cookie(server.get(KEY_PAGE), Some(cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    let cookie = match cookie_change(&page) {
        CookieChange::Set(value) => value,
        _ => cookie.to_owned(),
    };

    let csrf = csrf_field(&page.body);
    let fields = [
        ("csrf", csrf.as_str()),
        ("action", "create"),
        ("scope", "authenticated"),
    ];
    let created = post_form(server.post(KEY_PAGE), Some(&cookie), &fields).await;
    assert_eq!(created.status, StatusCode::CREATED);

    let marker = r#"<code id="new-key">"#;
    let start = created.body.find(marker).expect("the new key") + marker.len();
    let end = created.body[start..].find('<').expect("the key ends");
    (created.body[start..start + end].to_owned(), cookie)
}

#[actix_web::test]
async fn demo_sessions_keys_and_users_survive_a_restart_with_redis() {
    let redis = RedisServer::start();
    let dir = tempfile::tempdir().expect("a temporary directory");
    let db = dir.path().join("demo.sqlite3");
    let first = serve_with_redis(&db, &redis, session_key()).await;
    let cookie = log_in_through_form(&first, "admin", "admin-secret").await;
    let (key, cookie) = create_key_in_page(&first, &cookie).await;
    drop(first);

    let restarted = serve_with_redis(&db, &redis, session_key()).await;
    let page = get_with_cookie(restarted.get(KEY_PAGE), Some(&cookie)).await;
    let whoami = get_with_cookie(restarted.get("/api/whoami"), Some(&cookie)).await;
    let by_key = send(
        restarted
            .get("/api/whoami")
            .insert_header(("x-api-key", key)),
    )
    .await;
    let by_password = send_with(
        restarted.get("/api/whoami"),
        Some(&basic("alice", "alice-secret")),
    )
    .await;

    assert_eq!(page.status, StatusCode::OK);
    assert!(page
        .body
        .contains(r#"Logged in as <strong id="user">admin</strong>"#));
    assert_eq!(whoami.json()["backend"], "session");
    assert_eq!(whoami.json()["user"], "admin");
    assert_eq!(by_key.status, StatusCode::OK);
    assert_eq!(by_key.json()["backend"], "api-key");
    assert_eq!(by_password.status, StatusCode::OK);
}

// The control: without the same `SESSION_KEY` (a key generated at start), the session kept
// in Redis is out of reach after a restart, though the users and keys are still there.
#[actix_web::test]
async fn demo_sessions_end_on_restart_without_a_fixed_session_key() {
    let redis = RedisServer::start();
    let dir = tempfile::tempdir().expect("a temporary directory");
    let db = dir.path().join("demo.sqlite3");
    let first = serve_with_redis(&db, &redis, Key::generate()).await;
    let cookie = log_in_through_form(&first, "admin", "admin-secret").await;
    let (key, cookie) = create_key_in_page(&first, &cookie).await;
    drop(first);

    let restarted = serve_with_redis(&db, &redis, Key::generate()).await;
    let page = get_with_cookie(restarted.get(KEY_PAGE), Some(&cookie)).await;
    let by_key = send(
        restarted
            .get("/api/whoami")
            .insert_header(("x-api-key", key)),
    )
    .await;

    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(by_key.status, StatusCode::OK);
}
