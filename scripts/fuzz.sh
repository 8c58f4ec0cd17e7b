#!/usr/bin/env bash
# Fuzzes every parser that sees attacker bytes: runs each cargo-fuzz target of fuzz/ for
# FUZZ_SECONDS (60 by default), starting from its corpus in fuzz/corpus/<target>, then merges
# what it found back into that corpus, minimised (FUZZ_MERGE=0 leaves the corpus as it is).
# Name targets to run only those:
#
#     FUZZ_SECONDS=300 scripts/fuzz.sh cookie next
#
# cargo-fuzz asks for nightly compiler flags; RUSTC_BOOTSTRAP=1 lets the stable toolchain
# take them. A crash stops the script with the input under fuzz/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${FUZZ_SECONDS:-60}"
merge="${FUZZ_MERGE:-1}"
export RUSTC_BOOTSTRAP=1
if ! command -v cargo-fuzz >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi
if ! command -v cc >/dev/null 2>&1; then
    apt-get update -qq && apt-get install -y -qq build-essential >/dev/null
fi

cd fuzz
if [ "$#" -gt 0 ]; then
    targets=("$@")
else
    mapfile -t targets < <(cargo fuzz list)
fi
cargo fuzz build

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for target in "${targets[@]}"; do
    corpus="corpus/$target"
    found="$work/$target-found"
    merged="$work/$target-merged"
    mkdir -p "$corpus" "$found" "$merged"

    # New inputs go to $found; the kept corpus seeds the run and is not written to.
    if ! cargo fuzz run "$target" "$found" "$corpus" -- \
        -max_total_time="$seconds" -max_len=1024 -timeout=10 -print_final_stats=1 \
        >"$work/$target.log" 2>&1; then
        tail -n 40 "$work/$target.log"
        echo "== $target: crashed; the input is under fuzz/artifacts/$target/" >&2
        exit 1
    fi
    executions="$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$target.log")"
    if [ "$merge" = 0 ]; then
        echo "== $target: $executions executions in ${seconds} s"
        continue
    fi

    # Keep named inputs (seeds and crash regressions) as they are; replace the generated
    # ones (named by their SHA-1) with a minimal set covering everything seen.
    cargo fuzz run "$target" "$merged" "$corpus" "$found" -- -merge=1 \
        >"$work/$target-merge.log" 2>&1
    find "$corpus" -type f -regextype posix-extended -regex '.*/[0-9a-f]{40}' -delete
    named="$(find "$corpus" -type f -exec sha1sum {} + | cut -d' ' -f1)"
    for input in "$merged"/*; do
        [ -e "$input" ] || continue
        name="$(basename "$input")"
        grep -qx "$name" <<<"$named" || cp "$input" "$corpus/$name"
    done
    echo "== $target: $executions executions in ${seconds} s; corpus of $(find "$corpus" -type f | wc -l) files"
done
