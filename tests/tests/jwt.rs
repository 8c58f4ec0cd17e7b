//! The bearer JWT backend end to end, over real sockets.
//!
//! One server mounts the same routes behind one backend per kind of key: an HMAC secret
//! (`/hmac`), PEM public keys (`/rsa`, `/ec`, `/ed`), a JWKS document (`/jwks`) and a JWKS URL
//! published by a local key server (`/remote`). Most tests run their case against every one.
//! Keys are generated when the tests run.

use std::time::Duration;

use actix_test::TestServer;
use actix_web::http::header::HeaderValue;
use actix_web::http::StatusCode;
use actix_web::{get, web, App, HttpRequest, HttpResponse};
use auth_actix::jwt::{
    Algorithm, FetchOptions, JwtBackend, JwtError, KeySet, KeySource, RemoteJwks, TokenSigner,
};
use auth_actix::{requires, AuthenticationMiddleware, Chain, MaybeUser, Scopes, SimpleUser, User};
use auth_tests::jwt::{
    claims, crafted, jwks, now, rsa_a, rsa_b, token, KeyServer, TestKey, AUDIENCE, ISSUER, SECRET,
};
use auth_tests::{bearer, send, send_with, serve, Reply};
use awc::error::WsClientError;
use awc::ws::Frame;
use futures_util::StreamExt as _;
use serde_json::{json, Value};

// ---------------------------------------------------------------------------------------------
// The application under test.
// ---------------------------------------------------------------------------------------------

#[get("/me")]
async fn me(MaybeUser(user): MaybeUser<SimpleUser>, scopes: Scopes) -> HttpResponse {
    HttpResponse::Ok().json(json!({
        "user": user.map(|user| user.username().to_owned()),
        "scopes": scopes.iter().collect::<Vec<_>>(),
    }))
}

#[get("/admin")]
#[requires(scopes = ["admin", "notes:write"])]
async fn admin(User(user): User<SimpleUser>) -> String {
    format!("admin {}", user.username())
}

#[get("/ws")]
#[requires]
async fn websocket(
    req: HttpRequest,
    body: web::Payload,
    User(user): User<SimpleUser>,
) -> actix_web::Result<HttpResponse> {
    let (response, mut session, stream) = actix_ws::handle(&req, body)?;
    let name = user.username().to_owned();
    actix_web::rt::spawn(async move {
        let _stream = stream;
        if session.text(name).await.is_ok() {
            let _ = session.close(None).await;
        }
    });
    Ok(response)
}

/// The backends' common configuration: issuer, audience, the default realm `api`.
fn configured<K: KeySource>(keys: K, algorithms: &[Algorithm]) -> JwtBackend<K> {
    JwtBackend::new(keys, algorithms.iter().copied())
        .unwrap()
        .issuer(ISSUER)
        .audience(AUDIENCE)
}

fn protect<K: KeySource>(backend: JwtBackend<K>) -> AuthenticationMiddleware<JwtBackend<K>> {
    AuthenticationMiddleware::new(Chain::new(backend))
}

/// One mounted backend: its path and how to sign tokens it accepts or must refuse.
struct Case {
    path: &'static str,
    signer: TokenSigner,
    /// Same algorithm and key id, another key.
    forger: TokenSigner,
    /// The PEM public key an algorithm-confusion attack would use as an HMAC secret.
    public_pem: Option<String>,
}

impl Case {
    fn url(&self, route: &str) -> String {
        format!("{}{route}", self.path)
    }
}

struct Fixture {
    server: TestServer,
    /// Publishes the keys of `/remote`; kept alive for the server's lifetime.
    _key_server: KeyServer,
    cases: Vec<Case>,
}

macro_rules! mount {
    ($app:expr, $path:expr, $auth:expr) => {
        $app.service(
            web::scope($path)
                .wrap($auth.clone())
                .service(me)
                .service(admin)
                .service(websocket),
        )
    };
}

