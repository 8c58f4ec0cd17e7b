//! The demo's guards beyond Starlette, over a real socket: typed scopes, an expression, an
//! object check, a guarded scope, the policies page, and the route audit of every handler.

mod support;

use actix_test::TestServer;
use actix_web::http::StatusCode;
use auth_actix::audit;
use auth_tests::{basic, send, send_with, Reply};
use examples::demo::{self};
use support::demo_server;

async fn get_as(server: &TestServer, path: &str, user: &str, password: &str) -> Reply {
    send_with(server.get(path), Some(&basic(user, password))).await
}

#[test]
fn demo_routes_are_all_guarded_or_public() {
    audit::assert_all_routes_covered(demo::HANDLERS);
}

#[actix_web::test]
async fn demo_note_is_shown_to_its_owner() {
    let (server, _dir) = demo_server();

    let reply = get_as(&server, "/notes/1", "alice", "alice-secret").await;

    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.json(),
        serde_json::json!({"id": 1, "owner": "alice", "text": "buy milk"})
    );
}

#[actix_web::test]
async fn demo_note_of_another_user_is_403() {
    let (server, _dir) = demo_server();

    let reply = get_as(&server, "/notes/2", "alice", "alice-secret").await;

    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(reply.body, "Forbidden");
}

#[actix_web::test]
async fn demo_admin_reads_any_note() {
    let (server, _dir) = demo_server();

    let reply = get_as(&server, "/notes/1", "admin", "admin-secret").await;

    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json()["owner"], "alice");
}

#[actix_web::test]
async fn demo_unknown_note_is_404_from_the_object_check() {
    let (server, _dir) = demo_server();

    let missing = get_as(&server, "/notes/99", "alice", "alice-secret").await;
    let not_a_number = get_as(&server, "/notes/abc", "alice", "alice-secret").await;

    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(not_a_number.status, StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn demo_notes_scope_refuses_anonymous_before_routing() {
    let (server, _dir) = demo_server();

    let note = send(
        server
            .get("/notes/1")
            .insert_header(("accept", "application/json")),
    )
    .await;
    let unknown = send(
        server
            .get("/notes/1/x")
            .insert_header(("accept", "application/json")),
    )
    .await;

    for reply in [note, unknown] {
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
        assert_eq!(
            reply.headers_all("www-authenticate"),
            support::DEMO_CHALLENGES
        );
    }
}

#[actix_web::test]
async fn demo_notes_lists_only_the_users_own() {
    let (server, _dir) = demo_server();

    let alice = get_as(&server, "/notes", "alice", "alice-secret").await;
    let admin = get_as(&server, "/notes", "admin", "admin-secret").await;

    assert_eq!(
        alice.json(),
        serde_json::json!([{"id": 1, "owner": "alice", "text": "buy milk"}])
    );
    assert_eq!(
        admin.json(),
        serde_json::json!([{"id": 2, "owner": "admin", "text": "rotate the keys"}])
    );
}

#[actix_web::test]
async fn demo_policies_page_is_for_admins_only() {
    let (server, _dir) = demo_server();

    let anonymous = send(
        server
            .get("/admin/policies")
            .insert_header(("accept", "application/json")),
    )
    .await;
    let alice = get_as(&server, "/admin/policies", "alice", "alice-secret").await;
    let admin = get_as(&server, "/admin/policies", "admin", "admin-secret").await;

    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert_eq!(alice.status, StatusCode::FORBIDDEN);
    assert_eq!(admin.status, StatusCode::OK);
    assert_eq!(admin.header("content-type"), Some("application/json"));
}

#[actix_web::test]
async fn demo_policies_page_lists_each_handler_with_its_policy() {
    let (server, _dir) = demo_server();

    let reply = get_as(&server, "/admin/policies", "admin", "admin-secret").await;
    let routes = reply.json();
    let entry = |handler: &str| {
        let name = format!("examples::demo::routes::{handler}");
        routes
            .as_array()
            .expect("a JSON list")
            .iter()
            .find(|route| route["handler"] == name.as_str())
            .unwrap_or_else(|| panic!("{name} is not listed"))
            .clone()
    };

    assert_eq!(entry("homepage")["access"], "public");
    assert_eq!(entry("list_users")["access"], r#"scopes = all("admin")"#);
    assert_eq!(
        entry("admin")["access"],
        r#"scopes = all("authenticated"), redirect = route "login""#
    );
    assert_eq!(
        entry("show_note"),
        serde_json::json!({
            "handler": "examples::demo::routes::show_note",
            "methods": [],
            "route": null,
            "access": r#"scopes = all(any("admin", all("authenticated", not("suspended"))))"#,
            "check": "owns_note",
        })
    );
}
