//! The API key backend over a real socket: keys in a header or the query, malformed and
//! wrong keys, revocation, scopes, and the demo's key management routes.
//!
//! Most tests run against [`server`]: an [`ApiKeyBackend`] over a [`MemoryKeyStore`] the test
//! keeps a handle on, reading `X-API-Key` and the query parameter `api_key`, in front of
//! routes that count their runs in [`Hits`].

mod support;

use actix_test::TestServer;
use actix_web::http::header::HeaderValue;
use actix_web::http::StatusCode;
use actix_web::{get, web, App, HttpRequest, HttpResponse};
use auth_actix::api_key::{
    ApiKeyBackend, MemoryKeyStore, NewApiKey, INVALID_API_KEY, MALFORMED_API_KEY, REVOKED_API_KEY,
};
use auth_actix::{requires, AuthenticationMiddleware, Chain, Credentials, SimpleUser, User};
use auth_tests::{basic, hit, send, send_with, serve, user_json, Hits, Reply};
use support::demo_server;

const CHALLENGE: &str = r#"ApiKey realm="api", header="X-API-Key""#;
const QUERY: &str = "api_key";

// ---------------------------------------------------------------------------------------------
// The application under test.
// ---------------------------------------------------------------------------------------------

#[get("/")]
async fn homepage(req: HttpRequest) -> HttpResponse {
    hit(&req);
    HttpResponse::Ok().body("home")
}

#[get("/whoami")]
#[requires]
async fn whoami(req: HttpRequest, User(user): User<SimpleUser>) -> HttpResponse {
    hit(&req);
    HttpResponse::Ok().json(user_json(&user))
}

#[get("/reports")]
#[requires(scopes = ["reports:read"])]
async fn reports(req: HttpRequest) -> HttpResponse {
    hit(&req);
    HttpResponse::Ok().body("reports")
}

#[get("/deploy")]
#[requires(scopes = ["deploy"])]
async fn deploy(req: HttpRequest) -> HttpResponse {
    hit(&req);
    HttpResponse::Ok().body("deployed")
}

/// A running server, the key store behind it and its handler-run counter.
struct Harness {
    server: TestServer,
    store: MemoryKeyStore<SimpleUser>,
    hits: web::Data<Hits>,
}

impl Harness {
    /// Issues a key for `username` granting `scopes`.
    fn issue(&self, username: &str, scopes: &[&str]) -> NewApiKey {
        self.store
            .issue(
                SimpleUser::new(username),
                Credentials::from_iter(scopes.iter().copied()),
            )
            .expect("random bytes")
    }

    /// GETs `path` with these `X-API-Key` header values (each sent as its own header).
    async fn get_with_keys(&self, path: &str, keys: &[HeaderValue]) -> Reply {
        let mut request = self.server.get(path);
        for key in keys {
            request = request.append_header(("x-api-key", key.clone()));
        }
        send(request).await
    }

    async fn get_with_key(&self, path: &str, key: &str) -> Reply {
        let value = HeaderValue::from_str(key).expect("a valid header value");
        self.get_with_keys(path, &[value]).await
    }
}

fn server() -> Harness {
    let store = MemoryKeyStore::new();
    let hits = Hits::data();

    let backend = ApiKeyBackend::new(store.clone()).query_param(QUERY);
    let auth = AuthenticationMiddleware::new(Chain::new(backend));
    let app_hits = hits.clone();
    let server = serve(move || {
        App::new()
            .wrap(auth.clone())
            .app_data(app_hits.clone())
            .service(homepage)
            .service(whoami)
            .service(reports)
            .service(deploy)
    });

    Harness {
        server,
        store,
        hits,
    }
}

/// The key with the last digit of its secret changed.
fn tamper(key: &str) -> String {
    let (kept, last) = key.split_at(key.len() - 1);
    let other = if last == "0" { "1" } else { "0" };
    format!("{kept}{other}")
}

fn assert_malformed(reply: &Reply, message: &str) {
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
    assert_eq!(reply.body, message);
    assert_eq!(reply.header("www-authenticate"), None);
}

fn assert_rejected(reply: &Reply, message: &str) {
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{}", reply.body);
    assert_eq!(reply.body, message);
    assert_eq!(reply.header("www-authenticate"), Some(CHALLENGE));
}

// ---------------------------------------------------------------------------------------------
// Keys in the header.
// ---------------------------------------------------------------------------------------------