async fn fixture() -> Fixture {
    let rsa = rsa_a();
    let ec = TestKey::ec("ec-1");
    let ed = TestKey::ed25519("ed-1");
    let document = jwks(&[rsa, &ec, &ed]);
    let key_server = KeyServer::start(document.clone());
    let all = [Algorithm::RS256, Algorithm::ES256, Algorithm::EdDSA];
    let pem = |key: &TestKey| KeySet::from_pem(key.public_pem().as_bytes()).unwrap();

    let hmac = protect(configured(
        KeySet::hmac(SECRET).unwrap(),
        &[Algorithm::HS256],
    ));
    let hmac_ws = protect(
        configured(KeySet::hmac(SECRET).unwrap(), &[Algorithm::HS256])
            .websocket_query_param("access_token"),
    );
    let rsa_auth = protect(configured(pem(rsa), &[Algorithm::RS256]));
    let ec_auth = protect(configured(pem(&ec), &[Algorithm::ES256]));
    let ed_auth = protect(configured(pem(&ed), &[Algorithm::EdDSA]));
    let jwks_auth = protect(configured(
        KeySet::from_jwks(document.as_bytes()).unwrap(),
        &all,
    ));
    let options = FetchOptions::default().allow_http(true);
    let remote = RemoteJwks::start(&key_server.jwks_url(), options)
        .await
        .unwrap();
    let remote_auth = protect(configured(remote, &all));

    let server = serve(move || {
        let app = App::new();
        let app = mount!(app, "/hmac", hmac);
        let app = mount!(app, "/hmac-ws", hmac_ws);
        let app = mount!(app, "/rsa", rsa_auth);
        let app = mount!(app, "/ec", ec_auth);
        let app = mount!(app, "/ed", ed_auth);
        let app = mount!(app, "/jwks", jwks_auth);
        mount!(app, "/remote", remote_auth)
    });

    let other_secret = b"not the secret of the tests, 32+ bytes!!";
    let cases = vec![
        Case {
            path: "/hmac",
            signer: TokenSigner::hs256(SECRET).unwrap(),
            forger: TokenSigner::hs256(other_secret).unwrap(),
            public_pem: None,
        },
        Case {
            path: "/rsa",
            signer: rsa.signer(),
            forger: rsa_b().signer_as(rsa.kid()),
            public_pem: Some(rsa.public_pem().to_owned()),
        },
        Case {
            path: "/ec",
            signer: ec.signer(),
            forger: TestKey::ec("ec-1").signer(),
            public_pem: Some(ec.public_pem().to_owned()),
        },
        Case {
            path: "/ed",
            signer: ed.signer(),
            forger: TestKey::ed25519("ed-1").signer(),
            public_pem: Some(ed.public_pem().to_owned()),
        },
        Case {
            path: "/jwks",
            signer: rsa.signer(),
            forger: rsa_b().signer_as(rsa.kid()),
            public_pem: Some(rsa.public_pem().to_owned()),
        },
        Case {
            path: "/remote",
            signer: ec.signer(),
            forger: TestKey::ec("ec-1").signer(),
            public_pem: Some(ec.public_pem().to_owned()),
        },
    ];
    Fixture {
        server,
        _key_server: key_server,
        cases,
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers.
// ---------------------------------------------------------------------------------------------

async fn get(server: &TestServer, path: &str, token: &str) -> Reply {
    send_with(server.get(path), Some(&bearer(token))).await
}

async fn get_raw(server: &TestServer, path: &str, authorization: &str) -> Reply {
    send_with(server.get(path), Some(authorization)).await
}

/// A 401 with the RFC 6750 `invalid_token` challenge describing `description`.
#[track_caller]
fn assert_invalid_token(reply: &Reply, description: &str, case: &str) {
    assert_eq!(
        reply.status,
        StatusCode::UNAUTHORIZED,
        "{case}: {}",
        reply.body
    );
    assert_eq!(
        reply.header("www-authenticate"),
        Some(
            format!(
                r#"Bearer realm="api", error="invalid_token", error_description="{description}""#
            )
            .as_str()
        ),
        "{case}"
    );
    assert_eq!(reply.body, description, "{case}");
}

/// A 400 with the RFC 6750 `invalid_request` challenge.
#[track_caller]
fn assert_invalid_request(reply: &Reply, case: &str) {
    assert_eq!(
        reply.status,
        StatusCode::BAD_REQUEST,
        "{case}: {}",
        reply.body
    );
    let challenge = reply.header("www-authenticate").unwrap_or_default();
    assert!(
        challenge.starts_with(r#"Bearer realm="api", error="invalid_request""#),
        "{case}: {challenge}"
    );
}

// ---------------------------------------------------------------------------------------------
// Every backend.
// ---------------------------------------------------------------------------------------------

#[actix_web::test]
async fn valid_token_authenticates_on_every_backend() {
    let fixture = fixture().await;

    for case in &fixture.cases {
        let tok = token(&case.signer, json!({ "scope": "notes:read notes:write" }));

        let reply = get(&fixture.server, &case.url("/me"), &tok).await;

        assert_eq!(
            reply.status,
            StatusCode::OK,
            "{}: {}",
            case.path,
            reply.body
        );
        assert_eq!(
            reply.json(),
            json!({ "user": "ada", "scopes": ["notes:read", "notes:write"] }),
            "{}",
            case.path
        );
    }
}

#[actix_web::test]
async fn no_token_is_anonymous_and_guards_answer_the_bearer_challenge() {
    let fixture = fixture().await;

    for case in &fixture.cases {
        let open = send(fixture.server.get(case.url("/me"))).await;
        let basic = send_with(fixture.server.get(case.url("/me")), Some("Basic YTpi")).await;
        let guarded = send(fixture.server.get(case.url("/admin"))).await;

        assert_eq!(
            open.json(),
            json!({ "user": null, "scopes": [] }),
            "{}",
            case.path
        );
        assert_eq!(
            basic.status,
            StatusCode::OK,
            "{}: another scheme is not mine",
            case.path
        );
        assert_eq!(guarded.status, StatusCode::UNAUTHORIZED, "{}", case.path);
        assert_eq!(
            guarded.header("www-authenticate"),
            Some(r#"Bearer realm="api""#)
        );
    }
}

#[actix_web::test]
async fn expired_token_is_401_invalid_token() {
    let fixture = fixture().await;

    for case in &fixture.cases {
        let tok = token(
            &case.signer,
            json!({ "exp": now() - 3600, "iat": now() - 7200 }),
        );

        let reply = get(&fixture.server, &case.url("/me"), &tok).await;

        assert_invalid_token(&reply, "the token has expired", case.path);
    }
}

#[actix_web::test]
async fn not_yet_valid_token_is_401_invalid_token() {
    let fixture = fixture().await;

    for case in &fixture.cases {
        let tok = token(&case.signer, json!({ "nbf": now() + 3600 }));

        let reply = get(&fixture.server, &case.url("/me"), &tok).await;

        assert_invalid_token(&reply, "the token is not valid yet", case.path);
    }
}

#[actix_web::test]
async fn token_signed_by_another_key_is_401() {
    let fixture = fixture().await;

    for case in &fixture.cases {
        let forged = token(&case.forger, json!({ "scope": "admin notes:write" }));

        let reply = get(&fixture.server, &case.url("/admin"), &forged).await;

        assert_invalid_token(&reply, "the token's signature is invalid", case.path);
    }
}

#[actix_web::test]
async fn alg_none_is_401_on_every_backend() {
    let fixture = fixture().await;
    let unsigned = crafted(
        &json!({ "alg": "none", "typ": "JWT" }),
        &Value::Object(claims(json!({ "scope": "admin notes:write" }))),
        b"",
    );

    for case in &fixture.cases {
        let reply = get(&fixture.server, &case.url("/admin"), &unsigned).await;

        assert_invalid_token(&reply, "the token's algorithm is not allowed", case.path);
    }
}

#[actix_web::test]
async fn hmac_token_signed_with_the_public_key_is_401() {
    let fixture = fixture().await;

    for case in fixture
        .cases
        .iter()
        .filter(|case| case.public_pem.is_some())
    {
        // Algorithm confusion: the public key's PEM bytes used as an HMAC secret.
        let pem = case.public_pem.as_deref().unwrap();
        let confused = TokenSigner::hs256(pem.as_bytes()).unwrap();
        let tok = token(&confused, json!({ "scope": "admin notes:write" }));

        let reply = get(&fixture.server, &case.url("/admin"), &tok).await;

        assert_invalid_token(&reply, "the token's algorithm is not allowed", case.path);
    }
}

#[actix_web::test]
async fn public_key_token_on_the_hmac_backend_is_401() {
    let fixture = fixture().await;
    let tok = token(&rsa_a().signer(), json!({}));

    let reply = get(&fixture.server, "/hmac/me", &tok).await;

    assert_invalid_token(&reply, "the token's algorithm is not allowed", "/hmac");
}

#[actix_web::test]
async fn wrong_issuer_or_audience_is_401() {
    let fixture = fixture().await;
    let wrong = [
        (
            json!({ "iss": "https://evil.test" }),
            "the token has the wrong issuer",
        ),
        (
            json!({ "iss": null }),
            "the token lacks the required claim iss",
        ),
        (
            json!({ "aud": "other-api" }),
            "the token has the wrong audience",
        ),
        (
            json!({ "aud": ["other-api", "more"] }),
            "the token has the wrong audience",
        ),
        (
            json!({ "aud": null }),
            "the token lacks the required claim aud",
        ),
    ];

    for case in &fixture.cases {
        for (changes, description) in &wrong {
            let tok = token(&case.signer, changes.clone());

            let reply = get(&fixture.server, &case.url("/me"), &tok).await;

            assert_invalid_token(&reply, description, &format!("{} {changes}", case.path));
        }
    }
}

#[actix_web::test]
async fn scope_claim_of_the_wrong_type_is_401() {
    let fixture = fixture().await;

    for case in &fixture.cases {
        for scope in [json!(7), json!(["admin", 1]), json!({ "admin": true })] {
            let tok = token(&case.signer, json!({ "scope": scope }));

            let reply = get(&fixture.server, &case.url("/me"), &tok).await;

            assert_invalid_token(
                &reply,
                "the scope claim must be a string or an array of strings",
                case.path,
            );
        }
    }
}

#[actix_web::test]
async fn array_scope_claims_are_granted() {
    let fixture = fixture().await;
    let case = &fixture.cases[1];
    let tok = token(
        &case.signer,
        json!({ "scope": null, "scp": ["a", "b"], "permissions": ["c"] }),
    );

    let reply = get(&fixture.server, &case.url("/me"), &tok).await;

    assert_eq!(reply.json()["scopes"], json!(["a", "b", "c"]));
}

#[actix_web::test]
async fn missing_scope_is_403_naming_the_missing_scopes() {
    let fixture = fixture().await;

    for case in &fixture.cases {
        let reader = token(&case.signer, json!({ "scope": "notes:read notes:write" }));
        let writer = token(&case.signer, json!({ "scope": "admin notes:write" }));

        let refused = get(&fixture.server, &case.url("/admin"), &reader).await;
        let allowed = get(&fixture.server, &case.url("/admin"), &writer).await;

        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", case.path);
        assert_eq!(
            refused.header("www-authenticate"),
            Some(r#"Bearer error="insufficient_scope", scope="admin""#),
            "{}",
            case.path
        );
        assert_eq!(allowed.status, StatusCode::OK, "{}", case.path);
        assert_eq!(allowed.body, "admin ada");
    }
}

#[actix_web::test]
async fn malformed_bearer_credentials_are_400_invalid_request() {
    let fixture = fixture().await;
    let part = |text: &str| {
        use base64::Engine as _;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text)
    };
    let non_json_header = format!("Bearer {}.{}.{}", part("alg=HS256"), part("{}"), part("s"));
    let bad_base64 = format!("Bearer {}.%%%.{}", part(r#"{"alg":"HS256"}"#), part("s"));
    let valid = token(&fixture.cases[0].signer, json!({}));
    let two_tokens = format!("Bearer {valid} {valid}");
    let malformed = [
        "Bearer",
        "Bearer    ",
        "bearer a b",
        two_tokens.as_str(),
        "Bearer a.b",
        "Bearer a.b.c.d",
        bad_base64.as_str(),
        non_json_header.as_str(),
    ];

    for case in &fixture.cases {
        for value in malformed {
            let reply = get_raw(&fixture.server, &case.url("/me"), value).await;

            assert_invalid_request(&reply, &format!("{} {value:?}", case.path));
        }
    }
}

#[actix_web::test]
async fn two_spaces_after_the_scheme_are_accepted() {
    // RFC 6750 separates scheme and token with 1*SP; the scheme's case does not matter.
    let fixture = fixture().await;
    let case = &fixture.cases[0];
    let tok = token(&case.signer, json!({}));

    let spaced = get_raw(&fixture.server, "/hmac/me", &format!("Bearer  {tok}")).await;
    let lower = get_raw(&fixture.server, "/hmac/me", &format!("bearer {tok}")).await;

    assert_eq!(spaced.json()["user"], "ada");
    assert_eq!(lower.json()["user"], "ada");
}

#[actix_web::test]
async fn duplicate_authorization_headers_are_400() {
    let fixture = fixture().await;
    let tok = bearer(&token(&fixture.cases[0].signer, json!({})));

    let request = fixture
        .server
        .get("/hmac/me")
        .append_header(("authorization", tok.as_str()))
        .append_header(("authorization", tok.as_str()));
    let reply = send(request).await;

    assert_invalid_request(&reply, "duplicate headers");
    assert_eq!(reply.body, "duplicate authorization header");
}

#[actix_web::test]
async fn non_utf8_authorization_header_is_400() {
    let fixture = fixture().await;
    let value = HeaderValue::from_bytes(b"Bearer \xff\xfe.\xfd.\xfc").unwrap();

    let reply = send(
        fixture
            .server
            .get("/hmac/me")
            .insert_header(("authorization", value)),
    )
    .await;

    assert_invalid_request(&reply, "non-UTF-8");
}

#[actix_web::test]
async fn token_of_64_kib_is_refused_cleanly_with_400() {
    // actix itself refuses request heads over 128 KiB with 431; a 64 KiB header reaches the
    // backend, which refuses tokens over 8 KiB before decoding anything.
    let fixture = fixture().await;
    let huge = format!("Bearer {}", "a".repeat(64 * 1024));

    let reply = get_raw(&fixture.server, "/rsa/me", &huge).await;
    let after = get(
        &fixture.server,
        "/rsa/me",
        &token(&fixture.cases[1].signer, json!({})),
    )
    .await;

    assert_invalid_request(&reply, "64 KiB");
    assert_eq!(reply.body, "the token is longer than 8192 bytes");
    assert_eq!(after.status, StatusCode::OK, "the server keeps serving");
}

// ---------------------------------------------------------------------------------------------
// WebSocket handshakes.
// ---------------------------------------------------------------------------------------------

async fn handshake(server: &TestServer, path: &str) -> Result<String, StatusCode> {
    match awc::Client::new().ws(server.url(path)).connect().await {
        Ok((_response, mut frames)) => match frames.next().await {
            Some(Ok(Frame::Text(text))) => Ok(String::from_utf8(text.to_vec()).unwrap()),
            other => panic!("expected a text frame, got {other:?}"),
        },
        Err(WsClientError::InvalidResponseStatus(status)) => Err(status),
        Err(err) => panic!("the handshake failed: {err}"),
    }
}

#[actix_web::test]
async fn websocket_query_token_is_accepted_only_when_enabled() {
    let fixture = fixture().await;
    let tok = token(&fixture.cases[0].signer, json!({}));
    let query = format!("?access_token={tok}");

    let enabled = handshake(&fixture.server, &format!("/hmac-ws/ws{query}")).await;
    let disabled = handshake(&fixture.server, &format!("/hmac/ws{query}")).await;

    assert_eq!(enabled, Ok("ada".to_owned()));
    assert_eq!(disabled, Err(StatusCode::UNAUTHORIZED));
}

#[actix_web::test]
async fn query_token_is_ignored_outside_websocket_handshakes() {
    let fixture = fixture().await;
    let tok = token(&fixture.cases[0].signer, json!({}));

    let reply = send(
        fixture
            .server
            .get(format!("/hmac-ws/me?access_token={tok}")),
    )
    .await;

    assert_eq!(reply.json()["user"], Value::Null);
}

#[actix_web::test]
async fn websocket_query_token_is_verified() {
    let fixture = fixture().await;
    let expired = token(&fixture.cases[0].signer, json!({ "exp": now() - 3600 }));

    let refused = handshake(
        &fixture.server,
        &format!("/hmac-ws/ws?access_token={expired}"),
    )
    .await;
    let twice = handshake(&fixture.server, "/hmac-ws/ws?access_token=a&access_token=b").await;

    assert_eq!(refused, Err(StatusCode::UNAUTHORIZED));
    assert_eq!(twice, Err(StatusCode::BAD_REQUEST));
}

// ---------------------------------------------------------------------------------------------
// Key ids and rotation.
// ---------------------------------------------------------------------------------------------

#[actix_web::test]
async fn unknown_kid_is_401_on_key_sets() {
    let fixture = fixture().await;

    for path in ["/jwks", "/remote"] {
        let tok = token(&rsa_a().signer_as("no-such-key"), json!({}));

        let reply = get(&fixture.server, &format!("{path}/me"), &tok).await;

        assert_invalid_token(&reply, "the token names an unknown key", path);
    }
}

/// A server whose only backend reads the keys of `key_server` with these options.
async fn remote_server(key_server: &KeyServer, options: FetchOptions) -> TestServer {
    let options = options.allow_http(true);
    let keys = RemoteJwks::start(&key_server.jwks_url(), options)
        .await
        .unwrap();
    let auth = protect(configured(keys, &[Algorithm::RS256]));

    serve(move || mount!(App::new(), "", auth))
}

#[actix_web::test]
async fn unknown_kids_cause_at_most_one_fetch_per_interval() {
    let key_server = KeyServer::start(jwks(&[rsa_a()]));
    let options = FetchOptions::default().min_refetch_interval(Duration::from_millis(300));
    let server = remote_server(&key_server, options).await;
    actix_web::rt::time::sleep(Duration::from_millis(400)).await;

    let mut replies = Vec::new();
    for n in 0..5 {
        let tok = token(&rsa_a().signer_as(&format!("made-up-{n}")), json!({}));
        replies.push(get(&server, "/me", &tok).await.status);
    }

    assert_eq!(replies, [StatusCode::UNAUTHORIZED; 5]);
    assert_eq!(key_server.jwks_fetches(), 2, "the start, then one refetch");
}

#[actix_web::test]
async fn rotated_key_is_found_by_refetch_and_removed_key_is_refused() {
    let (a, b) = (rsa_a(), rsa_b());
    let key_server = KeyServer::start(jwks(&[a]));
    let options = FetchOptions::default().min_refetch_interval(Duration::ZERO);
    let server = remote_server(&key_server, options).await;
    let before = get(&server, "/me", &token(&a.signer(), json!({}))).await;

    key_server.publish(jwks(&[b]));
    let new_key = get(&server, "/me", &token(&b.signer(), json!({}))).await;
    let old_key = get(&server, "/me", &token(&a.signer(), json!({}))).await;

    assert_eq!(before.status, StatusCode::OK);
    assert_eq!(new_key.status, StatusCode::OK, "{}", new_key.body);
    assert_invalid_token(&old_key, "the token names an unknown key", "removed key");
}

#[actix_web::test]
async fn background_refresh_picks_up_rotation() {
    let (a, b) = (rsa_a(), rsa_b());
    let key_server = KeyServer::start(jwks(&[a]));
    // Refetching for unknown key ids is effectively off: only the refresh can rotate.
    let options = FetchOptions::default()
        .min_refetch_interval(Duration::from_secs(3600))
        .refresh_interval(Duration::from_millis(200));
    let server = remote_server(&key_server, options).await;

    key_server.publish(jwks(&[b]));
    let too_early = get(&server, "/me", &token(&b.signer(), json!({}))).await;
    actix_web::rt::time::sleep(Duration::from_millis(600)).await;
    let new_key = get(&server, "/me", &token(&b.signer(), json!({}))).await;
    let old_key = get(&server, "/me", &token(&a.signer(), json!({}))).await;

    assert_eq!(too_early.status, StatusCode::UNAUTHORIZED);
    assert_eq!(new_key.status, StatusCode::OK, "{}", new_key.body);
    assert_eq!(old_key.status, StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn key_server_down_keeps_known_keys_and_answers_503_for_unknown_ones() {
    let a = rsa_a();
    let key_server = KeyServer::start(jwks(&[a]));
    let options = FetchOptions::default().min_refetch_interval(Duration::ZERO);
    let server = remote_server(&key_server, options).await;

    key_server.fail(true);
    let known = get(&server, "/me", &token(&a.signer(), json!({}))).await;
    let unknown = get(&server, "/me", &token(&a.signer_as("new"), json!({}))).await;

    assert_eq!(known.status, StatusCode::OK);
    assert_eq!(unknown.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(unknown.body, "the signing keys could not be fetched");
}

#[actix_web::test]
async fn key_server_down_past_the_maximum_key_age_answers_503_until_it_is_back() {
    let a = rsa_a();
    let key_server = KeyServer::start(jwks(&[a]));
    let options = FetchOptions::default()
        .min_refetch_interval(Duration::ZERO)
        .refresh_interval(Duration::from_millis(100))
        .max_key_age(Duration::from_millis(400));
    let server = remote_server(&key_server, options).await;
    let tok = token(&a.signer(), json!({}));

    key_server.fail(true);
    let fresh = get(&server, "/me", &tok).await;
    actix_web::rt::time::sleep(Duration::from_millis(600)).await;
    let stale = get(&server, "/me", &tok).await;
    key_server.fail(false);
    let back = get(&server, "/me", &tok).await;

    assert_eq!(fresh.status, StatusCode::OK, "{}", fresh.body);
    assert_eq!(stale.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(stale.body, "the signing keys could not be fetched");
    assert_eq!(back.status, StatusCode::OK, "{}", back.body);
}

#[actix_web::test]
async fn remote_keys_fail_to_start_without_a_usable_jwks() {
    let key_server = KeyServer::start(jwks(&[rsa_a()]));
    let options = FetchOptions::default().allow_http(true);

    key_server.fail(true);
    let down = RemoteJwks::start(&key_server.jwks_url(), options.clone()).await;
    key_server.fail(false);
    key_server.publish(r#"{"keys":[]}"#.to_owned());
    let empty = RemoteJwks::start(&key_server.jwks_url(), options).await;
    let insecure = RemoteJwks::start(&key_server.jwks_url(), FetchOptions::default()).await;

    assert!(matches!(down, Err(JwtError::Fetch { .. })), "{down:?}");
    assert!(matches!(empty, Err(JwtError::NoUsableKeys)), "{empty:?}");
    assert!(
        matches!(insecure, Err(JwtError::InsecureUrl(_))),
        "{insecure:?}"
    );
}
