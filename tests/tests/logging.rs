//! Log hygiene: what the `auth_actix` target logs, and that no credential ever reaches a log.
//!
//! Each test captures the `tracing` output of its own thread into a buffer and runs the
//! application in-process on that thread (`actix_web::test`), so tests do not see each
//! other's lines.

use std::io;
use std::sync::{Arc, Mutex};

use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use actix_web::{get, App, HttpResponse};
use auth_actix::{requires, AuthenticationMiddleware, BackendList, Chain, SimpleUser, User};
use auth_tests::{
    basic, bearer, FailingBackend, PasswordTable, SessionCookieBackend, StaticTokenBackend, Token,
    FAIL_HEADER,
};
use base64::Engine as _;
use tracing::Level;

/// A writer that appends everything to a shared buffer.
#[derive(Clone, Debug, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Capture {
    /// Sends this thread's `tracing` events, every level, into the buffer until the guard
    /// is dropped.
    fn install(&self) -> tracing::subscriber::DefaultGuard {
        let writer = self.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(Level::TRACE)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish();
        tracing::subscriber::set_default(subscriber)
    }

    fn text(&self) -> String {
        let bytes = self.0.lock().expect("an unpoisoned buffer").clone();
        String::from_utf8(bytes).expect("UTF-8 logs")
    }
}

impl io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0
            .lock()
            .expect("an unpoisoned buffer")
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

const PASSWORD: &str = "correct-horse-battery-staple";
const WRONG_PASSWORD: &str = "wrong-pass-5678efgh";
const TOKEN: &str = "tok-9f8e7d6c5b4a";
const FORGED_TOKEN: &str = "forged-tok-1234abcd";
const SESSION: &str = "sess-0a1b2c3d4e5f";
const UNKNOWN_SESSION: &str = "sess-ffffeeeedddd";
const OTHER_COOKIE: &str = "cookie-secret-xyz";
const QUERY_TOKEN: &str = "query-secret-0000";

const SECRET_TOKENS: &[Token] = &[Token {
    token: TOKEN,
    username: "robot",
    scopes: &["authenticated"],
}];

const SECRET_SESSIONS: &[(&str, &str)] = &[(SESSION, "ada")];

fn secret_chain() -> Chain<impl BackendList<User = SimpleUser> + 'static> {
    Chain::new((
        SessionCookieBackend::new(SECRET_SESSIONS),
        StaticTokenBackend::new(SECRET_TOKENS),
        auth_actix::basic::BasicBackend::new(PasswordTable::default()),
        FailingBackend::unavailable("db"),
    ))
}

#[get("/guarded")]
#[requires(scopes = ["authenticated"])]
async fn guarded(User(user): User<SimpleUser>) -> HttpResponse {
    HttpResponse::Ok().body(user.username().to_owned())
}

#[get("/broken")]
#[requires(redirect = "no_such_route")]
async fn broken() -> HttpResponse {
    HttpResponse::Ok().finish()
}

/// Every way a secret of the requests below could show up in a log line.
fn secrets() -> Vec<String> {
    let base64 = |text: &str| base64::engine::general_purpose::STANDARD.encode(text);

    vec![
        PASSWORD.to_owned(),
        WRONG_PASSWORD.to_owned(),
        base64(&format!("ada:{PASSWORD}")),
        base64(&format!("ada:{WRONG_PASSWORD}")),
        TOKEN.to_owned(),
        FORGED_TOKEN.to_owned(),
        SESSION.to_owned(),
        UNKNOWN_SESSION.to_owned(),
        OTHER_COOKIE.to_owned(),
        QUERY_TOKEN.to_owned(),
    ]
}

/// The status the in-process `app` answers `request` with.
macro_rules! call {
    ($app:expr, $request:expr $(,)?) => {
        test::call_service($app, $request.to_request())
            .await
            .status()
    };
}

#[actix_web::test]
async fn logs_never_contain_passwords_tokens_or_cookies() {
    let capture = Capture::default();
    let _guard = capture.install();
    let app = test::init_service(
        App::new()
            .wrap(AuthenticationMiddleware::new(secret_chain()))
            .service(guarded),
    )
    .await;
    let cookies = format!("theme=dark; other={OTHER_COOKIE}");
    let uri = format!("/guarded?access_token={QUERY_TOKEN}");
    let with = |authorization: String| {
        TestRequest::get()
            .uri(&uri)
            .insert_header(("authorization", authorization))
            .insert_header(("cookie", cookies.clone()))
    };

    let statuses = [
        call!(&app, with(basic("ada", PASSWORD))),
        call!(&app, with(bearer(TOKEN))),
        call!(&app, with(basic("ada", WRONG_PASSWORD))),
        call!(&app, with(bearer(FORGED_TOKEN))),
        call!(
            &app,
            TestRequest::get()
                .uri("/guarded")
                .insert_header(("cookie", format!("session={SESSION}"))),
        ),
        call!(
            &app,
            TestRequest::get()
                .uri("/guarded")
                .insert_header(("cookie", format!("session={UNKNOWN_SESSION}"))),
        ),
        call!(
            &app,
            with(basic("ada", PASSWORD)).append_header(("authorization", bearer(TOKEN))),
        ),
    ];
    let logs = capture.text();

    assert_eq!(
        statuses,
        [200, 200, 401, 401, 200, 401, 400].map(|code| StatusCode::from_u16(code).unwrap())
    );
    for secret in secrets() {
        assert!(
            !logs.contains(&secret),
            "a log line holds {secret:?}:\n{logs}"
        );
    }
    assert!(
        logs.contains(" auth_actix: "),
        "no auth_actix target:\n{logs}"
    );
    assert!(
        logs.contains("authorization decision"),
        "no decision logged:\n{logs}"
    );
    assert!(
        logs.contains("authentication failed"),
        "no failure logged:\n{logs}"
    );
}

