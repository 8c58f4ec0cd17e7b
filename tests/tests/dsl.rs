//! The guard language beyond Starlette, over a real socket: typed scopes, `any`/`all`/`not`
//! expressions, object checks, `Guarded` scopes, and the route audit.

use actix_test::TestServer;
use actix_web::http::StatusCode;
use actix_web::{error, get, post, web, App, HttpRequest, HttpResponse};
use auth_actix::{
    audit, handlers, public, requires, AuthenticationMiddleware, Chain, Credentials, Guarded,
    Policy, Redirect, SimpleUser,
};
use auth_tests::{
    bearer, hit, send, send_body, send_with, serve, Hits, StaticTokenBackend, Token,
    BEARER_CHALLENGE,
};

/// The scopes of this application, declared once.
#[derive(auth_actix::Scope, Clone, Copy, Debug, PartialEq, Eq)]
enum Api {
    #[scope("notes:read")]
    NotesRead,
    #[scope("admin")]
    Admin,
    #[scope("suspended")]
    Suspended,
}

const TOKENS: &[Token] = &[
    Token {
        token: "reader",
        username: "reader",
        scopes: &["notes:read"],
    },
    Token {
        token: "editor",
        username: "editor",
        scopes: &["editor"],
    },
    Token {
        token: "suspended-editor",
        username: "suspended-editor",
        scopes: &["editor", "suspended"],
    },
    Token {
        token: "suspended-admin",
        username: "suspended-admin",
        scopes: &["admin", "suspended"],
    },
    Token {
        token: "nobody",
        username: "nobody",
        scopes: &[],
    },
];

const BROWSER_ACCEPT: &str = "text/html,*/*;q=0.8";

// ---------------------------------------------------------------------------------------------
// The application under test.
// ---------------------------------------------------------------------------------------------

#[get("/typed")]
#[requires(scopes = [Api::NotesRead])]
async fn typed(req: HttpRequest) -> &'static str {
    hit(&req);
    "typed"
}

#[requires(scopes = [any(Api::Admin, all("editor", not(Api::Suspended)))])]
#[get("/edit")]
async fn edit(req: HttpRequest) -> &'static str {
    hit(&req);
    "edit"
}

#[get("/unsuspended")]
#[requires(scopes = [not(Api::Suspended)])]
async fn unsuspended(req: HttpRequest) -> &'static str {
    hit(&req);
    "unsuspended"
}

/// Lets a user at the notes named after them; the path also names ways to fail.
async fn owns_notes(
    req: &HttpRequest,
    user: &SimpleUser,
    credentials: &Credentials,
) -> Result<bool, actix_web::Error> {
    assert!(credentials.contains_scope(Api::NotesRead));
    match &req.match_info()["owner"] {
        "missing" => Err(error::ErrorNotFound("no such notes")),
        "down" => Err(error::ErrorServiceUnavailable("notes store down")),
        "ok-error" => Err(error::InternalError::new("odd", StatusCode::OK).into()),
        "panic" => panic!("the check was asked to panic"),
        owner => Ok(owner == user.username()),
    }
}

#[get("/notes/{owner}")]
#[requires(scopes = [Api::NotesRead], check = owns_notes)]
async fn notes(req: HttpRequest) -> String {
    hit(&req);
    format!("notes of {}", &req.match_info()["owner"])
}

#[post("/notes/{owner}")]
#[requires(scopes = [Api::NotesRead], check = owns_notes, status_code = 404)]
async fn add_note(req: HttpRequest, body: web::Json<serde_json::Value>) -> HttpResponse {
    hit(&req);
    HttpResponse::Created().json(body.into_inner())
}

#[get("/")]
#[public]
async fn homepage() -> &'static str {
    "home"
}

/// Unmarked on purpose: the audit must report it.
async fn forgotten() -> &'static str {
    "forgotten"
}

async fn stats(req: HttpRequest) -> &'static str {
    hit(&req);
    "stats"
}

static ADMIN_SCOPE: Policy = Policy::new("admin-scope")
    .scopes(&["admin"])
    .redirect(Redirect::Path("/login"));

fn server() -> (TestServer, web::Data<Hits>) {
    let hits = Hits::data();
    let data = hits.clone();
    let server = serve(move || {
        App::new()
            .wrap(AuthenticationMiddleware::new(Chain::new(
                StaticTokenBackend::new(TOKENS),
            )))
            .app_data(data.clone())
            .service(typed)
            .service(edit)
            .service(unsuspended)
            .service(notes)
            .service(add_note)
            .service(homepage)
            .route("/forgotten", web::get().to(forgotten))
            .service(
                web::scope("/admin")
                    .wrap(Guarded::new(ADMIN_SCOPE))
                    .service(web::resource("/stats").get(stats)),
            )
    });
    (server, hits)
}

async fn get_as(server: &TestServer, path: &str, token: &str) -> auth_tests::Reply {
    send_with(server.get(path), Some(&bearer(token))).await
}

// ---------------------------------------------------------------------------------------------
// Typed scopes and expressions.
// ---------------------------------------------------------------------------------------------

