//! The demo service, as the README's tour drives it: real users in SQLite, real argon2
//! hashes, HTTP Basic over a real socket. Its session login is tested in `session.rs`.

mod support;

use actix_web::http::StatusCode;
use auth_tests::{basic, handshake, send, send_with, Handshake, INVALID_BASIC, WRONG_PASSWORD};
use awc::ws::Frame;
use examples::demo::{self, UserStore};
use support::demo_server;

const DEMO_CHALLENGE: &str = r#"Basic realm="demo", charset="UTF-8""#;

#[actix_web::test]
async fn demo_homepage_shows_the_anonymous_user() {
    let (server, _dir) = demo_server();

    let reply = send(server.get("/")).await;

    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body, r#"{"authenticated":false,"user":""}"#);
}

#[actix_web::test]
async fn demo_homepage_shows_a_seeded_user_by_password() {
    let (server, _dir) = demo_server();

    let reply = send_with(server.get("/"), Some(&basic("alice", "alice-secret"))).await;

    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body, r#"{"authenticated":true,"user":"alice"}"#);
}

#[actix_web::test]
async fn demo_dashboard_anonymous_is_401_with_the_demo_realm() {
    let (server, _dir) = demo_server();

    let reply = send(server.get("/dashboard")).await;

    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        reply.headers_all("www-authenticate"),
        support::DEMO_CHALLENGES
    );
}

#[actix_web::test]
async fn demo_wrong_password_and_unknown_user_get_the_same_401() {
    let (server, _dir) = demo_server();

    let wrong = send_with(server.get("/"), Some(&basic("alice", "nope"))).await;
    let unknown = send_with(server.get("/"), Some(&basic("mallory", "alice-secret"))).await;

    for reply in [wrong, unknown] {
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
        assert_eq!(reply.header("www-authenticate"), Some(DEMO_CHALLENGE));
        assert_eq!(reply.body, WRONG_PASSWORD);
    }
}

#[actix_web::test]
async fn demo_malformed_header_is_400() {
    let (server, _dir) = demo_server();

    let reply = send_with(server.get("/"), Some("basic foobar")).await;

    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.body, INVALID_BASIC);
}

#[actix_web::test]
async fn demo_admin_redirects_browsers_to_the_login_form_with_next() {
    let (server, _dir) = demo_server();

    let reply = send(server.get("/admin?tab=users")).await;

    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(
        reply.header("location"),
        Some("/login?next=%2Fadmin%3Ftab%3Dusers")
    );
    assert_eq!(reply.body, "");
}

#[actix_web::test]
async fn demo_admin_answers_api_clients_with_401() {
    let (server, _dir) = demo_server();

    let reply = send(
        server
            .get("/admin")
            .insert_header(("accept", "application/json")),
    )
    .await;

    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn demo_user_listing_is_403_without_the_admin_scope() {
    let (server, _dir) = demo_server();

    let reply = send_with(
        server.get("/admin/users"),
        Some(&basic("alice", "alice-secret")),
    )
    .await;

    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(reply.header("www-authenticate"), None);
}

#[actix_web::test]
async fn demo_user_listing_shows_every_user_to_the_admin() {
    let (server, _dir) = demo_server();

    let reply = send_with(
        server.get("/admin/users"),
        Some(&basic("admin", "admin-secret")),
    )
    .await;

    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.json(),
        serde_json::json!([
            {"username": "admin", "scopes": ["authenticated", "admin"]},
            {"username": "alice", "scopes": ["authenticated"]},
        ])
    );
}

#[actix_web::test]
async fn demo_decorated_dashboard_adds_the_payload() {
    let (server, _dir) = demo_server();

    let reply = send_with(
        server.get("/dashboard/decorated"),
        Some(&basic("alice", "alice-secret")),
    )
    .await;

    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.json(),
        serde_json::json!({"authenticated": true, "user": "alice", "additional": "payload"})
    );
}

#[actix_web::test]
async fn demo_wrong_method_is_405() {
    let (server, _dir) = demo_server();

    let reply = send(server.post("/dashboard")).await;

    assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);
}

#[actix_web::test]
async fn demo_websocket_sends_the_user_once_accepted() {
    let (server, _dir) = demo_server();

    let request = awc::Client::new()
        .ws(server.url("/ws"))
        .set_header("authorization", basic("alice", "alice-secret"));
    let outcome = handshake(request).await;

    assert_eq!(
        outcome,
        Handshake::Accepted(Frame::Text(
            r#"{"authenticated":true,"user":"alice"}"#.into()
        ))
    );
}

#[actix_web::test]
async fn demo_websocket_refuses_anonymous_handshakes() {
    let (server, _dir) = demo_server();

    let outcome = handshake(awc::Client::new().ws(server.url("/ws"))).await;

    assert_eq!(outcome, Handshake::Refused(StatusCode::UNAUTHORIZED));
}

#[actix_web::test]
async fn demo_broken_user_store_is_503_and_the_server_recovers() {
    let (server, dir) = demo_server();
    let path = dir.path().join("demo.sqlite3");
    let admin = basic("admin", "admin-secret");

    // Break the store under the running server, then mend it.
    let conn = rusqlite::Connection::open(&path).expect("a second connection");
    conn.execute_batch("ALTER TABLE users RENAME TO users_away")
        .expect("the table is renamed");
    let broken = send_with(server.get("/admin/users"), Some(&admin)).await;
    conn.execute_batch("ALTER TABLE users_away RENAME TO users")
        .expect("the table is restored");
    let mended = send_with(server.get("/admin/users"), Some(&admin)).await;

    assert_eq!(broken.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(broken.body, "the user store is unavailable");
    assert_eq!(mended.status, StatusCode::OK);
}

#[actix_web::test]
async fn demo_users_survive_a_restart() {
    let (server, dir) = demo_server();
    drop(server);

    let store = UserStore::open(dir.path().join("demo.sqlite3")).expect("the store reopens");

    assert_eq!(
        store.list().expect("the users").len(),
        demo::DEMO_USERS.len()
    );
}
