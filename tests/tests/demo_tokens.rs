//! The demo's bearer tokens over a real socket: issued at `/token`, accepted on every route
//! and, in the query, on WebSocket handshakes.

mod support;

use actix_test::TestServer;
use actix_web::http::StatusCode;
use auth_tests::{basic, bearer, handshake, send, send_with, Handshake, Reply};
use awc::ws::Frame;
use support::demo_server;

/// A token for `user`, issued by the demo to a Basic-authenticated request.
async fn token_for(server: &TestServer, user: &str, password: &str) -> String {
    let reply = send_with(server.post("/token"), Some(&basic(user, password))).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.json()["access_token"]
        .as_str()
        .expect("a token")
        .to_owned()
}

async fn whoami(server: &TestServer, token: &str) -> Reply {
    send_with(server.get("/api/whoami"), Some(&bearer(token))).await
}

#[actix_web::test]
async fn demo_token_authenticates_its_user_with_their_scopes() {
    let (server, _dir) = demo_server();
    let token = token_for(&server, "admin", "admin-secret").await;

    let reply = whoami(&server, &token).await;

    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.json(),
        serde_json::json!({
            "authenticated": true,
            "user": "admin",
            "backend": "jwt",
            "scopes": ["admin", "authenticated"],
        })
    );
}

#[actix_web::test]
async fn demo_token_lacking_a_scope_gets_insufficient_scope() {
    let (server, _dir) = demo_server();
    let token = token_for(&server, "alice", "alice-secret").await;

    let reply = send_with(server.get("/admin/users"), Some(&bearer(&token))).await;

    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(
        reply.header("www-authenticate"),
        Some(r#"Bearer error="insufficient_scope", scope="admin""#)
    );
}

#[actix_web::test]
async fn demo_token_with_a_forged_signature_is_401_invalid_token() {
    let (server, _dir) = demo_server();
    let token = token_for(&server, "alice", "alice-secret").await;
    let (unsigned, signature) = token.rsplit_once('.').expect("three parts");
    // Another first character keeps the signature valid base64url of the same length.
    let replacement = if signature.starts_with('A') { "B" } else { "A" };
    let forged = format!("{unsigned}.{replacement}{}", &signature[1..]);

    let reply = whoami(&server, &forged).await;

    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    let challenge = reply.header("www-authenticate").expect("a challenge");
    assert!(
        challenge.contains(r#"error="invalid_token""#),
        "{challenge}"
    );
}

#[actix_web::test]
async fn demo_token_from_another_demo_is_refused() {
    // Each demo signs with a secret derived from its own session key.
    let (first, _first_dir) = demo_server();
    let (second, _second_dir) = demo_server();
    let token = token_for(&first, "admin", "admin-secret").await;

    let reply = whoami(&second, &token).await;

    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn demo_token_endpoint_refuses_anonymous_callers() {
    let (server, _dir) = demo_server();

    let reply = send(server.post("/token")).await;

    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn demo_websocket_accepts_a_token_in_the_query() {
    let (server, _dir) = demo_server();
    let token = token_for(&server, "alice", "alice-secret").await;

    let url = server.url(&format!("/ws?access_token={token}"));
    let outcome = handshake(awc::Client::new().ws(url)).await;

    assert_eq!(
        outcome,
        Handshake::Accepted(Frame::Text(
            r#"{"authenticated":true,"user":"alice"}"#.into()
        ))
    );
}

#[actix_web::test]
async fn demo_query_token_is_ignored_outside_websocket_handshakes() {
    let (server, _dir) = demo_server();
    let token = token_for(&server, "alice", "alice-secret").await;

    let reply = send(server.get(format!("/api/whoami?access_token={token}"))).await;

    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
}
