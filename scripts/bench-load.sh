#!/usr/bin/env bash
# Load test: server CPU time per request of the authentication middleware, as a ratio to a bare
# actix-web app measured in the same round. See BENCHMARKS.md for the method.
#
#   scripts/bench-load.sh                  # 3 rounds of 10 s per scenario
#   ROUNDS=5 DURATION=20 scripts/bench-load.sh
#   SCENARIOS="bare jwt-rs256" scripts/bench-load.sh
#   STARLETTE=1 scripts/bench-load.sh      # also Starlette under uvicorn, in a Python venv
#
# The server runs on core 0 with one worker (taskset), wrk on core 1 with 64 connections. The
# server's CPU time (utime + stime from /proc/PID/stat) is read before and after each run; its
# peak RSS is VmHWM from /proc/PID/status. Scenarios run one at a time, interleaved, each round
# in the same order, each on a freshly started server.
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-2}
CONNECTIONS=${CONNECTIONS:-64}
PORT=${PORT:-18080}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
# handwritten-hs256 and grants-hs256 are the comparisons: the same guarded route behind a
# hand-written jsonwebtoken middleware, and behind actix-web-grants.
ALL_SCENARIOS="bare anonymous api-key session jwt-hs256 jwt-rs256 401 403 jwt-hs256-cached jwt-rs256-uncached session-anonymous handwritten-hs256 grants-hs256"
# Opt-in: the same guarded route in Starlette (AuthenticationMiddleware, a PyJWT backend,
# `requires`), its ratios taken to a bare Starlette app in the same round.
if [[ ${STARLETTE:-0} == 1 ]]; then
    ALL_SCENARIOS="$ALL_SCENARIOS starlette-bare starlette-anonymous starlette-hs256 starlette-403"
fi
SCENARIOS=${SCENARIOS:-$ALL_SCENARIOS}
OUT=${OUT:-target/bench-load}

# Set-up: wrk and curl from Debian, when missing.
missing=()
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v taskset >/dev/null 2>&1 || missing+=(util-linux)
if ((${#missing[@]})); then
    apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
fi

cargo build --release --quiet -p auth-bench --bin bench-server
SERVER=target/release/bench-server
VENV=target/starlette-venv
if [[ " $SCENARIOS " == *" starlette-"* ]] && [[ ! -x $VENV/bin/uvicorn ]]; then
    python3 -m venv "$VENV" 2>/dev/null || {
        apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
        rm -rf "$VENV" && python3 -m venv "$VENV"
    }
    "$VENV/bin/pip" install --quiet starlette uvicorn pyjwt
fi
mkdir -p "$OUT"
RAW="$OUT/raw.tsv"
printf 'round\tscenario\trequests\tcpu_us_per_req\trps\tp50_us\thwm_kib\tstatus\n' >"$RAW"
TICKS=$(getconf CLK_TCK)

# scenario -> server mode, path, expected status
mode_of() {
    case $1 in
        bare) echo bare ;;
        jwt-rs256) echo rs256 ;;
        jwt-hs256-cached) echo hs256-cached ;;
        jwt-rs256-uncached) echo rs256-uncached ;;
        session | session-anonymous) echo session ;;
        starlette-bare) echo bare ;;
        starlette-*) echo auth ;;
        handwritten-hs256) echo handwritten ;;
        grants-hs256) echo grants ;;
        *) echo hs256 ;;
    esac
}
path_of() {
    case $1 in
        bare | anonymous | session-anonymous | starlette-bare | starlette-anonymous) echo /anon ;;
        403 | starlette-403) echo /admin ;;
        *) echo /guarded ;;
    esac
}
status_of() {
    case $1 in
        401) echo 401 ;;
        403 | starlette-403) echo 403 ;;
        *) echo 200 ;;
    esac
}

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
hwm_kib() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"; }

# Converts a wrk latency ("812.00us", "1.20ms", "2.00s") to microseconds.
to_us() {
    awk -v v="$1" 'BEGIN {
        if (v ~ /us$/) { sub(/us$/, "", v); print v + 0 }
        else if (v ~ /ms$/) { sub(/ms$/, "", v); print v * 1000 }
        else if (v ~ /s$/) { sub(/s$/, "", v); print v * 1000000 }
        else print v
    }'
}