#[actix_web::test]
async fn row05_backend_failure_is_logged_with_the_backend_name() {
    let capture = Capture::default();
    let _guard = capture.install();
    let app = test::init_service(
        App::new()
            .wrap(AuthenticationMiddleware::new(secret_chain()))
            .service(guarded),
    )
    .await;

    let status = call!(
        &app,
        TestRequest::get()
            .uri("/guarded")
            .insert_header((FAIL_HEADER, "db")),
    );
    let logs = capture.text();

    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    let line = logs
        .lines()
        .find(|line| line.contains("authentication failed"))
        .unwrap_or_else(|| panic!("no failure logged:\n{logs}"));
    assert!(line.contains("WARN"), "{line}");
    assert!(line.contains("auth_actix"), "{line}");
    assert!(line.contains(r#"backend="db""#), "{line}");
    assert!(line.contains("database down"), "{line}");
}

#[actix_web::test]
async fn row12_unknown_redirect_route_is_logged_by_name() {
    let capture = Capture::default();
    let _guard = capture.install();
    let app = test::init_service(
        App::new()
            .wrap(AuthenticationMiddleware::new(secret_chain()))
            .service(broken),
    )
    .await;

    let status = call!(&app, TestRequest::get().uri("/broken"));
    let logs = capture.text();

    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    let line = logs
        .lines()
        .find(|line| line.contains("no_such_route"))
        .unwrap_or_else(|| panic!("the route is not named:\n{logs}"));
    assert!(line.contains("ERROR"), "{line}");
    assert!(line.contains("auth_actix"), "{line}");
}

#[actix_web::test]
async fn row16_missing_middleware_is_logged() {
    let capture = Capture::default();
    let _guard = capture.install();
    let app = test::init_service(App::new().service(guarded)).await;

    let status = call!(&app, TestRequest::get().uri("/guarded"));
    let logs = capture.text();

    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    let line = logs
        .lines()
        .find(|line| line.contains("AuthenticationMiddleware is not installed"))
        .unwrap_or_else(|| panic!("no missing-middleware line:\n{logs}"));
    assert!(line.contains("ERROR"), "{line}");
    assert!(line.contains("auth_actix"), "{line}");
}

#[actix_web::test]
async fn backend_messages_cannot_forge_log_lines() {
    // Pins that error messages are logged escaped: a backend echoing client text with a
    // newline must not start a new, forged log line.
    let capture = Capture::default();
    let _guard = capture.install();
    let forging = FailingBackend::new(
        "forging",
        auth_actix::ErrorKind::Rejected,
        "bad token\r\nINFO forged: admin logged in",
    );
    let app = test::init_service(
        App::new()
            .wrap(AuthenticationMiddleware::new(Chain::new(forging)))
            .service(guarded),
    )
    .await;

    let status = call!(
        &app,
        TestRequest::get()
            .uri("/guarded")
            .insert_header((FAIL_HEADER, "forging")),
    );

    let logs = capture.text();
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(logs.contains(r"bad token\r\nINFO forged"), "{logs}");
    assert!(
        !logs.lines().any(|line| line.starts_with("INFO forged")),
        "{logs}"
    );
}

#[actix_web::test]
async fn jwt_logs_never_contain_tokens_or_their_parts() {
    use auth_actix::jwt::{Algorithm, JwtBackend, KeySet, TokenSigner};
    use auth_tests::jwt::SECRET;

    let capture = Capture::default();
    let _guard = capture.install();
    let backend = JwtBackend::new(KeySet::hmac(SECRET).unwrap(), [Algorithm::HS256])
        .unwrap()
        .websocket_query_param("access_token");
    let app = test::init_service(
        App::new()
            .wrap(AuthenticationMiddleware::new(Chain::new(backend)))
            .service(guarded),
    )
    .await;
    let signer = TokenSigner::hs256(SECRET).unwrap();
    let valid = signer.sign("ada", &["authenticated"]).unwrap();
    let expired = signer
        .clone()
        .with_lifetime(std::time::Duration::ZERO)
        .sign_claims(serde_json::Map::from_iter([
            ("sub".to_owned(), "ada".into()),
            ("exp".to_owned(), 1_000.into()),
        ]))
        .unwrap();
    let forged = format!("{valid}x");
    let malformed = "not.a.jwt!";
    let ws = |token: &str| {
        TestRequest::get()
            .uri(&format!("/guarded?access_token={token}"))
            .insert_header(("upgrade", "websocket"))
    };

    let statuses = [
        call!(
            &app,
            TestRequest::get()
                .uri("/guarded")
                .insert_header(("authorization", bearer(&valid)))
        ),
        call!(
            &app,
            TestRequest::get()
                .uri("/guarded")
                .insert_header(("authorization", bearer(&expired)))
        ),
        call!(
            &app,
            TestRequest::get()
                .uri("/guarded")
                .insert_header(("authorization", bearer(&forged)))
        ),
        call!(
            &app,
            TestRequest::get()
                .uri("/guarded")
                .insert_header(("authorization", bearer(malformed)))
        ),
        call!(&app, ws(&expired)),
    ];
    let logs = capture.text();

    assert_eq!(
        statuses,
        [200, 401, 401, 400, 401].map(|code| StatusCode::from_u16(code).unwrap())
    );
    for token in [&valid, &expired, &forged] {
        for part in token.split('.') {
            assert!(
                !logs.contains(part),
                "a log line holds a token part:\n{logs}"
            );
        }
    }
    assert!(!logs.contains(malformed));
    assert!(
        logs.contains("authentication failed"),
        "no failure logged:\n{logs}"
    );
}
