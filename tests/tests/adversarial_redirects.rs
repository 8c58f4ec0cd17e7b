//! Open-redirect and header-injection attempts through `next`: in the guard's redirect to the
//! login form, in the form itself, and in the login that follows. No value that names
//! another origin, a script or a header is ever followed, echoed into a `Location` header
//! unchanged, or allowed to add a header. The login's handler is public, so the check here is
//! what each answer sends back: the `Location` of every redirect, and the form's markup.

mod support;

use actix_web::http::StatusCode;
use auth_tests::session::{csrf_field, get_with_cookie, new_cookie, post_form};
use examples::demo::DEFAULT_NEXT;
use support::attack::{get_raw, Target};

/// Values an attacker puts in `next`, as the browser would send them (decoded).
fn hostile_values() -> Vec<String> {
    let mut values: Vec<String> = [
        "//evil.example",
        "///evil.example",
        "////evil.example/",
        "/\\evil.example",
        "\\/evil.example",
        "\\\\evil.example",
        "/\\/evil.example",
        "https://evil.example",
        "http:evil.example",
        "HTTPS://evil.example/admin",
        "//evil.example@localhost",
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "  javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "/\t/evil.example",
        "/\n/evil.example",
        "/\r/evil.example",
        "/%09/evil.example",
        "/%0a/evil.example",
        "/%2F/evil.example",
        "/%2f%2fevil.example",
        "/%5Cevil.example",
        "%2F%2Fevil.example",
        "/\r\nSet-Cookie: stolen=1",
        "/%0d%0aSet-Cookie:%20stolen=1",
        "/%0D%0ALocation:%20https://evil.example",
        "/a\0b",
        " //evil.example",
        "\u{3000}//evil.example",
        "/\u{85}/evil.example",
        "evil.example",
        "",
    ]
    .iter()
    .map(|value| (*value).to_owned())
    .collect();
    values.push(format!("/{}", "a".repeat(5000)));
    values.push(format!("//evil.example/{}", "a".repeat(10_000)));
    values
}

/// What a `Location` header may be: a local path, plain ASCII, naming no other host.
fn assert_local_location(case: &str, location: &str) {
    assert!(location.starts_with('/'), "{case}: {location:?}");
    assert!(
        !location.starts_with("//") && !location.starts_with("/\\"),
        "{case}: {location:?}"
    );
    assert!(
        location.bytes().all(|byte| byte.is_ascii_graphic()),
        "{case}: {location:?}"
    );
    // Whatever names another host is percent-encoded inside the query, never a path.
    let path = location.split('?').next().unwrap_or_default();
    assert!(!path.contains("evil.example"), "{case}: {location:?}");
}

#[actix_web::test]
async fn redirects_login_never_follows_a_hostile_next() {
    let target = Target::start();
    for value in hostile_values() {
        let form = get_with_cookie(target.server.get("/login"), None).await;
        let cookie = new_cookie(&form);
        let fields = [
            ("username", "alice"),
            ("password", "alice-secret"),
            ("csrf", &csrf_field(&form.body)),
            ("next", &value),
        ];
        let reply = post_form(target.server.post("/login"), Some(&cookie), &fields).await;

        let case = format!("{:?}", value.chars().take(60).collect::<String>());
        assert_eq!(
            reply.status,
            StatusCode::SEE_OTHER,
            "{case}: {}",
            reply.body
        );
        assert_eq!(reply.header("location"), Some(DEFAULT_NEXT), "{case}");
        assert_eq!(reply.headers_all("location").len(), 1, "{case}");
    }

    // A form larger than actix's 16 KiB limit is no form at all: the CSRF check refuses it.
    let form = get_with_cookie(target.server.get("/login"), None).await;
    let cookie = new_cookie(&form);
    let huge = format!("//evil.example/{}", "a".repeat(100_000));
    let fields = [
        ("username", "alice"),
        ("password", "alice-secret"),
        ("csrf", &csrf_field(&form.body)),
        ("next", &huge),
    ];
    let reply = post_form(target.server.post("/login"), Some(&cookie), &fields).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "{}", reply.body);
    assert!(reply.header("location").is_none());
}

