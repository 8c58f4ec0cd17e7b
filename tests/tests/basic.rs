//! HTTP Basic (RFC 7617) edge cases over a real socket: spacing after the scheme, whitespace
//! inside the base64, padding, empty parts and oversized values.

use actix_test::TestServer;
use actix_web::http::StatusCode;
use actix_web::{get, App, HttpResponse};
use auth_actix::{requires, AuthenticationMiddleware, Chain, SimpleUser, User};
use auth_tests::{
    basic, send_with, serve, strict_basic_backend, user_json, BASIC_CHALLENGE, INVALID_BASIC,
    WRONG_PASSWORD,
};

const TOM: &str = r#"{"authenticated":true,"user":"tomchristie"}"#;

#[get("/whoami")]
#[requires]
async fn whoami(User(user): User<SimpleUser>) -> HttpResponse {
    HttpResponse::Ok().json(user_json(&user))
}

/// `/whoami` behind a Basic backend that knows `tomchristie:example`.
fn server() -> TestServer {
    let auth = AuthenticationMiddleware::new(Chain::new(strict_basic_backend()));
    serve(move || App::new().wrap(auth.clone()).service(whoami))
}

/// The base64 part of `basic(username, password)`.
fn token(username: &str, password: &str) -> String {
    basic(username, password)["Basic ".len()..].to_owned()
}

#[actix_web::test]
async fn basic_tabs_and_extra_spaces_after_the_scheme_are_accepted() {
    let server = server();
    let token = token("tomchristie", "example");

    for value in [
        format!("Basic   {token}"),
        format!("Basic\t{token}"),
        format!("bAsIc \t {token}"),
    ] {
        let reply = send_with(server.get("/whoami"), Some(&value)).await;

        assert_eq!(reply.status, StatusCode::OK, "{value:?}");
        assert_eq!(reply.body, TOM);
    }
}

#[actix_web::test]
async fn basic_whitespace_inside_the_base64_is_400() {
    let server = server();
    let token = token("tomchristie", "example");
    let (head, tail) = token.split_at(8);

    for value in [
        format!("Basic {head} {tail}"),
        format!("Basic {head}\t{tail}"),
    ] {
        let reply = send_with(server.get("/whoami"), Some(&value)).await;

        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{value:?}");
        assert_eq!(reply.body, INVALID_BASIC);
    }
}

#[actix_web::test]
async fn basic_padding_is_optional() {
    let server = server();
    let padded = token("tomchristie", "example");
    assert!(padded.ends_with('='));

    let with = send_with(server.get("/whoami"), Some(&format!("Basic {padded}"))).await;
    let without = format!("Basic {}", padded.trim_end_matches('='));
    let without = send_with(server.get("/whoami"), Some(&without)).await;

    assert_eq!(with.status, StatusCode::OK);
    assert_eq!(without.status, StatusCode::OK);
}

#[actix_web::test]
async fn basic_empty_username_or_password_is_checked_and_refused() {
    let server = server();

    for (username, password) in [("", "example"), ("tomchristie", ""), ("", "")] {
        let value = basic(username, password);

        let reply = send_with(server.get("/whoami"), Some(&value)).await;

        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{value}");
        assert_eq!(reply.body, WRONG_PASSWORD);
        assert_eq!(reply.header("www-authenticate"), Some(BASIC_CHALLENGE));
    }
}

#[actix_web::test]
async fn basic_64_kib_credentials_are_400() {
    let server = server();
    let long_password = "x".repeat(48 * 1024);
    let value = basic("tomchristie", &long_password);
    assert!(value.len() >= 64 * 1024);

    let reply = send_with(server.get("/whoami"), Some(&value)).await;

    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.body, INVALID_BASIC);
}