#[actix_web::test]
async fn api_key_valid_header_authenticates_the_owner() {
    let harness = server();
    let issued = harness.issue("ci-bot", &[]);

    let reply = harness.get_with_key("/whoami", issued.key()).await;

    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body, r#"{"authenticated":true,"user":"ci-bot"}"#);
    assert_eq!(harness.hits.count(), 1);
}

#[actix_web::test]
async fn api_key_header_name_is_case_insensitive() {
    let harness = server();
    let issued = harness.issue("ci-bot", &[]);

    let reply = send(
        harness
            .server
            .get("/whoami")
            .insert_header(("X-API-KEY", issued.key())),
    )
    .await;

    assert_eq!(reply.status, StatusCode::OK);
}

#[actix_web::test]
async fn api_key_wrong_secret_is_401_with_the_challenge() {
    let harness = server();
    let issued = harness.issue("ci-bot", &[]);

    let reply = harness.get_with_key("/", &tamper(issued.key())).await;

    assert_rejected(&reply, INVALID_API_KEY);
    assert_eq!(harness.hits.count(), 0);
}

#[actix_web::test]
async fn api_key_unknown_id_is_401_like_a_wrong_secret() {
    let harness = server();
    harness.issue("ci-bot", &[]);
    let never_stored = NewApiKey::generate().expect("random bytes");

    let reply = harness.get_with_key("/", never_stored.key()).await;

    assert_rejected(&reply, INVALID_API_KEY);
    assert_eq!(harness.hits.count(), 0);
}

#[actix_web::test]
async fn api_key_malformed_forms_are_400_on_any_path() {
    let harness = server();
    let issued = harness.issue("ci-bot", &[]);
    let key = issued.key();
    let (head, tail) = key.split_at(40);
    let mut not_utf8 = key.as_bytes()[..key.len() - 1].to_vec();
    not_utf8.push(0xff);

    let values = [
        HeaderValue::from_static(""),
        HeaderValue::from_str(&key.replacen("ak_", "sk_", 1)).unwrap(),
        HeaderValue::from_str(&key.to_uppercase()).unwrap(),
        HeaderValue::from_str(&format!("{key}0")).unwrap(),
        HeaderValue::from_str(&"a".repeat(64 * 1024)).unwrap(),
        HeaderValue::from_str(&format!("{key}{}", "0".repeat(64 * 1024))).unwrap(),
        HeaderValue::from_bytes(&not_utf8).unwrap(),
        HeaderValue::from_str(&format!("{head} {}", &tail[1..])).unwrap(),
        HeaderValue::from_str(&format!("{head}\t{}", &tail[1..])).unwrap(),
        HeaderValue::from_str(&format!("Bearer {key}")).unwrap(),
    ];

    for value in values {
        let shown = String::from_utf8_lossy(&value.as_bytes()[..value.len().min(30)]).into_owned();
        for path in ["/", "/whoami", "/no-such-route"] {
            let reply = harness
                .get_with_keys(path, std::slice::from_ref(&value))
                .await;

            assert_malformed(&reply, MALFORMED_API_KEY);
            assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{shown} on {path}");
        }
    }
    assert_eq!(harness.hits.count(), 0);
}

// Pins that whitespace around a header value is not part of it (RFC 9110 OWS): the HTTP
// layer drops it before any backend runs, so such a key is the key itself.
#[actix_web::test]
async fn api_key_surrounding_whitespace_belongs_to_the_http_framing() {
    let harness = server();
    let issued = harness.issue("ci-bot", &[]);

    let reply = harness
        .get_with_key("/whoami", &format!(" \t{}\t ", issued.key()))
        .await;

    assert_eq!(reply.status, StatusCode::OK);
}

#[actix_web::test]
async fn api_key_duplicate_headers_are_400_even_when_both_are_valid() {
    let harness = server();
    let issued = harness.issue("ci-bot", &[]);
    let value = HeaderValue::from_str(issued.key()).unwrap();

    let reply = harness
        .get_with_keys("/whoami", &[value.clone(), value])
        .await;

    assert_malformed(&reply, "duplicate X-API-Key header");
    assert_eq!(harness.hits.count(), 0);
}

// ---------------------------------------------------------------------------------------------
// Keys in the query.
// ---------------------------------------------------------------------------------------------

#[actix_web::test]
async fn api_key_query_parameter_authenticates_when_enabled() {
    let harness = server();
    let issued = harness.issue("ci-bot", &[]);

    let reply = send(
        harness
            .server
            .get(format!("/whoami?page=2&{QUERY}={}", issued.key())),
    )
    .await;

    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body, r#"{"authenticated":true,"user":"ci-bot"}"#);
}

