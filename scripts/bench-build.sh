#!/usr/bin/env bash
# Build time of `#[requires]`: two generated crates, one with 200 guarded handlers and one with
# the same 200 handlers plain, each built after its dependencies are built, several times.
#
#   scripts/bench-build.sh            # 3 builds of each, debug profile
#   HANDLERS=500 RUNS=5 scripts/bench-build.sh
#
# The crates live in target/bench-build, outside the workspace, and share one target
# directory, so their dependencies (actix-web, auth-actix) are compiled once.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

HANDLERS=${HANDLERS:-200}
RUNS=${RUNS:-3}
OUT=target/bench-build
mkdir -p "$OUT"

generate() {
    local kind=$1 dir="$OUT/$1"
    mkdir -p "$dir/src"
    cat >"$dir/Cargo.toml" <<EOF
[package]
name = "build-$kind"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
actix-web = { version = "4.11", default-features = false, features = ["macros", "cookies"] }
auth-actix = { path = "$ROOT/auth-actix" }

[workspace]
EOF
    cp Cargo.lock "$dir/Cargo.lock"
    {
        echo "//! $HANDLERS $kind handlers."
        echo "use actix_web::{web, App, HttpResponse};"
        echo "use auth_actix::{AuthenticationMiddleware, Chain};"
        [[ $kind == guarded ]] && echo "use auth_actix::requires;"
        for i in $(seq "$HANDLERS"); do
            if [[ $kind == guarded ]]; then
                echo "#[requires(scopes = [\"scope:$i\"])]"
            fi
            echo "async fn handler_$i(path: web::Path<u32>) -> HttpResponse {"
            echo "    HttpResponse::Ok().body(format!(\"$i {}\", path.into_inner()))"
            echo "}"
        done
        echo "fn main() {"
        echo "    let chain = Chain::new(auth_actix::basic::BasicBackend::new(Never));"
        echo "    let _app = App::new().wrap(AuthenticationMiddleware::new(chain))"
        for i in $(seq "$HANDLERS"); do
            echo "        .route(\"/$i/{id}\", web::get().to(handler_$i))"
        done
        echo "        ;"
        echo "}"
        cat <<'EOF'
struct Never;
impl auth_actix::basic::BasicVerifier for Never {
    type User = auth_actix::SimpleUser;
    async fn verify(
        &self,
        _: &auth_actix::basic::BasicCredentials,
    ) -> Result<Option<auth_actix::Authenticated<auth_actix::SimpleUser>>, auth_actix::AuthError> {
        Ok(None)
    }
}
EOF
    } >"$dir/src/main.rs"
}

export CARGO_TARGET_DIR="$ROOT/$OUT/target"
# A full rebuild of the crate each time: incremental compilation would reuse the last one.
export CARGO_INCREMENTAL=0
for kind in plain guarded; do
    generate "$kind"
    # Dependencies first, untimed.
    cargo build --quiet --manifest-path "$OUT/$kind/Cargo.toml"
done

declare -A times
for run in $(seq "$RUNS"); do
    for kind in plain guarded; do
        touch "$OUT/$kind/src/main.rs"
        start=$(date +%s.%N)
        cargo build --quiet --manifest-path "$OUT/$kind/Cargo.toml"
        end=$(date +%s.%N)
        elapsed=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')
        times[$kind]="${times[$kind]:-} $elapsed"
        echo "run $run $kind: ${elapsed} s"
    done
done

median() { tr ' ' '\n' | grep . | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }
plain=$(echo "${times[plain]}" | median)
guarded=$(echo "${times[guarded]}" | median)
echo
echo "| crate | handlers | build s (median of $RUNS) |"
echo "| --- | ---: | ---: |"
echo "| plain | $HANDLERS | $plain |"
echo "| guarded | $HANDLERS | $guarded |"
awk -v p="$plain" -v g="$guarded" 'BEGIN { printf "ratio guarded / plain: %.3f\n", g / p }'
