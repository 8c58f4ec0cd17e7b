//! The demo's API-key admin page over a real socket: listing, creating and revoking keys with
//! HTML forms, the CSRF defence of each form, and the guard in front of the page.
//!
//! Each test keeps the session cookie by hand, taking the newest one a reply sets.

mod support;

use std::path::Path;

use actix_test::TestServer;
use actix_web::http::StatusCode;
use auth_tests::session::{cookie_change, csrf_field, get_with_cookie, post_form, CookieChange};
use auth_tests::{basic, send, send_body, send_with, Reply};
use examples::demo::KEY_PAGE;
use support::demo_server;

const LOGIN_WITH_NEXT: &str = "/login?next=%2Fadmin%2Fapi-keys%2Fpage";

/// A browser reduced to its session cookie.
struct Browser<'a> {
    server: &'a TestServer,
    cookie: Option<String>,
}

impl<'a> Browser<'a> {
    fn new(server: &'a TestServer) -> Self {
        Self {
            server,
            cookie: None,
        }
    }

    /// A browser that logged in as `username` through the login form.
    async fn logged_in(server: &'a TestServer, username: &str, password: &str) -> Self {
        let mut browser = Self::new(server);
        let form = browser.get("/login").await;
        let csrf = csrf_field(&form.body);
        let fields = [
            ("username", username),
            ("password", password),
            ("csrf", csrf.as_str()),
        ];
        let reply = browser.post("/login", &fields).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
        browser
    }

    async fn get(&mut self, path: &str) -> Reply {
        let reply = get_with_cookie(self.server.get(path), self.cookie.as_deref()).await;
        self.keep_cookie(&reply);
        reply
    }

    async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let request = self.server.post(path);
        let reply = post_form(request, self.cookie.as_deref(), fields).await;
        self.keep_cookie(&reply);
        reply
    }

    fn keep_cookie(&mut self, reply: &Reply) {
        match cookie_change(reply) {
            CookieChange::Set(value) => self.cookie = Some(value),
            CookieChange::Removed => self.cookie = None,
            CookieChange::Untouched => {}
        }
    }

    /// Opens the key page and returns the CSRF token of its forms.
    async fn page_token(&mut self) -> String {
        let page = self.get(KEY_PAGE).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        csrf_field(&page.body)
    }
}

