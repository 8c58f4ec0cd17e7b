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
# The Redis session tests start their own redis-server (and fail without one).
if ! command -v redis-server >/dev/null 2>&1; then
    apt-get update -qq && apt-get install -y -qq redis-server >/dev/null
fi
# The rust-version check reads `cargo metadata` with Python.
if ! command -v python3 >/dev/null 2>&1; then
    apt-get update -qq && apt-get install -y -qq python3 >/dev/null
fi
# The browser test drives Debian's headless Chromium through chromedriver (and fails without
# them), at the paths it names.
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
fi

echo "== cargo fmt --check"
cargo fmt --all --check

echo "== cargo clippy"
cargo clippy --workspace --all-targets -- -D warnings
cargo clippy -p auth-actix --all-targets -- -D warnings
cargo clippy -p auth-actix --all-targets --features session -- -D warnings

echo "== cargo clippy, without optional features and with each on its own"
for feature in "" api-key password jwt; do
    cargo clippy -p auth-core --all-targets --features "$feature" -- -D warnings
    cargo clippy -p auth-actix --all-targets --features "$feature" -- -D warnings
done

echo "== rust-version against the locked dependencies"
python3 scripts/check-msrv.py

echo "== cargo doc"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --quiet

echo "== cargo test"
cargo test --workspace

# The corpus replay above checks every kept input; this runs each fuzz target briefly from
# that corpus, looking for new crashes. scripts/fuzz.sh runs them longer.
echo "== fuzzing, ${CI_FUZZ_SECONDS:-15} s per target"
FUZZ_SECONDS="${CI_FUZZ_SECONDS:-15}" FUZZ_MERGE=0 bash scripts/fuzz.sh