run_scenario() {
    local round=$1 scenario=$2
    local mode path expected credentials
    mode=$(mode_of "$scenario")
    path=$(path_of "$scenario")
    expected=$(status_of "$scenario")
    credentials="$OUT/credentials.$scenario"

    local server=("$SERVER")
    [[ $scenario == starlette-* ]] && server=("$VENV/bin/python" bench/starlette/server.py)
    taskset -c "$SERVER_CPU" "${server[@]}" "$mode" "$PORT" "$credentials" >"$OUT/server.log" 2>&1 &
    local pid=$!
    for _ in $(seq 200); do
        curl -s -o /dev/null "http://127.0.0.1:$PORT/anon" && break
        sleep 0.05
    done
    # shellcheck disable=SC1090
    . "$credentials"
    # Start the peak RSS afresh: set-up work (argon2's 19 MiB for the Basic verifier's hashes,
    # RSA key generation) is not what a request costs.
    echo 5 >"/proc/$pid/clear_refs"

    local header=()
    case $scenario in
        starlette-hs256 | starlette-403) header=(-H "Authorization: Bearer $TOKEN") ;;
        api-key | 403) header=(-H "X-API-Key: $API_KEY") ;;
        401) header=(-H "X-API-Key: $BAD_API_KEY") ;;
        jwt-* | *-hs256) header=(-H "Authorization: Bearer $TOKEN") ;;
        session)
            local cookie
            cookie=$(curl -s -D - -o /dev/null "http://127.0.0.1:$PORT/login" |
                awk -F'[ ;]' 'tolower($1) == "set-cookie:" { print $2; exit }')
            header=(-H "Cookie: $cookie")
            ;;
    esac

    local status
    status=$(curl -s -o /dev/null -w '%{http_code}' "${header[@]}" "http://127.0.0.1:$PORT$path")
    if [[ $status != "$expected" ]]; then
        echo "$scenario: expected $expected, got $status" >&2
        kill "$pid"
        wait "$pid" 2>/dev/null || true
        return 1
    fi

    taskset -c "$CLIENT_CPU" wrk -t1 -c"$CONNECTIONS" -d"${WARMUP}s" "${header[@]}" \
        "http://127.0.0.1:$PORT$path" >/dev/null
    local before after
    before=$(cpu_ticks "$pid")
    taskset -c "$CLIENT_CPU" wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency "${header[@]}" \
        "http://127.0.0.1:$PORT$path" >"$OUT/wrk.log"
    after=$(cpu_ticks "$pid")
    local hwm
    hwm=$(hwm_kib "$pid")
    kill "$pid"
    wait "$pid" 2>/dev/null || true

    local requests rps p50
    requests=$(awk '/requests in/ { print $1 }' "$OUT/wrk.log")
    rps=$(awk '/^Requests\/sec:/ { print $2 }' "$OUT/wrk.log")
    p50=$(to_us "$(awk '$1 == "50%" { print $2 }' "$OUT/wrk.log")")
    local cpu_us
    cpu_us=$(awk -v a="$after" -v b="$before" -v t="$TICKS" -v n="$requests" \
        'BEGIN { printf "%.3f", (a - b) / t * 1e6 / n }')
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$scenario" "$requests" "$cpu_us" \
        "$rps" "$p50" "$hwm" "$status" >>"$RAW"
    printf 'round %s %-20s %8s req  %7s us/req  %9s req/s  p50 %7s us  HWM %6s KiB\n' \
        "$round" "$scenario" "$requests" "$cpu_us" "$rps" "$p50" "$hwm"
}

for round in $(seq "$ROUNDS"); do
    for scenario in $SCENARIOS; do
        run_scenario "$round" "$scenario"
    done
done

# The table: per scenario, the median over rounds of each figure, and of the ratio of its CPU
# time per request to bare's in the same round (to starlette-bare's for Starlette).
echo
awk -F'\t' '
    function median(list,    n, a, i, j, t) {
        n = split(list, a, " ")
        for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
        return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    NR == 1 { next }
    { rows[NR] = $0; base_cpu[$1, $2] = $4; base_hwm[$1, $2] = $7 }
    END {
        for (r in rows) {
            split(rows[r], f, "\t")
            s = f[2]
            b = s ~ /^starlette-/ ? "starlette-bare" : "bare"
            seen[s] = 1
            cpu[s] = cpu[s] " " f[4]
            ratio[s] = ratio[s] " " (base_cpu[f[1], b] ? f[4] / base_cpu[f[1], b] : 0)
            rps[s] = rps[s] " " f[5]
            p50[s] = p50[s] " " f[6]
            hwm[s] = hwm[s] " " f[7]
            dhwm[s] = dhwm[s] " " (f[7] - base_hwm[f[1], b])
        }
        printf "| scenario | CPU us/req | ratio to bare | p50 latency us | requests/s | peak RSS KiB | RSS - bare KiB |\n"
        printf "| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n"
        n = split("'"$SCENARIOS"'", names, " ")
        for (i = 1; i <= n; i++) {
            s = names[i]
            if (!(s in seen)) continue
            printf "| %s | %.2f | %.3f | %.0f | %.0f | %d | %+d |\n", s, median(cpu[s]), median(ratio[s]), median(p50[s]), median(rps[s]), median(hwm[s]), median(dhwm[s])
        }
    }
' "$RAW" | tee "$OUT/table.md"
echo
echo "raw figures: $RAW; table: $OUT/table.md"
