#!/usr/bin/env bash
# The load correctness run at size: LOAD_REQUESTS mixed requests (300000 by default) against
# the demo over loopback, each answer checked against its expected decision, and the server's
# resident memory compared between the end of the warm-up and the end of the run.
# scripts/test.sh runs the same test with 3000 requests.
set -euo pipefail
cd "$(dirname "$0")/.."

export LOAD_REQUESTS="${LOAD_REQUESTS:-300000}"
cargo test -p auth-tests --test load -- --nocapture
