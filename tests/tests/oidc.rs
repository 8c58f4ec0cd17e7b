//! OpenID Connect ID tokens end to end, over real sockets.
//!
//! A local key server stands for the provider: it publishes a discovery document naming its
//! own origin as the issuer, and a JWKS. The application discovers it, then accepts ID tokens
//! for its client id as bearer tokens. Nothing leaves the machine.

use std::time::Duration;

use actix_test::TestServer;
use actix_web::http::StatusCode;
use actix_web::{get, App, HttpResponse};
use auth_actix::jwt::{FetchOptions, JwtError, OidcProvider, OidcUser, TokenSigner};
use auth_actix::{AuthUser, AuthenticationMiddleware, Chain, MaybeUser};
use auth_tests::jwt::{crafted, jwks, now, rsa_a, rsa_b, KeyServer, TestKey};
use auth_tests::{bearer, send_with, serve, Reply};
use serde_json::{json, Value};

const CLIENT_ID: &str = "client-1.apps.test";

#[get("/me")]
async fn me(MaybeUser(user): MaybeUser<OidcUser>) -> HttpResponse {
    HttpResponse::Ok().json(user.map(|user| {
        json!({
            "sub": user.subject(),
            "email": user.email(),
            "email_verified": user.email_verified(),
            "display_name": user.display_name(),
        })
    }))
}

fn options() -> FetchOptions {
    FetchOptions::default()
        .allow_http(true)
        .min_refetch_interval(Duration::ZERO)
}

/// A provider publishing `keys`, and an application accepting its ID tokens.
async fn provider_and_app(keys: &[&TestKey]) -> (KeyServer, TestServer) {
    let provider = KeyServer::start(jwks(keys));
    let discovered = OidcProvider::discover(&provider.issuer(), options())
        .await
        .unwrap();
    let backend = discovered.id_token_backend(CLIENT_ID).unwrap();
    let auth = AuthenticationMiddleware::new(Chain::new(backend));

    let app = serve(move || App::new().wrap(auth.clone()).service(me));
    (provider, app)
}

/// The claims of a valid ID token from `issuer`, with `changes` applied (`null` removes).
fn id_claims(issuer: &str, changes: Value) -> serde_json::Map<String, Value> {
    let mut claims = json!({
        "iss": issuer,
        "sub": "110169484474386276334",
        "aud": CLIENT_ID,
        "iat": now(),
        "exp": now() + 600,
        "email": "ada@example.com",
        "email_verified": true,
    });
    if let (Some(claims), Value::Object(changes)) = (claims.as_object_mut(), changes) {
        for (name, value) in changes {
            if value.is_null() {
                claims.remove(&name);
            } else {
                claims.insert(name, value);
            }
        }
    }
    match claims {
        Value::Object(claims) => claims,
        _ => unreachable!(),
    }
}

fn id_token(signer: &TokenSigner, issuer: &str, changes: Value) -> String {
    signer.sign_claims(id_claims(issuer, changes)).unwrap()
}

async fn get_me(app: &TestServer, token: &str) -> Reply {
    send_with(app.get("/me"), Some(&bearer(token))).await
}

#[track_caller]
fn assert_invalid_token(reply: &Reply, description: &str) {
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{}", reply.body);
    assert_eq!(reply.body, description);
    assert_eq!(
        reply.header("www-authenticate"),
        Some(
            format!(
                r#"Bearer realm="api", error="invalid_token", error_description="{description}""#
            )
            .as_str()
        )
    );
}

#[actix_web::test]
async fn id_token_gives_the_user_from_sub_and_email() {
    let (provider, app) = provider_and_app(&[rsa_a()]).await;
    let token = id_token(&rsa_a().signer(), &provider.issuer(), json!({}));

    let reply = get_me(&app, &token).await;

    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(
        reply.json(),
        json!({
            "sub": "110169484474386276334",
            "email": "ada@example.com",
            "email_verified": true,
            "display_name": "ada@example.com",
        })
    );
}

#[actix_web::test]
async fn id_token_signed_with_ec_or_ed25519_keys_is_accepted() {
    let (ec, ed) = (TestKey::ec("ec"), TestKey::ed25519("ed"));
    let (provider, app) = provider_and_app(&[&ec, &ed]).await;

    for key in [&ec, &ed] {
        let token = id_token(&key.signer(), &provider.issuer(), json!({}));

        let reply = get_me(&app, &token).await;

        assert_eq!(
            reply.status,
            StatusCode::OK,
            "{}: {}",
            key.kid(),
            reply.body
        );
    }
}

#[actix_web::test]
async fn id_token_for_another_client_is_401() {
    let (provider, app) = provider_and_app(&[rsa_a()]).await;
    let token = id_token(
        &rsa_a().signer(),
        &provider.issuer(),
        json!({ "aud": "someone-else" }),
    );

    let reply = get_me(&app, &token).await;

    assert_invalid_token(&reply, "the token has the wrong audience");
}