#[actix_web::test]
async fn api_key_query_parameter_is_ignored_when_not_enabled() {
    let store = MemoryKeyStore::new();
    let issued = store
        .issue(SimpleUser::new("ci-bot"), Credentials::none())
        .unwrap();
    let auth = AuthenticationMiddleware::new(Chain::new(ApiKeyBackend::new(store)));
    let server = serve(move || App::new().wrap(auth.clone()).service(whoami));

    let reply = send(server.get(format!("/whoami?{QUERY}={}", issued.key()))).await;

    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.body, "Unauthorized");
    assert_eq!(reply.header("www-authenticate"), Some(CHALLENGE));
}

#[actix_web::test]
async fn api_key_in_header_and_query_is_400() {
    let harness = server();
    let issued = harness.issue("ci-bot", &[]);
    let path = format!("/whoami?{QUERY}={}", issued.key());

    let reply = harness.get_with_key(&path, issued.key()).await;

    assert_malformed(&reply, "API key sent both in a header and in the query");
    assert_eq!(harness.hits.count(), 0);
}

#[actix_web::test]
async fn api_key_malformed_or_repeated_query_parameter_is_400() {
    let harness = server();
    let issued = harness.issue("ci-bot", &[]);
    let key = issued.key();

    let cases = [
        (format!("/whoami?{QUERY}="), MALFORMED_API_KEY),
        (format!("/whoami?{QUERY}"), MALFORMED_API_KEY),
        (format!("/whoami?{QUERY}=%20{key}"), MALFORMED_API_KEY),
        (format!("/whoami?{QUERY}={key}+"), MALFORMED_API_KEY),
        (
            format!("/whoami?{QUERY}={key}&{QUERY}={key}"),
            "duplicate api_key query parameter",
        ),
    ];

    for (path, message) in cases {
        let reply = send(harness.server.get(&path)).await;

        assert_malformed(&reply, message);
    }
    assert_eq!(harness.hits.count(), 0);
}

// ---------------------------------------------------------------------------------------------
// Revocation and scopes.
// ---------------------------------------------------------------------------------------------

#[actix_web::test]
async fn api_key_revoked_key_is_401_and_the_handler_never_runs() {
    let harness = server();
    let issued = harness.issue("ci-bot", &[]);

    let before = harness.get_with_key("/whoami", issued.key()).await;
    assert!(harness.store.revoke(issued.id()));
    let after = harness.get_with_key("/whoami", issued.key()).await;
    let unguarded = harness.get_with_key("/", issued.key()).await;

    assert_eq!(before.status, StatusCode::OK);
    assert_rejected(&after, REVOKED_API_KEY);
    assert_rejected(&unguarded, REVOKED_API_KEY);
    assert_eq!(harness.hits.count(), 1);
}

#[actix_web::test]
async fn api_key_revoking_one_key_leaves_the_others_working() {
    let harness = server();
    let revoked = harness.issue("ci-bot", &[]);
    let kept = harness.issue("ci-bot", &[]);

    harness.store.revoke(revoked.id());
    let reply = harness.get_with_key("/whoami", kept.key()).await;

    assert_eq!(reply.status, StatusCode::OK);
}

#[actix_web::test]
async fn api_key_scopes_are_enforced_by_requires() {
    let harness = server();
    let reader = harness.issue("reader", &["reports:read"]);

    let allowed = harness.get_with_key("/reports", reader.key()).await;
    let refused = harness.get_with_key("/deploy", reader.key()).await;

    assert_eq!(allowed.status, StatusCode::OK);
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(refused.header("www-authenticate"), None);
    assert_eq!(harness.hits.count(), 1);
}

#[actix_web::test]
async fn api_key_anonymous_request_to_a_guarded_route_gets_the_challenge() {
    let harness = server();

    let reply = send(harness.server.get("/whoami")).await;
    let unguarded = send(harness.server.get("/")).await;

    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.header("www-authenticate"), Some(CHALLENGE));
    assert_eq!(unguarded.status, StatusCode::OK);
}

// ---------------------------------------------------------------------------------------------
// The demo: admins create and revoke keys, keys act as their owner.
// ---------------------------------------------------------------------------------------------

/// Creates a key as `admin` through the demo's route and returns the reply.
async fn create_key(server: &TestServer, body: &'static str) -> Reply {
    let request = server
        .post("/admin/api-keys")
        .insert_header(("authorization", basic("admin", "admin-secret")))
        .insert_header(("content-type", "application/json"));
    auth_tests::send_body(request, body).await
}

async fn whoami_with_key(server: &TestServer, key: &str) -> Reply {
    send(server.get("/api/whoami").insert_header(("x-api-key", key))).await
}

