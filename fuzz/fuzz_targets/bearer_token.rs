//! Fuzzes `checks::bearer_token`; see `fuzz/checks.rs` for what it asserts.

#![no_main]

#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::bearer_token(data));