#[actix_web::test]
async fn id_token_of_another_issuer_is_401() {
    let (_provider, app) = provider_and_app(&[rsa_a()]).await;
    let token = id_token(&rsa_a().signer(), "https://accounts.evil.test", json!({}));

    let reply = get_me(&app, &token).await;

    assert_invalid_token(&reply, "the token has the wrong issuer");
}

#[actix_web::test]
async fn expired_id_token_is_401() {
    let (provider, app) = provider_and_app(&[rsa_a()]).await;
    let token = id_token(
        &rsa_a().signer(),
        &provider.issuer(),
        json!({ "exp": now() - 3600, "iat": now() - 7200 }),
    );

    let reply = get_me(&app, &token).await;

    assert_invalid_token(&reply, "the token has expired");
}

#[actix_web::test]
async fn id_token_without_required_claims_is_401() {
    let (provider, app) = provider_and_app(&[rsa_a()]).await;

    for (missing, description) in [
        ("sub", "the token lacks the required claim sub"),
        ("iat", "the token lacks the required claim iat"),
        ("aud", "the token lacks the required claim aud"),
    ] {
        // `null` stands for absent; the signer would fill in a removed `iat`.
        let mut claims = id_claims(&provider.issuer(), json!({}));
        claims.insert(missing.to_owned(), Value::Null);
        let token = rsa_a().signer().sign_claims(claims).unwrap();

        let reply = get_me(&app, &token).await;

        assert_invalid_token(&reply, description);
    }
}

#[actix_web::test]
async fn id_token_for_several_audiences_needs_this_client_as_authorized_party() {
    let (provider, app) = provider_and_app(&[rsa_a()]).await;
    let signer = rsa_a().signer();
    let audiences = json!([CLIENT_ID, "other-client"]);
    let without_azp = id_token(&signer, &provider.issuer(), json!({ "aud": audiences }));
    let with_azp = id_token(
        &signer,
        &provider.issuer(),
        json!({ "aud": audiences, "azp": CLIENT_ID }),
    );

    let refused = get_me(&app, &without_azp).await;
    let accepted = get_me(&app, &with_azp).await;

    assert_invalid_token(&refused, "the token's authorized party is not this client");
    assert_eq!(accepted.status, StatusCode::OK);
}

#[actix_web::test]
async fn id_token_forgeries_are_401() {
    let (provider, app) = provider_and_app(&[rsa_a()]).await;
    let claims = Value::Object(id_claims(&provider.issuer(), json!({})));
    let unsigned = crafted(&json!({ "alg": "none" }), &claims, b"");
    let confused = TokenSigner::hs256(rsa_a().public_pem().as_bytes())
        .unwrap()
        .sign_claims(id_claims(&provider.issuer(), json!({})))
        .unwrap();
    let other_key = id_token(&rsa_b().signer_as("rsa-a"), &provider.issuer(), json!({}));

    assert_invalid_token(
        &get_me(&app, &unsigned).await,
        "the token's algorithm is not allowed",
    );
    assert_invalid_token(
        &get_me(&app, &confused).await,
        "the token's algorithm is not allowed",
    );
    assert_invalid_token(
        &get_me(&app, &other_key).await,
        "the token's signature is invalid",
    );
}

#[actix_web::test]
async fn provider_key_rotation_is_followed() {
    let (a, b) = (rsa_a(), rsa_b());
    let (provider, app) = provider_and_app(&[a]).await;
    let unknown = id_token(&a.signer_as("not-published"), &provider.issuer(), json!({}));

    provider.publish(jwks(&[b]));
    let new_key = get_me(&app, &id_token(&b.signer(), &provider.issuer(), json!({}))).await;
    let old_key = get_me(&app, &id_token(&a.signer(), &provider.issuer(), json!({}))).await;

    assert_eq!(new_key.status, StatusCode::OK, "{}", new_key.body);
    assert_invalid_token(&old_key, "the token names an unknown key");
    assert_invalid_token(
        &get_me(&app, &unknown).await,
        "the token names an unknown key",
    );
}

#[actix_web::test]
async fn discovery_must_name_the_issuer_it_was_fetched_for() {
    let provider = KeyServer::start(jwks(&[rsa_a()]));
    provider.claim_issuer("https://accounts.evil.test");

    let discovered = OidcProvider::discover(&provider.issuer(), options()).await;

    assert!(
        matches!(discovered, Err(JwtError::IssuerMismatch { .. })),
        "{discovered:?}"
    );
}

#[actix_web::test]
async fn discovery_refuses_plain_http_unless_allowed() {
    let provider = KeyServer::start(jwks(&[rsa_a()]));

    let discovered = OidcProvider::discover(&provider.issuer(), FetchOptions::default()).await;

    assert!(
        matches!(discovered, Err(JwtError::InsecureUrl(_))),
        "{discovered:?}"
    );
}

#[actix_web::test]
async fn discovery_fails_when_the_provider_is_down() {
    let provider = KeyServer::start(jwks(&[rsa_a()]));
    provider.fail(true);

    let discovered = OidcProvider::discover(&provider.issuer(), options()).await;

    assert!(
        matches!(discovered, Err(JwtError::Fetch { .. })),
        "{discovered:?}"
    );
}
