#!/usr/bin/env bash
# Every check the project runs: formatting, lints, docs, and all tests (unit, end-to-end over
# real sockets, doc tests and compile-fail tests). Safe to run on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."

# Set-up: the toolchain's formatter and linter, and a C compiler for the bundled SQLite.
if command -v rustup >/dev/null 2>&1; then
    rustup component add rustfmt clippy >/dev/null
fi
if ! command -v cc >/dev/null 2>&1; then
    apt-get update -qq && apt-get install -y -qq build-essential >/dev/null
fi

echo "== cargo fmt --check"
cargo fmt --all --check

echo "== cargo clippy"
cargo clippy --workspace --all-targets -- -D warnings
# The workspace build turns the jwt feature on (the tests use it); check the crates without it.
cargo clippy -p auth-core -p auth-actix --all-targets -- -D warnings

echo "== cargo doc"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --quiet

echo "== cargo test"
cargo test --workspace
