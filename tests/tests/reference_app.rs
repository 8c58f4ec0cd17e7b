//! Starlette's reference application, route by route, over a real socket.
//!
//! Each route is called anonymously, with Starlette's valid header (`tomchristie:example`) and
//! with its malformed one (`basic foobar`); the expected answers are the last table of
//! `shared/reference/starlette.md`, with this project's column where it differs.

use actix_web::http::StatusCode;
use auth_tests::{
    control_panel_app, handshake, reference_app, send, send_with, serve, Handshake, BAD_BASIC,
    BASIC_CHALLENGE, INVALID_BASIC, VALID_BASIC,
};
use awc::ws::Frame;

const ANONYMOUS_JSON: &str = r#"{"authenticated":false,"user":""}"#;
const TOM_JSON: &str = r#"{"authenticated":true,"user":"tomchristie"}"#;
const TEXT_PLAIN: &str = "text/plain; charset=utf-8";

#[actix_web::test]
async fn homepage_anonymous_is_200_with_the_anonymous_user() {
    let server = serve(reference_app);

    let reply = send(server.get("/")).await;

    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert_eq!(reply.body, ANONYMOUS_JSON);
}

#[actix_web::test]
async fn homepage_valid_credentials_is_200_with_the_user() {
    let server = serve(reference_app);

    let reply = send_with(server.get("/"), Some(VALID_BASIC)).await;

    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body, TOM_JSON);
}

#[actix_web::test]
async fn homepage_bad_header_is_400_with_the_message() {
    let server = serve(reference_app);

    let reply = send_with(server.get("/"), Some(BAD_BASIC)).await;

    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.header("content-type"), Some(TEXT_PLAIN));
    assert_eq!(reply.header("www-authenticate"), None);
    assert_eq!(reply.body, INVALID_BASIC);
}

#[actix_web::test]
async fn dashboard_anonymous_is_401_with_the_basic_challenge() {
    let server = serve(reference_app);

    let reply = send(server.get("/dashboard")).await;

    // Starlette answers 403 here; this project answers 401 (table row 7).
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.headers_all("www-authenticate"), [BASIC_CHALLENGE]);
    assert_eq!(reply.header("content-type"), Some(TEXT_PLAIN));
    assert_eq!(reply.body, "Unauthorized");
}

#[actix_web::test]
async fn dashboard_valid_credentials_is_200_with_the_user() {
    let server = serve(reference_app);

    let reply = send_with(server.get("/dashboard"), Some(VALID_BASIC)).await;

    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body, TOM_JSON);
}

#[actix_web::test]
async fn dashboard_bad_header_is_400() {
    let server = serve(reference_app);

    let reply = send_with(server.get("/dashboard"), Some(BAD_BASIC)).await;

    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.body, INVALID_BASIC);
}

#[actix_web::test]
async fn admin_anonymous_is_redirected_to_the_homepage_with_next() {
    let server = serve(reference_app);

    let reply = send(server.get("/admin")).await;

    // Starlette redirects to the absolute URL with an absolute `next` (table row 9).
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.header("location"), Some("/?next=%2Fadmin"));
    assert_eq!(reply.header("www-authenticate"), None);
    assert_eq!(reply.body, "");
}

#[actix_web::test]
async fn admin_valid_credentials_is_200_with_the_user() {
    let server = serve(reference_app);

    let reply = send_with(server.get("/admin"), Some(VALID_BASIC)).await;

    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header("location"), None);
    assert_eq!(reply.body, TOM_JSON);
}

#[actix_web::test]
async fn admin_bad_header_is_400() {
    let server = serve(reference_app);

    let reply = send_with(server.get("/admin"), Some(BAD_BASIC)).await;

    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.header("location"), None);
    assert_eq!(reply.body, INVALID_BASIC);
}

#[actix_web::test]
async fn decorated_dashboard_anonymous_is_401_untouched_by_the_other_decorator() {
    let server = serve(reference_app);

    let reply = send(server.get("/dashboard/decorated")).await;

    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.headers_all("www-authenticate"), [BASIC_CHALLENGE]);
    assert_eq!(reply.body, "Unauthorized");
}

#[actix_web::test]
async fn decorated_dashboard_valid_credentials_is_200_with_the_extra_field() {
    let server = serve(reference_app);

    let reply = send_with(server.get("/dashboard/decorated"), Some(VALID_BASIC)).await;

    let expected = serde_json::json!({
        "authenticated": true,
        "user": "tomchristie",
        "additional": "payload",
    });
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json(), expected);
    assert!(!reply.body.contains(' '), "compact JSON: {}", reply.body);
}

#[actix_web::test]
async fn decorated_dashboard_bad_header_is_400() {
    let server = serve(reference_app);

    let reply = send_with(server.get("/dashboard/decorated"), Some(BAD_BASIC)).await;

    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.body, INVALID_BASIC);
}

#[actix_web::test]
async fn websocket_anonymous_handshake_is_refused_with_401() {
    let server = serve(reference_app);

    let outcome = handshake(awc::Client::new().ws(server.url("/ws"))).await;

    assert_eq!(outcome, Handshake::Refused(StatusCode::UNAUTHORIZED));
}

#[actix_web::test]
async fn websocket_valid_credentials_is_accepted_with_one_text_frame() {
    let server = serve(reference_app);

    let request = awc::Client::new()
        .ws(server.url("/ws"))
        .set_header("authorization", VALID_BASIC);
    let outcome = handshake(request).await;

    assert_eq!(outcome, Handshake::Accepted(Frame::Text(TOM_JSON.into())));
}

#[actix_web::test]
async fn websocket_bad_header_handshake_is_refused_with_400() {
    let server = serve(reference_app);

    let request = awc::Client::new()
        .ws(server.url("/ws"))
        .set_header("authorization", BAD_BASIC);
    let outcome = handshake(request).await;

    assert_eq!(outcome, Handshake::Refused(StatusCode::BAD_REQUEST));
}

#[actix_web::test]
async fn control_panel_anonymous_is_401_from_the_guard_not_on_error() {
    let server = serve(control_panel_app);

    let reply = send(server.get("/control-panel")).await;

    // A guard failure is not a backend error: `on_error` is not involved (row 7).
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.headers_all("www-authenticate"), [BASIC_CHALLENGE]);
    assert_eq!(reply.body, "Unauthorized");
}

#[actix_web::test]
async fn control_panel_valid_credentials_is_200_with_the_user() {
    let server = serve(control_panel_app);

    let reply = send_with(server.get("/control-panel"), Some(VALID_BASIC)).await;

    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body, TOM_JSON);
}

#[actix_web::test]
async fn control_panel_bad_header_gets_the_custom_on_error_json() {
    let server = serve(control_panel_app);

    let reply = send_with(server.get("/control-panel"), Some(BAD_BASIC)).await;

    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert_eq!(reply.body, r#"{"error":"Invalid basic auth credentials"}"#);
}
