//! Runs every input of the fuzz corpus kept in the repository (`fuzz/corpus/<target>`) through
//! the checks its `cargo fuzz` target runs, so that each CI run replays the corpus, the crashes
//! once found included, on the stable toolchain.

#[path = "../../fuzz/checks.rs"]
mod checks;

use std::path::PathBuf;

/// Runs `check` on each file of `fuzz/corpus/<target>`, naming the file that fails.
fn replay(target: &str, check: fn(&[u8])) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz/corpus")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|err| panic!("{}: {err}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no corpus for {target}");

    for file in &files {
        let data = std::fs::read(file).unwrap();
        let outcome = std::panic::catch_unwind(|| check(&data));
        assert!(
            outcome.is_ok(),
            "{target}: {} fails its check",
            file.display()
        );
    }
}

#[test]
fn corpus_authorization() {
    replay("authorization", checks::authorization);
}

#[test]
fn corpus_basic() {
    replay("basic", checks::basic);
}

#[test]
fn corpus_cookie() {
    replay("cookie", checks::cookie);
}

#[test]
fn corpus_next() {
    replay("next", checks::next);
}

#[test]
fn corpus_scope_expr() {
    replay("scope_expr", checks::scope_expr);
}

#[cfg(feature = "api-key")]
#[test]
fn corpus_api_key() {
    replay("api_key", checks::api_key);
}

#[cfg(feature = "jwt")]
#[test]
fn corpus_bearer_token() {
    replay("bearer_token", checks::bearer_token);
}
