//! Forged and tampered bearer tokens: against the demo's HS256 tokens (the witness is the
//! key-creating `POST /admin/api-keys`, see `support::attack`), and against a chain verifying
//! RS256 tokens with a JWKS of two keys (the witness is a counter the guarded handler raises).
//! Each case asserts the exact status and that no guarded handler ran.

mod support;

use actix_web::cookie::Key;
use actix_web::{web, App, HttpRequest, HttpResponse};
use auth_actix::jwt::{Algorithm, JwtBackend, KeySet, TokenSigner};
use auth_actix::{requires, AuthenticationMiddleware, Chain, SimpleUser, User};
use auth_tests::jwt::{claims, crafted, jwks, now, rsa_a, rsa_b, token, AUDIENCE, ISSUER};
use auth_tests::{bearer, hit, serve, Hits};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde_json::{json, Map, Value};
use sha2::Sha256;
use support::attack::{authorization, get_raw, Target};

/// The issuer the demo names in its tokens.
const DEMO_ISSUER: &str = "actix-auth-demo";

/// Admin's claims as the demo signs them, with `changes` applied (`null` removes a claim).
fn admin_claims(changes: Value) -> Map<String, Value> {
    let mut claims = json!({
        "sub": "admin",
        "scope": "authenticated admin",
        "iss": DEMO_ISSUER,
        "iat": now(),
        "exp": now() + 600,
    });
    let (Some(map), Value::Object(changes)) = (claims.as_object_mut(), changes) else {
        unreachable!()
    };
    for (name, value) in changes {
        if value.is_null() {
            map.remove(&name);
        } else {
            map.insert(name, value);
        }
    }
    match claims {
        Value::Object(map) => map,
        _ => unreachable!(),
    }
}

/// The demo's HMAC secret, derived from its session key as the demo derives it (the control
/// test fails if the two ever differ).
fn demo_secret(key: &Key) -> Vec<u8> {
    let mut input = key.master().to_vec();
    input.extend_from_slice(b"demo bearer tokens");
    Key::derive_from(&input).signing().to_vec()
}

/// An HS256 token over exactly this header and these claims: nothing is added, so a test
/// can leave out `exp` or `iss`.
fn raw_hs256(secret: &[u8], header: &Value, claims: &Value) -> String {
    let encode = |bytes: &[u8]| URL_SAFE_NO_PAD.encode(bytes);
    let signing_input = format!(
        "{}.{}",
        encode(header.to_string().as_bytes()),
        encode(claims.to_string().as_bytes())
    );
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("any key length");
    mac.update(signing_input.as_bytes());
    format!("{signing_input}.{}", encode(&mac.finalize().into_bytes()))
}

fn demo_token(target: &Target, changes: Value) -> String {
    raw_hs256(
        &demo_secret(&target.key),
        &json!({ "alg": "HS256", "typ": "JWT" }),
        &Value::Object(admin_claims(changes)),
    )
}

