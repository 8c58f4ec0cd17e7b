//! Adversarial `Authorization` (and `X-API-Key`) header forms against the demo, sent as raw
//! bytes over a real socket: each case asserts the exact status and that the guarded handler
//! behind `POST /admin/api-keys` never ran (no key in the database, not its body).

mod support;

use auth_tests::basic;
use support::attack::{authorization, b64, Target};

const ADMIN: &[u8] = b"admin:admin-secret";

#[test]
fn headers_control_the_witness_sees_a_request_let_through() {
    let target = Target::start();
    target.assert_handler_runs();
}

#[test]
fn headers_duplicate_authorization_headers_are_400_whatever_they_hold() {
    let target = Target::start();
    let admin = basic("admin", "admin-secret");
    let alice = basic("alice", "alice-secret");

    let cases: [(&str, [&str; 2]); 4] = [
        ("admin twice", [&admin, &admin]),
        ("admin then garbage", [&admin, "Basic !!!"]),
        ("garbage then admin", ["Bearer x", &admin]),
        ("alice then admin", [&alice, &admin]),
    ];
    for (case, [first, second]) in cases {
        let first = authorization(first);
        let second = authorization(second);
        target.assert_refused(case, &[&first, &second], 400);
    }

    // Header names are case-insensitive: these are the same header twice.
    let lower = format!("authorization: {admin}");
    let upper = format!("AUTHORIZATION: {admin}");
    target.assert_refused(
        "names in two cases",
        &[lower.as_bytes(), upper.as_bytes()],
        400,
    );
}

#[test]
fn headers_scheme_case_is_ignored_but_credentials_are_still_checked() {
    let target = Target::start();
    let alice = b64(b"alice:alice-secret");
    let wrong = b64(b"admin:wrong");

    // A scheme in any case is Basic: alice is found and lacks `admin`.
    for scheme in ["basic", "BASIC", "bAsIc"] {
        let line = authorization(&format!("{scheme} {alice}"));
        target.assert_refused(scheme, &[&line], 403);
    }
    for scheme in ["basic", "BASIC"] {
        let line = authorization(&format!("{scheme} {wrong}"));
        target.assert_refused(scheme, &[&line], 401);
    }
}

#[test]
fn headers_unknown_and_near_miss_schemes_carrying_admin_credentials_are_anonymous() {
    let target = Target::start();
    let admin = b64(ADMIN);

    for value in [
        format!("Basicx {admin}"),
        format!("Basic_{admin}"),
        format!("Basic:{admin}"),
        format!("Digest {admin}"),
        format!("Negotiate {admin}"),
        format!("B asic {admin}"),
        admin.clone(),
        String::new(),
    ] {
        let reply = target.assert_refused(&value, &[&authorization(&value)], 401);
        // Anonymous: the challenges of the whole chain, not a Basic rejection.
        assert_eq!(reply.all("www-authenticate").len(), 3, "{value}: {reply:?}");
    }
}

#[test]
fn headers_spaces_and_tabs_around_credentials_do_not_change_the_decision() {
    let target = Target::start();
    let alice = b64(b"alice:alice-secret");

    for value in [
        format!("Basic  {alice}"),
        format!("Basic\t{alice}"),
        format!("Basic \t \t{alice}"),
        format!("Basic {alice}\t"),
        format!("   Basic {alice}   "),
    ] {
        target.assert_refused(&value, &[&authorization(&value)], 403);
    }
}

#[test]
fn headers_junk_after_valid_admin_credentials_is_400() {
    let target = Target::start();
    let admin = b64(ADMIN);

    for value in [
        format!("Basic {admin} extra"),
        format!("Basic {admin}\tx"),
        format!("Basic {admin},Basic {admin}"),
        format!("Basic {admin}, Bearer x"),
        format!("Basic {admin}="),
        format!("Basic {admin}!"),
    ] {
        target.assert_refused(&value, &[&authorization(&value)], 400);
    }
}

#[test]
fn headers_empty_credentials_are_400() {
    let target = Target::start();
    for value in ["Basic", "Basic ", "Basic \t ", "Bearer", "bearer   "] {
        target.assert_refused(value, &[&authorization(value)], 400);
    }
}

#[test]
fn headers_nul_and_control_bytes_never_reach_the_handler() {
    let target = Target::start();
    let admin = b64(ADMIN);

    // The HTTP parser refuses control bytes in a header value outright.
    for byte in [0x00, 0x01, 0x08, 0x0b, 0x0c, 0x1b, 0x7f] {
        let mut line = authorization(&format!("Basic {admin}"));
        line.push(byte);
        target.assert_refused(&format!("trailing byte {byte:#04x}"), &[&line], 400);

        let mut line = b"Authorization: Basic ".to_vec();
        line.push(byte);
        line.extend_from_slice(admin.as_bytes());
        target.assert_refused(&format!("leading byte {byte:#04x}"), &[&line], 400);
    }

    // Control bytes inside the decoded credentials reach the verifier, which knows no such
    // user or password.
    for raw in [
        &b"admin\0:admin-secret"[..],
        b"admin:admin-secret\0",
        b"\0admin:admin-secret",
        b"admin:admin-secret\r\n",
        b"admin\t:admin-secret",
        b"admin :admin-secret",
    ] {
        let line = authorization(&format!("Basic {}", b64(raw)));
        target.assert_refused(&format!("{raw:?}"), &[&line], 401);
    }
}