#[actix_web::test]
async fn redirects_login_follows_local_paths_unchanged() {
    // The control: the login does follow a safe `next`, so the test above is not passing
    // because every value is ignored.
    let target = Target::start();
    for value in ["/admin", "/notes/1?x=1", "/a//b", "/caf%C3%A9"] {
        let form = get_with_cookie(target.server.get("/login"), None).await;
        let cookie = new_cookie(&form);
        let fields = [
            ("username", "alice"),
            ("password", "alice-secret"),
            ("csrf", &csrf_field(&form.body)),
            ("next", value),
        ];
        let reply = post_form(target.server.post("/login"), Some(&cookie), &fields).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{value}");
        assert_eq!(reply.header("location"), Some(value), "{value}");
    }
}

#[actix_web::test]
async fn redirects_login_form_escapes_the_next_it_carries() {
    let target = Target::start();
    for value in [
        "\"><script>alert(1)</script>",
        "/' onfocus='alert(1)",
        "/&quot;><svg onload=alert(1)>",
    ] {
        let reply = get_with_cookie(
            target
                .server
                .get("/login")
                .query(&[("next", value)])
                .expect("a query"),
            None,
        )
        .await;
        assert_eq!(reply.status, StatusCode::OK, "{value}");
        assert!(!reply.body.contains("<script>"), "{value}: {}", reply.body);
        assert!(!reply.body.contains("<svg"), "{value}: {}", reply.body);
        assert!(!reply.body.contains("' onfocus"), "{value}: {}", reply.body);
        assert!(reply.header("location").is_none(), "{value}");
    }
}

#[test]
fn redirects_the_guards_redirect_encodes_or_drops_the_original_target() {
    let target = Target::start();
    let html = b"Accept: text/html".as_slice();
    let long = format!("/admin?{}", "a".repeat(6000));
    let cases: Vec<(String, Option<&str>)> = vec![
        // Local targets are carried, percent-encoded, so nothing in them is a URL or a header.
        ("/admin".into(), Some("/login?next=%2Fadmin")),
        (
            "/admin?next=//evil.example".into(),
            Some("/login?next=%2Fadmin%3Fnext%3D%2F%2Fevil.example"),
        ),
        (
            "/admin?x=https://evil.example/".into(),
            Some("/login?next=%2Fadmin%3Fx%3Dhttps%3A%2F%2Fevil.example%2F"),
        ),
        // A backslash anywhere: no `next` at all.
        ("/admin?x=\\evil.example".into(), Some("/login")),
        // Encoded control characters or backslashes: no `next` at all.
        ("/admin?%0d%0aSet-Cookie:%20x=1".into(), Some("/login")),
        ("/admin?a=%5C%5Cevil.example".into(), Some("/login")),
        ("/admin?a=%00".into(), Some("/login")),
        // Too long to be a safe `next`: no `next` at all.
        (long, Some("/login")),
    ];
    for (request_target, location) in cases {
        let reply = get_raw(target.addr(), request_target.as_bytes(), &[html]);
        let case = &request_target[..request_target.len().min(60)];
        assert_eq!(reply.status, 303, "{case}: {reply:?}");
        assert_eq!(reply.all("location").len(), 1, "{case}");
        assert_eq!(reply.header("location").as_deref(), location, "{case}");
        assert!(reply
            .all("set-cookie")
            .iter()
            .all(|cookie| !cookie.starts_with(b"x=")));
        assert_local_location(case, &reply.header("location").unwrap());
    }
}

#[test]
fn redirects_raw_control_bytes_in_the_target_are_refused_by_the_parser() {
    let target = Target::start();
    for request_target in [
        &b"/admin?\r\nSet-Cookie: x=1"[..],
        b"/admin?a\x00b",
        b"/admin?a\x7fb",
        b"/admin\t/x",
    ] {
        let mut request = b"GET ".to_vec();
        request.extend_from_slice(request_target);
        request.extend_from_slice(b" HTTP/1.1\r\nHost: localhost\r\nAccept: text/html\r\n");
        request.extend_from_slice(b"Connection: close\r\n\r\n");
        let reply = support::attack::exchange(target.addr(), &request);
        assert_eq!(reply.status, 400, "{request_target:?}: {reply:?}");
        assert!(reply.all("location").is_empty(), "{request_target:?}");
        assert!(reply.all("set-cookie").is_empty(), "{request_target:?}");
    }
}