/// Creates a key through the JSON API, as admin over Basic; returns its id and plaintext.
async fn create_key_by_json(server: &TestServer) -> (String, String) {
    let request = server
        .post("/admin/api-keys")
        .insert_header(("authorization", basic("admin", "admin-secret")))
        .insert_header(("content-type", "application/json"));
    let reply = send_body(request, r#"{"scopes":["authenticated"]}"#).await;
    assert_eq!(reply.status, StatusCode::CREATED);

    let body = reply.json();
    let field = |name: &str| body[name].as_str().expect("a string").to_owned();
    (field("id"), field("key"))
}

async fn whoami_with_key(server: &TestServer, key: &str) -> Reply {
    send(server.get("/api/whoami").insert_header(("x-api-key", key))).await
}

/// The keys as the JSON API lists them.
async fn listed_keys(server: &TestServer) -> serde_json::Value {
    let admin = basic("admin", "admin-secret");
    let reply = send_with(server.get("/admin/api-keys"), Some(&admin)).await;
    assert_eq!(reply.status, StatusCode::OK);
    reply.json()
}

/// The plaintext key a page shows once, if any.
fn shown_key(body: &str) -> Option<&str> {
    let marker = r#"<code id="new-key">"#;
    let start = body.find(marker)? + marker.len();
    let end = body[start..].find("</code>")?;
    Some(&body[start..start + end])
}

/// The hash the database keeps for the key `id`.
fn stored_hash(db: &Path, id: &str) -> String {
    let conn = rusqlite::Connection::open(db).expect("the database opens");
    conn.query_row(
        "SELECT secret_hash FROM api_keys WHERE id = ?1",
        [id],
        |row| row.get(0),
    )
    .expect("the key is stored")
}

#[actix_web::test]
async fn key_page_lists_keys_without_their_secrets() {
    let (server, dir) = demo_server();
    let (id, key) = create_key_by_json(&server).await;
    let mut admin = Browser::logged_in(&server, "admin", "admin-secret").await;

    let page = admin.get(KEY_PAGE).await;

    let row_start = page
        .body
        .find(&format!(r#"<tr id="key-{id}">"#))
        .expect("a row");
    let row = &page.body[row_start..];
    let row = &row[..row.find("</tr>").expect("the row ends")];
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(page.header("cache-control"), Some("no-store"));
    assert!(page
        .body
        .contains(r#"Logged in as <strong id="user">admin</strong>"#));
    assert!(
        row.contains("<td>admin</td><td>authenticated</td><td>20"),
        "{row}"
    );
    assert!(row.contains(r#"<td class="status">active</td>"#), "{row}");
    assert!(row.contains("<button>Revoke</button>"), "{row}");
    assert!(!page.body.contains(&key[key.len() - 64..]));
    assert!(!page
        .body
        .contains(&stored_hash(&dir.path().join("demo.sqlite3"), &id)));
    assert_eq!(shown_key(&page.body), None);
}

#[actix_web::test]
async fn key_page_form_creates_a_key_that_works_on_whoami() {
    let (server, _dir) = demo_server();
    let mut admin = Browser::logged_in(&server, "admin", "admin-secret").await;
    let csrf = admin.page_token().await;

    let fields = [
        ("csrf", csrf.as_str()),
        ("action", "create"),
        ("scope", "authenticated"),
    ];
    let created = admin.post(KEY_PAGE, &fields).await;
    let key = shown_key(&created.body).expect("the new key").to_owned();
    let used = whoami_with_key(&server, &key).await;
    let reloaded = admin.get(KEY_PAGE).await;

    assert_eq!(created.status, StatusCode::CREATED);
    assert_eq!(created.header("cache-control"), Some("no-store"));
    assert!(key.starts_with("ak_"), "{key}");
    assert_eq!(used.status, StatusCode::OK);
    assert_eq!(
        used.json(),
        serde_json::json!({
            "authenticated": true,
            "backend": "api-key",
            "scopes": ["authenticated"],
            "user": "admin",
        })
    );
    // Shown once: the next visit lists the key without its plaintext.
    let id = key.split('_').nth(1).expect("an id");
    assert!(reloaded.body.contains(&format!(r#"<tr id="key-{id}">"#)));
    assert!(!reloaded.body.contains(&key));
}

#[actix_web::test]
async fn key_page_form_revokes_a_key_and_the_key_is_refused() {
    let (server, _dir) = demo_server();
    let (id, key) = create_key_by_json(&server).await;
    let before = whoami_with_key(&server, &key).await;
    let mut admin = Browser::logged_in(&server, "admin", "admin-secret").await;
    let csrf = admin.page_token().await;

    let fields = [
        ("csrf", csrf.as_str()),
        ("action", "revoke"),
        ("id", id.as_str()),
    ];
    let revoked = admin.post(KEY_PAGE, &fields).await;
    let after = whoami_with_key(&server, &key).await;
    let page = admin.get(KEY_PAGE).await;

    assert_eq!(before.status, StatusCode::OK);
    assert_eq!(revoked.status, StatusCode::SEE_OTHER);
    assert_eq!(revoked.header("location"), Some(KEY_PAGE));
    assert_eq!(after.status, StatusCode::UNAUTHORIZED);
    assert_eq!(after.body, "API key revoked");
    assert!(page.body.contains(r#"<td class="status">revoked</td>"#));
    assert!(!page.body.contains("<button>Revoke</button>"));
}

#[actix_web::test]
async fn key_page_forms_without_the_sessions_csrf_token_change_nothing() {
    let (server, _dir) = demo_server();
    let (id, key) = create_key_by_json(&server).await;
    let listed_before = listed_keys(&server).await;
    let mut admin = Browser::logged_in(&server, "admin", "admin-secret").await;
    let csrf = admin.page_token().await;
    let wrong = format!("{}x", &csrf[..csrf.len() - 1]);
    let (csrf, wrong, id) = (csrf.as_str(), wrong.as_str(), id.as_str());

    let forms: [&[(&str, &str)]; 6] = [
        &[("action", "create"), ("scope", "authenticated")],
        &[
            ("csrf", ""),
            ("action", "create"),
            ("scope", "authenticated"),
        ],
        &[("csrf", wrong), ("action", "create"), ("scope", "admin")],
        &[("action", "revoke"), ("id", id)],
        &[("csrf", wrong), ("action", "revoke"), ("id", id)],
        &[("csrf", &csrf[1..]), ("action", "revoke"), ("id", id)],
    ];
    for fields in forms {
        let reply = admin.post(KEY_PAGE, fields).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{fields:?}");
        assert!(reply.body.contains("CSRF token"), "{}", reply.body);
    }
    // A body that is not a form at all carries no token either.
    let request = server
        .post(KEY_PAGE)
        .insert_header(("cookie", format!("id={}", admin.cookie.as_deref().unwrap())))
        .insert_header(("content-type", "application/json"));
    let json = send_body(request, r#"{"action":"revoke","id":"x"}"#).await;

    assert_eq!(json.status, StatusCode::FORBIDDEN);
    assert_eq!(listed_keys(&server).await, listed_before);
    assert_eq!(whoami_with_key(&server, &key).await.status, StatusCode::OK);
}

#[actix_web::test]
async fn key_page_refuses_non_admins_with_403() {
    let (server, _dir) = demo_server();
    let (id, key) = create_key_by_json(&server).await;
    let mut alice = Browser::logged_in(&server, "alice", "alice-secret").await;
    // Her own session's token, from the logout form `GET /login` shows her.
    let csrf = csrf_field(&alice.get("/login").await.body);

    let page = alice.get(KEY_PAGE).await;
    let create = [
        ("csrf", csrf.as_str()),
        ("action", "create"),
        ("scope", "authenticated"),
    ];
    let created = alice.post(KEY_PAGE, &create).await;
    let revoke = [
        ("csrf", csrf.as_str()),
        ("action", "revoke"),
        ("id", id.as_str()),
    ];
    let revoked = alice.post(KEY_PAGE, &revoke).await;
    let by_basic = send_with(server.get(KEY_PAGE), Some(&basic("alice", "alice-secret"))).await;

    for reply in [page, created, revoked, by_basic] {
        assert_eq!(reply.status, StatusCode::FORBIDDEN);
        assert_eq!(reply.body, "Forbidden");
    }
    assert_eq!(listed_keys(&server).await.as_array().map(Vec::len), Some(1));
    assert_eq!(whoami_with_key(&server, &key).await.status, StatusCode::OK);
}

#[actix_web::test]
async fn key_page_sends_anonymous_browsers_to_the_login_form_and_back() {
    let (server, _dir) = demo_server();
    let mut browser = Browser::new(&server);

    let page = browser.get(KEY_PAGE).await;
    let form = browser
        .post(KEY_PAGE, &[("action", "create"), ("scope", "admin")])
        .await;
    let api_client = send(
        server
            .get(KEY_PAGE)
            .insert_header(("accept", "application/json")),
    )
    .await;

    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.header("location"), Some(LOGIN_WITH_NEXT));
    assert_eq!(form.status, StatusCode::SEE_OTHER);
    assert_eq!(form.header("location"), Some(LOGIN_WITH_NEXT));
    assert_eq!(api_client.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        api_client.headers_all("www-authenticate"),
        support::DEMO_CHALLENGES
    );
    assert_eq!(listed_keys(&server).await, serde_json::json!([]));

    // The login form carries the `next` and leads back to the page.
    let login_form = browser.get(LOGIN_WITH_NEXT).await;
    let csrf = csrf_field(&login_form.body);
    let fields = [
        ("username", "admin"),
        ("password", "admin-secret"),
        ("csrf", csrf.as_str()),
        ("next", KEY_PAGE),
    ];
    let login = browser.post("/login", &fields).await;
    let back = browser.get(KEY_PAGE).await;

    assert!(login_form
        .body
        .contains(r#"<input type="hidden" name="next" value="/admin/api-keys/page">"#));
    assert_eq!(login.header("location"), Some(KEY_PAGE));
    assert_eq!(back.status, StatusCode::OK);
}

#[actix_web::test]
async fn key_page_form_refuses_scopes_the_admin_cannot_grant() {
    let (server, _dir) = demo_server();
    let mut admin = Browser::logged_in(&server, "admin", "admin-secret").await;
    let csrf = admin.page_token().await;

    let csrf = csrf.as_str();
    let create = |scope| [("csrf", csrf), ("action", "create"), ("scope", scope)];

    let unheld = admin.post(KEY_PAGE, &create("superuser")).await;
    let blank = admin.post(KEY_PAGE, &create("two words")).await;
    let unknown = admin
        .post(KEY_PAGE, &[("csrf", csrf), ("action", "rename")])
        .await;
    let revoke_unknown = [
        ("csrf", csrf),
        ("action", "revoke"),
        ("id", "0123456789abcdef"),
    ];
    let missing = admin.post(KEY_PAGE, &revoke_unknown).await;

    assert_eq!(unheld.status, StatusCode::FORBIDDEN);
    assert!(unheld.body.contains("cannot grant scopes its owner lacks"));
    assert_eq!(blank.status, StatusCode::BAD_REQUEST);
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    for reply in [&unheld, &blank, &unknown, &missing] {
        assert_eq!(shown_key(&reply.body), None);
        assert!(reply.body.contains(r#"<p role="alert">"#), "{}", reply.body);
    }
    assert_eq!(listed_keys(&server).await, serde_json::json!([]));
}