#[actix_web::test]
async fn api_key_demo_create_use_revoke_then_refused() {
    let (server, _dir) = demo_server();
    let admin = basic("admin", "admin-secret");

    let created = create_key(&server, r#"{"scopes":["authenticated"]}"#).await;
    let body = created.json();
    let key = body["key"].as_str().expect("the plaintext key").to_owned();
    let id = body["id"].as_str().expect("the key id").to_owned();
    let used = whoami_with_key(&server, &key).await;
    let revoked = send_with(server.delete(format!("/admin/api-keys/{id}")), Some(&admin)).await;
    let refused = whoami_with_key(&server, &key).await;

    assert_eq!(created.status, StatusCode::CREATED);
    assert_eq!(body["owner"], "admin");
    assert_eq!(body["scopes"], serde_json::json!(["authenticated"]));
    assert!(key.starts_with(&format!("ak_{id}_")));
    assert_eq!(used.status, StatusCode::OK);
    assert_eq!(
        used.json(),
        serde_json::json!({
            "authenticated": true,
            "user": "admin",
            "backend": "api-key",
            "scopes": ["authenticated"],
        })
    );
    assert_eq!(revoked.status, StatusCode::NO_CONTENT);
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert_eq!(refused.body, REVOKED_API_KEY);
    assert_eq!(
        refused.header("www-authenticate"),
        Some(r#"ApiKey realm="demo", header="X-API-Key""#)
    );
}

#[actix_web::test]
async fn api_key_demo_key_scopes_limit_what_the_admin_key_may_do() {
    let (server, _dir) = demo_server();

    let created = create_key(&server, r#"{"scopes":["authenticated"]}"#).await;
    let key = created.json()["key"].as_str().unwrap().to_owned();
    let users = send(server.get("/admin/users").insert_header(("x-api-key", key))).await;

    assert_eq!(users.status, StatusCode::FORBIDDEN);
}

#[actix_web::test]
async fn api_key_demo_listing_shows_keys_without_secrets() {
    let (server, _dir) = demo_server();
    let created = create_key(&server, r#"{"scopes":["admin"]}"#).await;
    let body = created.json();
    let key = body["key"].as_str().unwrap();

    let listed = send_with(
        server.get("/admin/api-keys"),
        Some(&basic("admin", "admin-secret")),
    )
    .await;

    let mut entries = listed.json();
    let created = entries[0]["created"].take();

    assert_eq!(listed.status, StatusCode::OK);
    assert_eq!(
        entries,
        serde_json::json!([{
            "id": body["id"],
            "owner": "admin",
            "scopes": ["admin"],
            "revoked": false,
            "created": null,
        }])
    );
    assert!(
        created.as_str().is_some_and(|at| at.ends_with('Z')),
        "{created}"
    );
    assert!(!listed.body.contains(&key[key.len() - 64..]));
}

#[actix_web::test]
async fn api_key_demo_refuses_keys_beyond_the_callers_scopes() {
    let (server, _dir) = demo_server();

    let as_alice = send(
        server
            .post("/admin/api-keys")
            .insert_header(("authorization", basic("alice", "alice-secret")))
            .insert_header(("content-type", "application/json")),
    )
    .await;
    let unheld = create_key(&server, r#"{"scopes":["superuser"]}"#).await;
    let blank = create_key(&server, r#"{"scopes":["two words"]}"#).await;
    let anonymous = send(server.post("/admin/api-keys")).await;

    assert_eq!(as_alice.status, StatusCode::FORBIDDEN);
    assert_eq!(unheld.status, StatusCode::FORBIDDEN);
    assert_eq!(blank.status, StatusCode::BAD_REQUEST);
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        anonymous.headers_all("www-authenticate"),
        support::DEMO_CHALLENGES
    );
}

#[actix_web::test]
async fn api_key_demo_revoking_an_unknown_key_is_404() {
    let (server, _dir) = demo_server();

    let reply = send_with(
        server.delete("/admin/api-keys/0123456789abcdef"),
        Some(&basic("admin", "admin-secret")),
    )
    .await;

    assert_eq!(reply.status, StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn api_key_demo_key_survives_a_restart() {
    let (server, dir) = demo_server();
    let created = create_key(&server, r#"{"scopes":["authenticated"]}"#).await;
    let key = created.json()["key"].as_str().unwrap().to_owned();
    drop(server);

    let restarted = support::serve_demo(&dir.path().join("demo.sqlite3"));
    let reply = whoami_with_key(&restarted, &key).await;

    assert_eq!(reply.status, StatusCode::OK);
}