fn refuse_token(target: &Target, case: &str, token: &str, status: u16) {
    let line = authorization(&bearer(token));
    let reply = target.assert_refused(case, &[&line], status);
    if status == 401 {
        let challenge = reply.header("www-authenticate").unwrap_or_default();
        assert!(
            challenge.starts_with(r#"Bearer realm="demo", error="invalid_token""#),
            "{case}: {challenge}"
        );
    }
}

#[test]
fn tokens_control_a_token_signed_with_the_demo_secret_runs_the_handler() {
    let target = Target::start();
    let before = target.keys();
    let line = authorization(&bearer(&demo_token(&target, json!({}))));
    let reply =
        support::attack::post_witness(target.addr(), support::attack::WITNESS.as_bytes(), &[&line]);
    assert_eq!(reply.status, 201, "{reply:?}");
    assert_eq!(target.keys(), before + 1);
}

#[test]
fn tokens_expired_and_not_yet_valid_are_401() {
    let target = Target::start();
    let cases = [
        ("expired an hour ago", json!({ "exp": now() - 3600 })),
        ("expired long ago", json!({ "exp": 1 })),
        (
            "exp as a string",
            json!({ "exp": (now() + 600).to_string() }),
        ),
        ("exp as a float", json!({ "exp": 1e300 })),
        ("nbf an hour ahead", json!({ "nbf": now() + 3600 })),
        ("nbf as a string", json!({ "nbf": "0" })),
        ("no exp", json!({ "exp": null })),
    ];
    for (case, changes) in cases {
        refuse_token(&target, case, &demo_token(&target, changes), 401);
    }
}

#[test]
fn tokens_wrong_signatures_and_algorithms_are_401() {
    let target = Target::start();
    let other = TokenSigner::hs256(b"another secret of at least 32 bytes!!")
        .unwrap()
        .with_issuer(DEMO_ISSUER);
    refuse_token(
        &target,
        "another secret",
        &other.sign_claims(admin_claims(json!({}))).unwrap(),
        401,
    );

    let genuine = demo_token(&target, json!({}));
    let (signed, signature) = genuine.rsplit_once('.').unwrap();
    let mut flipped = signature.as_bytes().to_vec();
    flipped[3] = if flipped[3] == b'A' { b'B' } else { b'A' };
    let flipped = format!("{signed}.{}", String::from_utf8(flipped).unwrap());
    refuse_token(&target, "one signature character changed", &flipped, 401);

    let claims = Value::Object(admin_claims(json!({})));
    for (case, header) in [
        ("alg none", json!({ "alg": "none", "typ": "JWT" })),
        ("alg None", json!({ "alg": "None" })),
        ("alg NONE", json!({ "alg": "NONE" })),
        ("alg HS512", json!({ "alg": "HS512" })),
        ("alg RS256", json!({ "alg": "RS256" })),
    ] {
        refuse_token(&target, case, &crafted(&header, &claims, b""), 401);
        refuse_token(&target, case, &crafted(&header, &claims, b"sig"), 401);
    }
    // A header naming no algorithm is malformed rather than forged.
    for (case, header) in [
        ("alg missing", json!({ "typ": "JWT" })),
        ("alg as a number", json!({ "alg": 256 })),
    ] {
        refuse_token(&target, case, &crafted(&header, &claims, b"sig"), 400);
    }

    // The genuine claims and signature under an altered header or payload.
    let (header, rest) = genuine.split_once('.').unwrap();
    let (_payload, signature) = rest.split_once('.').unwrap();
    let elevated = crafted(
        &json!({ "alg": "HS256" }),
        &json!({ "sub": "alice", "scope": "authenticated admin", "iss": DEMO_ISSUER, "exp": now() + 600 }),
        b"",
    );
    let (_, elevated_rest) = elevated.split_once('.').unwrap();
    let (elevated_payload, _) = elevated_rest.split_once('.').unwrap();
    let spliced = format!("{header}.{elevated_payload}.{signature}");
    refuse_token(
        &target,
        "payload swapped under a genuine signature",
        &spliced,
        401,
    );

    // An RS256 token: the demo allows HS256 alone, whatever key signed it.
    let rsa = token(
        &rsa_a().signer(),
        json!({ "iss": DEMO_ISSUER, "sub": "admin" }),
    );
    refuse_token(&target, "RS256", &rsa, 401);
}

#[test]
fn tokens_wrong_issuer_subject_and_scope_types_are_401() {
    let target = Target::start();
    for (case, changes) in [
        ("another issuer", json!({ "iss": "https://evil.example" })),
        (
            "issuer in another case",
            json!({ "iss": "ACTIX-AUTH-DEMO" }),
        ),
        ("issuer as an array", json!({ "iss": [DEMO_ISSUER] })),
        (
            "issuer as an array naming another",
            json!({ "iss": ["https://evil.example", DEMO_ISSUER] }),
        ),
        ("issuer as a number", json!({ "iss": 1 })),
        ("no issuer", json!({ "iss": null })),
        ("scope as a number", json!({ "scope": 7 })),
        ("scope as an object", json!({ "scope": { "admin": true } })),
        (
            "scope array with a number",
            json!({ "scope": ["admin", 1] }),
        ),
        ("scp of the wrong type", json!({ "scp": false })),
        ("permissions of the wrong type", json!({ "permissions": 0 })),
        ("no subject", json!({ "sub": null })),
        ("subject as a number", json!({ "sub": 1 })),
    ] {
        refuse_token(&target, case, &demo_token(&target, changes), 401);
    }
}

#[test]
fn tokens_malformed_shapes_are_400() {
    let target = Target::start();
    let genuine = demo_token(&target, json!({}));
    let cases = [
        ("two parts", genuine.rsplit_once('.').unwrap().0.to_owned()),
        ("four parts", format!("{genuine}.x")),
        ("padding", format!("{genuine}=")),
        (
            "standard alphabet",
            genuine.replace('-', "+").replace('_', "/") + "+/",
        ),
        ("space inside", genuine.replacen('.', ". ", 1)),
        ("empty parts", "..".to_owned()),
    ];
    for (case, token) in cases {
        let line = authorization(&bearer(&token));
        let reply = target.assert_refused(case, &[&line], 400);
        let challenge = reply.header("www-authenticate").unwrap_or_default();
        assert!(
            challenge.starts_with(r#"Bearer realm="demo", error="invalid_request""#),
            "{case}: {challenge}"
        );
    }
}

#[test]
fn tokens_in_the_query_of_a_plain_request_are_ignored() {
    let target = Target::start();
    let token = demo_token(&target, json!({}));
    let path = format!("{}?access_token={token}", support::attack::WITNESS);
    target.assert_refused_at("query token on a POST", &path, &[], 401);

    let path = format!("/api/whoami?access_token={token}");
    let reply = get_raw(
        target.addr(),
        path.as_bytes(),
        &[b"Accept: application/json"],
    );
    assert_eq!(reply.status, 401, "{reply:?}");
}

// ---------------------------------------------------------------------------------------------
// A chain verifying RS256 tokens of one issuer against a JWKS of two keys.
// ---------------------------------------------------------------------------------------------

#[requires(scopes = ["admin"])]
async fn guarded(req: HttpRequest, User(user): User<SimpleUser>) -> HttpResponse {
    hit(&req);
    HttpResponse::Ok().body(format!("handler ran for {}", user.username()))
}

struct KeySetServer {
    server: actix_test::TestServer,
    hits: web::Data<Hits>,
}

fn key_set_server() -> KeySetServer {
    let document = jwks(&[rsa_a(), rsa_b()]);
    let hits = Hits::data();
    let counter = hits.clone();
    let server = serve(move || {
        let keys = KeySet::from_jwks(document.as_bytes()).unwrap();
        let backend = JwtBackend::new(keys, [Algorithm::RS256])
            .unwrap()
            .issuer(ISSUER)
            .audience(AUDIENCE);
        App::new()
            .wrap(AuthenticationMiddleware::new(Chain::new(backend)))
            .app_data(counter.clone())
            .route("/guarded", web::get().to(guarded))
    });
    KeySetServer { server, hits }
}

impl KeySetServer {
    fn send(&self, token: &str) -> support::attack::Raw {
        let line = authorization(&bearer(token));
        get_raw(self.server.addr(), b"/guarded", &[&line])
    }

    fn refuse(&self, case: &str, token: &str, status: u16) {
        let before = self.hits.count();
        let reply = self.send(token);
        assert_eq!(reply.status, status, "{case}: {reply:?}");
        assert!(!reply.text().contains("handler ran"), "{case}: {reply:?}");
        assert_eq!(self.hits.count(), before, "{case}: the guarded handler ran");
    }
}

fn admin_token(signer: &TokenSigner, changes: Value) -> String {
    let mut all = json!({ "scope": "admin" });
    if let (Some(all), Value::Object(changes)) = (all.as_object_mut(), changes) {
        all.extend(changes);
    }
    token(signer, all)
}

#[test]
fn tokens_key_set_control_a_valid_token_runs_the_handler() {
    let server = key_set_server();
    for key in [rsa_a(), rsa_b()] {
        let reply = server.send(&admin_token(&key.signer(), json!({})));
        assert_eq!(reply.status, 200, "{reply:?}");
    }
    assert_eq!(server.hits.count(), 2);
}

#[test]
fn tokens_key_set_refuses_unknown_and_mismatched_key_ids() {
    let server = key_set_server();
    let unknown = admin_token(&rsa_a().signer_as("no-such-key"), json!({}));
    server.refuse("unknown kid", &unknown, 401);
    let mismatched = admin_token(&rsa_b().signer_as(rsa_a().kid()), json!({}));
    server.refuse("kid of one key, signed by the other", &mismatched, 401);
    let empty = admin_token(&rsa_a().signer_as(""), json!({}));
    server.refuse("empty kid", &empty, 401);
}

#[test]
fn tokens_key_set_refuses_algorithm_confusion() {
    let server = key_set_server();
    // The public key's PEM and its JWK modulus, each used as an HMAC secret.
    let pem = TokenSigner::hs256(rsa_a().public_pem().as_bytes())
        .unwrap()
        .with_kid(rsa_a().kid());
    server.refuse(
        "HS256 keyed with the PEM",
        &admin_token(&pem, json!({})),
        401,
    );
    let modulus = rsa_a().jwk()["n"].as_str().unwrap().to_owned();
    let jwk = TokenSigner::hs256(modulus.as_bytes())
        .unwrap()
        .with_kid(rsa_a().kid());
    server.refuse(
        "HS256 keyed with the JWK",
        &admin_token(&jwk, json!({})),
        401,
    );

    let claims = Value::Object(claims(json!({ "scope": "admin" })));
    for alg in ["none", "HS256", "PS256", "ES256", "EdDSA"] {
        let header = json!({ "alg": alg, "kid": rsa_a().kid() });
        server.refuse(alg, &crafted(&header, &claims, b"forged"), 401);
    }
}

#[test]
fn tokens_key_set_refuses_another_issuer_signed_with_a_key_it_publishes() {
    let server = key_set_server();
    for (case, changes) in [
        (
            "another issuer",
            json!({ "iss": "https://other-issuer.test" }),
        ),
        (
            "an array naming another issuer too",
            json!({ "iss": ["https://other-issuer.test", ISSUER] }),
        ),
        (
            "issuer with a trailing slash",
            json!({ "iss": format!("{ISSUER}/") }),
        ),
        ("another audience", json!({ "aud": "other-api" })),
        ("no audience", json!({ "aud": null })),
        ("expired", json!({ "exp": now() - 3600 })),
        ("not yet valid", json!({ "nbf": now() + 3600 })),
        ("scope of the wrong type", json!({ "scope": ["admin", 7] })),
    ] {
        server.refuse(case, &admin_token(&rsa_b().signer(), changes), 401);
    }
}
