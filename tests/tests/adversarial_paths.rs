//! Request targets that try to reach a guarded handler by another spelling, sent raw over a
//! socket so no client normalises them. Whatever actix routes to a guarded handler stays
//! guarded (401 for anonymous callers, 403 for alice, who lacks `admin`); anything else is
//! 404. Each case asserts the exact status and that the handler never ran: for the witness
//! `POST /admin/api-keys` no key appears in the database, for the read-only routes the body
//! is never the handler's.

mod support;

use auth_tests::basic;
use support::attack::{authorization, get_raw, Target};

/// How actix treats a spelling: routes it to the guarded handler, or finds no route.
#[derive(Clone, Copy, Debug)]
enum Routed {
    Guarded,
    NotFound,
}

/// Spellings of the witness route `/admin/api-keys`.
const WITNESS_SPELLINGS: &[(&str, Routed)] = &[
    // Percent-encoded unreserved characters are decoded before matching: same route.
    ("/%61dmin/api-keys", Routed::Guarded),
    ("/%61%64%6d%69%6e/%61pi-keys", Routed::Guarded),
    ("/admin/api%2Dkeys", Routed::Guarded),
    // An absolute-form target names the same path.
    ("http://localhost/admin/api-keys", Routed::Guarded),
    ("/admin/api-keys?next=/admin", Routed::Guarded),
    ("/admin/api-keys?", Routed::Guarded),
    // Everything else is another path, with no handler.
    ("//admin/api-keys", Routed::NotFound),
    ("/admin//api-keys", Routed::NotFound),
    ("/admin/api-keys/", Routed::NotFound),
    ("/admin/", Routed::NotFound),
    ("/admin%2fapi-keys", Routed::NotFound),
    ("/admin%2Fapi-keys", Routed::NotFound),
    ("/admin%5capi-keys", Routed::NotFound),
    ("/admin;x/api-keys", Routed::NotFound),
    ("/admin/api-keys;x", Routed::NotFound),
    ("/ADMIN/API-KEYS", Routed::NotFound),
    ("/Admin/api-keys", Routed::NotFound),
    ("/admin/api-keys.", Routed::NotFound),
    ("/admin./api-keys", Routed::NotFound),
    ("/admin/./api-keys", Routed::NotFound),
    ("/x/../admin/api-keys", Routed::NotFound),
    ("/admin/api-keys%00", Routed::NotFound),
    ("/admin/api-keys%20", Routed::NotFound),
    ("/%2e/admin/api-keys", Routed::NotFound),
];

fn expected(routed: Routed, guarded: u16) -> u16 {
    match routed {
        Routed::Guarded => guarded,
        Routed::NotFound => 404,
    }
}

#[test]
fn paths_control_the_witness_sees_a_request_let_through() {
    Target::start().assert_handler_runs();
}

#[test]
fn paths_spellings_of_the_witness_route_stay_guarded_for_anonymous_callers() {
    let target = Target::start();
    for &(spelling, routed) in WITNESS_SPELLINGS {
        target.assert_refused_at(spelling, spelling, &[], expected(routed, 401));
    }
}

#[test]
fn paths_spellings_of_the_witness_route_stay_guarded_for_a_user_lacking_the_scope() {
    let target = Target::start();
    let alice = authorization(&basic("alice", "alice-secret"));
    for &(spelling, routed) in WITNESS_SPELLINGS {
        target.assert_refused_at(spelling, spelling, &[&alice], expected(routed, 403));
    }
}

#[test]
fn paths_the_same_spellings_with_admin_credentials_reach_only_the_real_route() {
    // The other side of the table: admin is let through exactly where actix routes to the
    // handler, so "Guarded" rows are really the handler's route and not a 404 in disguise.
    let target = Target::start();
    let admin = authorization(&basic("admin", "admin-secret"));
    for &(spelling, routed) in WITNESS_SPELLINGS {
        let before = target.keys();
        let reply = support::attack::post_witness(target.addr(), spelling.as_bytes(), &[&admin]);
        match routed {
            Routed::Guarded => {
                assert_eq!(reply.status, 201, "{spelling}: {reply:?}");
                assert_eq!(target.keys(), before + 1, "{spelling}");
            }
            Routed::NotFound => {
                assert_eq!(reply.status, 404, "{spelling}: {reply:?}");
                assert_eq!(target.keys(), before, "{spelling}");
            }
        }
    }
}

/// Read-only guarded routes, their spellings, and text only their handler writes.
const READ_SPELLINGS: &[(&str, Routed, &str)] = &[
    ("/admin/users", Routed::Guarded, "\"username\""),
    ("/%61dmin/users", Routed::Guarded, "\"username\""),
    ("//admin/users", Routed::NotFound, "\"username\""),
    ("/admin/users/", Routed::NotFound, "\"username\""),
    ("/ADMIN/users", Routed::NotFound, "\"username\""),
    ("/admin/users;x", Routed::NotFound, "\"username\""),
    ("/admin%2fusers", Routed::NotFound, "\"username\""),
    ("/admin/users.", Routed::NotFound, "\"username\""),
    ("/admin/policies", Routed::Guarded, "\"handler\""),
    ("/%61dmin/policies", Routed::Guarded, "\"handler\""),
    ("/notes", Routed::Guarded, "\"owner\""),
    ("/%6eotes", Routed::Guarded, "\"owner\""),
    ("//notes", Routed::NotFound, "\"owner\""),
    ("/NOTES", Routed::NotFound, "\"owner\""),
    ("/notes/1", Routed::Guarded, "\"owner\""),
    ("/notes/%31", Routed::Guarded, "\"owner\""),
    // The `/notes` scope's own guard answers before the scope routes: anything under it is
    // refused, even a path with no handler.
    ("/notes/", Routed::Guarded, "\"owner\""),
    ("/notes//1", Routed::Guarded, "\"owner\""),
    ("/notes/1/", Routed::Guarded, "\"owner\""),
    ("/notes/1;x", Routed::Guarded, "\"owner\""),
    ("/notes/../admin/users", Routed::Guarded, "\"username\""),
];

#[test]
fn paths_read_only_guarded_routes_stay_guarded_under_every_spelling() {
    let target = Target::start();
    let accept = b"Accept: application/json".as_slice();
    for &(spelling, routed, handler_text) in READ_SPELLINGS {
        let reply = get_raw(target.addr(), spelling.as_bytes(), &[accept]);
        assert_eq!(
            reply.status,
            expected(routed, 401),
            "anonymous {spelling}: {reply:?}"
        );
        assert!(
            !reply.text().contains(handler_text),
            "anonymous {spelling}: {reply:?}"
        );
    }
}

#[test]
fn paths_admin_redirect_route_spellings_never_serve_the_page() {
    let target = Target::start();
    for (spelling, status) in [
        ("/admin", 303),
        ("/%61dmin", 303),
        ("/admin/", 404),
        ("//admin", 404),
        ("/ADMIN", 404),
        ("/admin;x", 404),
        ("/admin%2f", 404),
        ("/admin.", 404),
        ("/admin..", 404),
    ] {
        let reply = get_raw(target.addr(), spelling.as_bytes(), &[b"Accept: text/html"]);
        assert_eq!(reply.status, status, "{spelling}: {reply:?}");
        assert!(
            !reply.text().contains("authenticated"),
            "{spelling}: {reply:?}"
        );
        if status == 303 {
            let location = reply.header("location").unwrap_or_default();
            assert!(
                location.starts_with("/login?next=%2F"),
                "{spelling}: {location}"
            );
        }
    }
}
