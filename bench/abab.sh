#!/usr/bin/env bash
# Same-conditions A/B comparison of two gateway builds: one nginx mock upstream (../shared/bench), the two builds
# started in turn (A B A B …) on the same pinned core, each measured for max throughput of non-streamed chat and of
# chat streams (wrk, c=64) and for gateway CPU per request (utime+stime from /proc). Alternating cancels most of this
# VM's drift between runs, which is larger than the differences a small change makes.
#   bench/abab.sh BIN_A BIN_B            # NativeAOT binaries (e.g. two `dotnet publish -p:PublishAot=true` outputs)
# With LATENCY=1 each round also measures non-streamed chat at a constant RATE [1000] req/s (c=32), right after the
# warm-up and before the saturation runs: the gateway's p50/p99 and, right before it, the direct call to the mock's p50/p99; "added" is the difference
# (the figure the issues' latency budgets are stated in).
# Knobs: ROUNDS [3], DURATION [5] s per measurement, WARMUP [3] s, CONNS [64], LATENCY [0], RATE [1000],
# CONFIG_A, CONFIG_B [none].
# Everything is on 127.0.0.1. The gateways' stdout (access log included) goes to logs/, not next to the config: the
# gateway watches its config's directory, and a log written there would wake the watcher on every flush.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HARNESS=$ROOT/../shared/bench
[[ $# -eq 2 && -x $1 && -x $2 ]] || { echo "usage: bench/abab.sh BIN_A BIN_B (executables)" >&2; exit 2; }
"$HARNESS/setup.sh" >/dev/null
: "${ROUNDS:=3}" "${DURATION:=5}" "${WARMUP:=3}" "${CONNS:=64}" "${LATENCY:=0}" "${RATE:=1000}"
RUN=$ROOT/bench/results/abab-$(date -u +%Y%m%dT%H%M%SZ); mkdir -p "$RUN/logs"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_port() { local i; for ((i = 0; i < $2 * 10; i++)); do (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0; sleep 0.1; done; return 1; }
PIDS=(); cleanup() { for p in "${PIDS[@]:-}"; do [[ -n $p ]] && kill "$p" 2>/dev/null || true; done; }; trap cleanup EXIT

MOCK_PORT=$(free_port); SLOW_PORT=$(free_port); GW_PORT=$(free_port)
node "$HARNESS/mock/gen-nginx-conf.mjs" --dir "$RUN/mock" --port "$MOCK_PORT" --slow-port "$SLOW_PORT" >/dev/null
taskset -c 1 timeout 1800 nginx -p "$RUN/mock" -c "$RUN/mock/nginx.conf" -g 'daemon off;' >"$RUN/mock.out" 2>&1 </dev/null &
PIDS+=($!); wait_port "$MOCK_PORT" 10
sed -e "s#127\.0\.0\.1:18080#127.0.0.1:$MOCK_PORT#g" -e "s#127\.0\.0\.1:18081#127.0.0.1:$SLOW_PORT#g" "$HARNESS/ours.yaml" >"$RUN/ours.yaml"
# CONFIG_A / CONFIG_B: YAML files appended to the config of build A / B (e.g. "access_log: {enabled: false}"), to
# measure one build with and without a setting.
for l in A B; do cp "$RUN/ours.yaml" "$RUN/ours-$l.yaml"; v=CONFIG_$l; [[ -z ${!v:-} ]] || cat "${!v}" >>"$RUN/ours-$l.yaml"; done

rps() { # BODY -> requests/s
  BODY_FILE=$1 RATE=0 taskset -c 1 wrk -t1 -c"$CONNS" -d"$2s" --timeout 10s -s "$HARNESS/lib/post.lua" \
    "http://127.0.0.1:$GW_PORT/v1/chat/completions" 2>&1 | grep '^WRKJSON ' | sed 's/^WRKJSON //' | jq -r '[.requests, .errors.status + .errors.connect + .errors.read + .errors.timeout] | @tsv'
}
lat() { # URL BODY HEADERS -> "p50_us p99_us achieved_rps" at the constant RATE
  BODY_FILE=$2 HEADERS=$3 RATE=$RATE WRK_THREADS=1 taskset -c 1 wrk -t1 -c32 -d"${DURATION}s" --timeout 10s -s "$HARNESS/lib/post.lua" \
    "$1" 2>&1 | grep '^WRKJSON ' | sed 's/^WRKJSON //' | jq -r '[.lat_us.p50, .lat_us.p99, (.requests / '"$DURATION"' | floor)] | @tsv'
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
if [[ $LATENCY == 1 ]]; then
  printf '%-6s %-3s %12s %12s %14s %14s %12s %12s %12s %12s\n' round bin chat_req_s chat_cpu_ms stream_req_s stream_cpu_ms \
    direct_p50us gw_p50us added_p50us added_p99us | tee "$RUN/abab.txt"
else
  printf '%-6s %-3s %12s %12s %14s %14s\n' round bin chat_req_s chat_cpu_ms stream_req_s stream_cpu_ms | tee "$RUN/abab.txt"
fi
hz=$(getconf CLK_TCK)
for ((r = 1; r <= ROUNDS; r++)); do
  for label in A B; do
    bin=$1; [[ $label == B ]] && bin=$2
    taskset -c 0 env DOTNET_GCgen0size=400000 "$bin" serve --config "$RUN/ours-$label.yaml" --port "$GW_PORT" >"$RUN/logs/gw-$label-$r.log" 2>&1 </dev/null &
    gpid=$!; PIDS+=("$gpid"); wait_port "$GW_PORT" 30
    rps "$HARNESS/bodies/chat.json" "$WARMUP" >/dev/null; rps "$HARNESS/bodies/chat-stream.json" "$WARMUP" >/dev/null
    out=() lat_out=()
    if [[ $LATENCY == 1 ]]; then
      read -r d50 d99 _ < <(lat "http://127.0.0.1:$MOCK_PORT/v1/chat/completions" "$HARNESS/bodies/chat.json" 'Authorization: Bearer test-key')
      read -r g50 g99 grps < <(lat "http://127.0.0.1:$GW_PORT/v1/chat/completions" "$HARNESS/bodies/chat.json" '')
      (( grps >= RATE * 9 / 10 )) || echo "$label round $r: the gateway achieved $grps of $RATE req/s; latency figures are not at the target rate" >&2
      lat_out=("$d50" "$g50" "$((g50 - d50))" "$((g99 - d99))")
    fi
    for body in chat.json chat-stream.json; do
      c0=$(cpu_ticks "$gpid"); read -r n errs < <(rps "$HARNESS/bodies/$body" "$DURATION"); c1=$(cpu_ticks "$gpid")
      [[ $errs == 0 ]] || { echo "$label round $r $body: $errs errors" >&2; exit 1; }
      out+=("$((n / DURATION))" "$(awk -v t=$((c1 - c0)) -v hz="$hz" -v n="$n" 'BEGIN{printf "%.4f", t * 1000 / hz / n}')")
    done
    if [[ $LATENCY == 1 ]]; then
      out+=("${lat_out[@]}")
      printf '%-6s %-3s %12s %12s %14s %14s %12s %12s %12s %12s\n' "$r" "$label" "${out[@]}" | tee -a "$RUN/abab.txt"
    else
      printf '%-6s %-3s %12s %12s %14s %14s\n' "$r" "$label" "${out[@]}" | tee -a "$RUN/abab.txt"
    fi
    kill "$gpid"; wait "$gpid" 2>/dev/null || true
  done
done
echo "A=$1"; echo "B=$2"