#[actix_web::test]
async fn typed_scope_admits_its_holder_only() {
    let (server, hits) = server();

    let reader = get_as(&server, "/typed", "reader").await;
    let editor = get_as(&server, "/typed", "editor").await;

    assert_eq!(reader.status, StatusCode::OK);
    assert_eq!(editor.status, StatusCode::FORBIDDEN);
    assert_eq!(
        editor.header("www-authenticate"),
        Some(r#"Bearer error="insufficient_scope", scope="notes:read""#)
    );
    assert_eq!(hits.count(), 1);
}

#[actix_web::test]
async fn expression_admits_any_branch_and_refuses_a_not() {
    let (server, hits) = server();

    let editor = get_as(&server, "/edit", "editor").await;
    let suspended_admin = get_as(&server, "/edit", "suspended-admin").await;
    let suspended_editor = get_as(&server, "/edit", "suspended-editor").await;
    let reader = get_as(&server, "/edit", "reader").await;

    assert_eq!(editor.status, StatusCode::OK);
    assert_eq!(suspended_admin.status, StatusCode::OK);
    assert_eq!(suspended_editor.status, StatusCode::FORBIDDEN);
    assert_eq!(reader.status, StatusCode::FORBIDDEN);
    assert_eq!(hits.count(), 2);
}

#[actix_web::test]
async fn expression_hint_names_a_minimal_satisfying_set() {
    let (server, _hits) = server();

    let suspended_editor = get_as(&server, "/edit", "suspended-editor").await;
    let nobody = get_as(&server, "/edit", "nobody").await;

    // all("editor", not("suspended")) cannot be met by adding scopes; "admin" can.
    assert_eq!(
        suspended_editor.header("www-authenticate"),
        Some(r#"Bearer error="insufficient_scope", scope="admin""#)
    );
    assert_eq!(
        nobody.header("www-authenticate"),
        Some(r#"Bearer error="insufficient_scope", scope="admin""#)
    );
}

#[actix_web::test]
async fn expression_that_only_dropping_a_scope_satisfies_names_no_scope() {
    let (server, hits) = server();

    let suspended = get_as(&server, "/unsuspended", "suspended-editor").await;
    let editor = get_as(&server, "/unsuspended", "editor").await;

    assert_eq!(suspended.status, StatusCode::FORBIDDEN);
    assert_eq!(
        suspended.header("www-authenticate"),
        Some(r#"Bearer error="insufficient_scope""#)
    );
    assert_eq!(editor.status, StatusCode::OK);
    assert_eq!(hits.count(), 1);
}

#[actix_web::test]
async fn expression_refuses_anonymous_with_401() {
    let (server, hits) = server();

    let reply = send(server.get("/unsuspended")).await;

    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.header("www-authenticate"), Some(BEARER_CHALLENGE));
    assert_eq!(hits.count(), 0);
}

// ---------------------------------------------------------------------------------------------
// Object checks.
// ---------------------------------------------------------------------------------------------

#[actix_web::test]
async fn object_check_admits_the_owner_and_refuses_others_with_403() {
    let (server, hits) = server();

    let own = get_as(&server, "/notes/reader", "reader").await;
    let other = get_as(&server, "/notes/editor", "reader").await;

    assert_eq!(own.status, StatusCode::OK);
    assert_eq!(own.body, "notes of reader");
    assert_eq!(other.status, StatusCode::FORBIDDEN);
    assert_eq!(other.header("www-authenticate"), None);
    assert_eq!(hits.count(), 1);
}

#[actix_web::test]
async fn object_check_runs_after_the_scope_check() {
    let (server, hits) = server();

    // "editor" owns /notes/editor but lacks notes:read; the check must not even run.
    let reply = get_as(&server, "/notes/editor", "editor").await;

    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(
        reply.header("www-authenticate"),
        Some(r#"Bearer error="insufficient_scope", scope="notes:read""#)
    );
    assert_eq!(hits.count(), 0);
}

#[actix_web::test]
async fn object_check_errors_answer_with_their_status_and_never_run_the_handler() {
    let (server, hits) = server();

    let missing = get_as(&server, "/notes/missing", "reader").await;
    let down = get_as(&server, "/notes/down", "reader").await;

    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(down.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(hits.count(), 0);
}

#[actix_web::test]
async fn object_check_that_panics_or_fails_with_success_status_fails_closed_with_500() {
    let (server, hits) = server();

    let panicked = get_as(&server, "/notes/panic", "reader").await;
    let odd = get_as(&server, "/notes/ok-error", "reader").await;
    let after = get_as(&server, "/notes/reader", "reader").await;

    assert_eq!(panicked.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(odd.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(after.status, StatusCode::OK);
    assert_eq!(hits.count(), 1);
}

#[actix_web::test]
async fn object_check_decides_before_the_body_is_read() {
    let (server, hits) = server();

    let request = server
        .post("/notes/editor")
        .insert_header(("authorization", bearer("reader")))
        .insert_header(("content-type", "application/json"));
    let refused = send_body(request, "{not json").await;
    let request = server
        .post("/notes/reader")
        .insert_header(("authorization", bearer("reader")))
        .insert_header(("content-type", "application/json"));
    let malformed = send_body(request, "{not json").await;

    // The guard's status_code applies to a refusing check too; the body was never parsed.
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    assert_eq!(malformed.status, StatusCode::BAD_REQUEST);
    assert_eq!(hits.count(), 0);
}

// ---------------------------------------------------------------------------------------------
// A guarded scope.
// ---------------------------------------------------------------------------------------------

#[actix_web::test]
async fn guarded_scope_answers_like_requires() {
    let (server, hits) = server();

    let api = send(
        server
            .get("/admin/stats")
            .insert_header(("accept", "application/json")),
    )
    .await;
    let browser = send(
        server
            .get("/admin/stats?x=1")
            .insert_header(("accept", BROWSER_ACCEPT)),
    )
    .await;
    let editor = get_as(&server, "/admin/stats", "editor").await;
    let admin = get_as(&server, "/admin/stats", "suspended-admin").await;

    assert_eq!(api.status, StatusCode::UNAUTHORIZED);
    assert_eq!(api.header("www-authenticate"), Some(BEARER_CHALLENGE));
    assert_eq!(browser.status, StatusCode::SEE_OTHER);
    assert_eq!(
        browser.header("location"),
        Some("/login?next=%2Fadmin%2Fstats%3Fx%3D1")
    );
    assert_eq!(editor.status, StatusCode::FORBIDDEN);
    assert_eq!(
        editor.header("www-authenticate"),
        Some(r#"Bearer error="insufficient_scope", scope="admin""#)
    );
    assert_eq!(admin.status, StatusCode::OK);
    assert_eq!(admin.body, "stats");
    assert_eq!(hits.count(), 1);
}

#[actix_web::test]
async fn guarded_scope_decides_before_the_routing_inside_it() {
    let (server, _hits) = server();
    let api =
        |request: actix_test::ClientRequest| request.insert_header(("accept", "application/json"));

    let anonymous_post = send(api(server.post("/admin/stats"))).await;
    let anonymous_unknown = send(api(server.get("/admin/nothing"))).await;
    let admin_post = send_with(
        server.post("/admin/stats"),
        Some(&bearer("suspended-admin")),
    )
    .await;
    let admin_unknown = get_as(&server, "/admin/nothing", "suspended-admin").await;

    // Outsiders learn nothing about what the scope holds; admitted users get 405 and 404.
    assert_eq!(anonymous_post.status, StatusCode::UNAUTHORIZED);
    assert_eq!(anonymous_unknown.status, StatusCode::UNAUTHORIZED);
    assert_eq!(admin_post.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(admin_unknown.status, StatusCode::NOT_FOUND);
}

// ---------------------------------------------------------------------------------------------
// The route audit.
// ---------------------------------------------------------------------------------------------

fn registration(handler: &str) -> &'static audit::Registration {
    audit::routes()
        .into_iter()
        .find(|route| route.handler() == handler && route.module() == module_path!())
        .unwrap_or_else(|| panic!("{handler} is not registered"))
}

#[test]
fn audit_lists_guarded_handlers_with_their_policy() {
    let expression = registration("edit");
    let checked = registration("notes");

    assert_eq!(
        expression.access().to_string(),
        r#"scopes = all(any("admin", all("editor", not("suspended"))))"#
    );
    assert_eq!(expression.route(), Some("/edit"));
    assert_eq!(expression.methods(), ["GET"]);
    assert_eq!(
        checked.access().to_string(),
        r#"scopes = all("notes:read")"#
    );
    assert_eq!(checked.check(), Some("owns_notes"));
}

#[test]
fn audit_knows_the_route_only_below_the_route_attribute() {
    // `#[get]` above `#[requires]` has expanded before the marker runs.
    assert_eq!(registration("typed").route(), None);
    assert_eq!(registration("homepage").route(), None);
    assert_eq!(registration("edit").route(), Some("/edit"));
}

#[test]
fn audit_lists_public_handlers() {
    let public = registration("homepage");

    assert!(matches!(public.access(), audit::Access::Public));
    assert_eq!(public.access().to_string(), "public");
}

#[test]
fn audit_reports_handlers_neither_guarded_nor_public() {
    let names = handlers![
        typed,
        edit,
        unsuspended,
        notes,
        add_note,
        homepage,
        forgotten,
        stats
    ];

    let uncovered: Vec<_> = audit::uncovered(&names)
        .iter()
        .map(audit::HandlerRef::name)
        .collect();

    assert_eq!(uncovered, ["forgotten", "stats"]);
    audit::assert_all_routes_covered(&names[..6]);
}

#[test]
#[should_panic(
    expected = "neither guarded by #[requires] nor marked #[public]: forgotten (dsl::forgotten)"
)]
fn audit_assertion_fails_for_an_unmarked_handler() {
    audit::assert_all_routes_covered(&handlers![homepage, forgotten]);
}
