//! A flood of Basic guesses against the demo: every one refused, and the server's memory
//! bounded by the password verifier's slots rather than by the number of guesses in flight.
//!
//! Each argon2 verification needs 19 MiB. Run one per blocking thread and the allocator keeps
//! that memory in every thread that ever verified: 64 guesses at once took the demo past
//! 8 GiB. The verifier now runs a fixed number at once in buffers it reuses.

mod support;

use actix_web::http::StatusCode;
use auth_tests::{basic, send_with};
use futures_util::stream::{self, StreamExt as _};
use support::demo_server;

/// Guesses in flight at once.
const CONCURRENCY: usize = 64;

/// How much the resident set may grow over the flood.
const RSS_SLACK_KB: u64 = 256 * 1024;

#[actix_web::test]
async fn password_flood_is_refused_within_bounded_memory() {
    let (server, _dir) = demo_server();
    let guess = basic("nobody", "guess");
    let before = rss_kb();

    let statuses: Vec<StatusCode> = stream::iter(0..CONCURRENCY * 3)
        .map(|_| async {
            send_with(server.get("/api/whoami"), Some(&guess))
                .await
                .status
        })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    let after = rss_kb();
    let admin = basic("admin", "admin-secret");
    let afterwards = send_with(server.get("/api/whoami"), Some(&admin)).await;

    for status in &statuses {
        // 503: no verification slot came free in time; a refusal too.
        assert!(
            matches!(status.as_u16(), 401 | 503),
            "a guess was answered {status}"
        );
    }
    assert!(
        after.saturating_sub(before) < RSS_SLACK_KB,
        "the flood grew the resident set from {before} kB to {after} kB"
    );
    assert_eq!(afterwards.status, StatusCode::OK, "{}", afterwards.body);
}

/// This process's resident set, in kB.
fn rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .expect("/proc/self/status")
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("a VmRSS line")
}