#[test]
fn headers_folded_lines_are_refused_by_the_parser() {
    let target = Target::start();
    let admin = b64(ADMIN);
    let (head, tail) = admin.split_at(8);
    let line = format!("Authorization: Basic {head}\r\n {tail}");
    target.assert_refused("obs-fold", &[line.as_bytes()], 400);
}

#[test]
fn headers_non_utf8_bytes_are_400() {
    let target = Target::start();

    let mut raw_header = b"Authorization: Basic ".to_vec();
    raw_header.extend_from_slice(&[0xff, 0xfe, 0x80]);
    target.assert_refused("raw bytes in the header", &[&raw_header], 400);

    let mut scheme = b"Authorization: B\xc3\xa1sic ".to_vec();
    scheme.extend_from_slice(b64(ADMIN).as_bytes());
    target.assert_refused("non-ASCII scheme", &[&scheme], 401);

    for raw in [
        &b"admin:\xff"[..],
        b"\xc3\x28:admin-secret",
        b"admin:admin-secret\xed\xa0\x80",
    ] {
        let line = authorization(&format!("Basic {}", b64(raw)));
        target.assert_refused(&format!("decoded {raw:?}"), &[&line], 400);
    }
}

#[test]
fn headers_long_values_are_refused_cleanly() {
    let target = Target::start();

    // Just under the 8 KiB limit: decoded and checked, and the password is wrong.
    let password = "p".repeat(6 * 1024 - 10);
    let encoded = b64(format!("admin:{password}").as_bytes());
    assert!(encoded.len() <= 8 * 1024);
    let line = authorization(&format!("Basic {encoded}"));
    target.assert_refused("8 KiB", &[&line], 401);

    // Over it: refused before decoding.
    let encoded = b64(format!("admin:{}", "p".repeat(7 * 1024)).as_bytes());
    assert!(encoded.len() > 8 * 1024);
    let line = authorization(&format!("Basic {encoded}"));
    target.assert_refused("over 8 KiB", &[&line], 400);

    // 64 KiB of Basic, of Bearer, and of a scheme nobody knows.
    let huge = "A".repeat(64 * 1024);
    for scheme in ["Basic", "Bearer"] {
        let line = authorization(&format!("{scheme} {huge}"));
        target.assert_refused(&format!("64 KiB {scheme}"), &[&line], 400);
    }
    let line = authorization(&format!("Unknown {huge}"));
    target.assert_refused("64 KiB of another scheme", &[&line], 401);
    let line = format!("X-API-Key: {huge}");
    target.assert_refused("64 KiB API key", &[line.as_bytes()], 400);
}

#[test]
fn headers_basic_without_a_colon_is_400() {
    let target = Target::start();
    for raw in [&b"adminadmin-secret"[..], b"admin", b"", b"\0"] {
        let line = authorization(&format!("Basic {}", b64(raw)));
        target.assert_refused(&format!("{raw:?}"), &[&line], 400);
    }
}

#[test]
fn headers_base64_forms() {
    let target = Target::start();
    // 19 bytes: standard base64 ends with one `=`.
    let raw = b"admin:admin-secretx";
    let padded = b64(raw);
    assert!(padded.ends_with('='));
    let unpadded = padded.trim_end_matches('=');

    // Padding is optional: both decode, and the password is wrong.
    for value in [&padded[..], unpadded] {
        target.assert_refused(value, &[&authorization(&format!("Basic {value}"))], 401);
    }

    let admin = b64(ADMIN);
    let (head, tail) = admin.split_at(12);
    for value in [
        format!("{head} {tail}"),
        format!("{head}\t{tail}"),
        format!("{admin}=="),
        format!("={admin}"),
        format!("{head}={tail}"),
        admin.replace('+', "-").replace('/', "_") + "-_",
        admin[..admin.len() - 1].to_owned(),
    ] {
        target.assert_refused(&value, &[&authorization(&format!("Basic {value}"))], 400);
    }
}

#[test]
fn headers_a_malformed_credential_beside_valid_admin_basic_stops_the_chain() {
    let target = Target::start();
    let admin = authorization(&basic("admin", "admin-secret"));

    // The API key backend runs before Basic: its malformed header is 400, never skipped.
    target.assert_refused("garbage API key", &[&admin, b"X-API-Key: garbage"], 400);
    target.assert_refused("empty API key", &[&admin, b"X-API-Key: "], 400);
    target.assert_refused(
        "two API keys",
        &[&admin, b"X-API-Key: ak_a_b", b"x-api-key: ak_c_d"],
        400,
    );
    // A session cookie that does not verify is anonymous for the session backend; Basic
    // then authenticates, so this is the control that the cookie is not an error.
    let before = target.keys();
    let reply = support::attack::post_witness(
        target.addr(),
        support::attack::WITNESS.as_bytes(),
        &[&admin, b"Cookie: id=forged"],
    );
    assert_eq!(reply.status, 201, "{reply:?}");
    assert_eq!(target.keys(), before + 1);
}
