#!/usr/bin/env bash
# Managed bytes allocated per pass-through request. Starts the harness's nginx mock upstream and Switchyard with
# SWITCHYARD_REPORT_ALLOC=1 (the process then prints GC.GetTotalAllocatedBytes(precise) to stderr on SIGUSR1),
# warms up, and for each request kind: reads the counter, drives wrk for DURATION seconds, reads it again; the
# difference divided by the requests the mock upstream answered in between (nginx's exact request counter) is
# the figure. Repeated REPEAT times per kind in the same process; prints every window and the median.
#   bench/alloc.sh                       # JIT build (dotnet switchyard.dll), kinds: chat stream
#   AOT=1 bench/alloc.sh                 # the NativeAOT binary instead
#   KINDS="chat stream msgs msgs-stream chat-16k stream-16k" bench/alloc.sh   # *-16k: a 16 KiB conversation
# Knobs: DURATION [5] s per window, WARMUP [5] s per kind, REPEAT [3], CONNS [8], SKIP_PUBLISH=1 (reuse the
# last build), CONFIG (YAML appended to the harness config), GC_ENV [DOTNET_GCgen0size=400000] (GC_ENV= runs with the runtime's default gen0 budget).
# Ports are picked free by the OS; everything is on 127.0.0.1. Needs ../shared/bench (setup.sh installs nginx +
# echo module, wrk, jq). Results: bench/results/alloc-<timestamp>/ (alloc.txt, logs).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HARNESS=$ROOT/../shared/bench
[[ -x $HARNESS/run.sh ]] || { echo "../shared/bench not found beside the repo" >&2; exit 1; }
"$HARNESS/setup.sh" >/dev/null
: "${AOT:=0}" "${DURATION:=5}" "${WARMUP:=5}" "${REPEAT:=3}" "${CONNS:=8}" "${SKIP_PUBLISH:=0}"
: "${KINDS:=chat stream}" "${GW_CPUS:=0}" "${LOAD_CPUS:=1}"
GC_ENV=${GC_ENV-DOTNET_GCgen0size=400000}
RUN=$ROOT/bench/results/alloc-$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$RUN"
log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

case $(uname -m) in aarch64|arm64) RID=linux-arm64 ;; *) RID=linux-x64 ;; esac
if [[ $AOT == 1 ]]; then
  OUT=$ROOT/artifacts/bench-aot
  [[ $SKIP_PUBLISH == 1 ]] || dotnet publish "$ROOT/src/Switchyard" -c Release -r "$RID" -p:PublishAot=true -o "$OUT" -v q -nologo >/dev/null
  GW=("$OUT/switchyard"); BUILD="NativeAOT ($OUT/switchyard)"
else
  OUT=$ROOT/artifacts/bench-publish
  [[ $SKIP_PUBLISH == 1 ]] || dotnet publish "$ROOT/src/Switchyard" -c Release -o "$OUT" -v q -nologo >/dev/null
  GW=(dotnet "$OUT/switchyard.dll"); BUILD="JIT (dotnet $OUT/switchyard.dll)"
fi

# ---- processes (stopped by PID on exit)
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]:-}"; do [[ -n $p ]] && kill -TERM "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]:-}"; do
    [[ -n $p ]] || continue
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_port() { # port seconds pid
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0
    kill -0 "$3" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}
mock_requests() { curl -s "http://127.0.0.1:$MOCK_PORT/_stats" | awk 'NR==3{print $3}'; }

MOCK_PORT=$(free_port); MOCK_SLOW_PORT=$(free_port); GW_PORT=$(free_port)
node "$HARNESS/mock/gen-nginx-conf.mjs" --dir "$RUN/mock" --port "$MOCK_PORT" --slow-port "$MOCK_SLOW_PORT" >/dev/null
taskset -c "$LOAD_CPUS" timeout 1800 nginx -p "$RUN/mock" -c "$RUN/mock/nginx.conf" -g 'daemon off;' >"$RUN/mock.out" 2>&1 </dev/null &
PIDS+=($!)
wait_port "$MOCK_PORT" 10 "${PIDS[-1]}" || { echo "nginx mock did not start; see $RUN/mock" >&2; exit 1; }

sed -e "s#127\.0\.0\.1:18080#127.0.0.1:$MOCK_PORT#g" -e "s#127\.0\.0\.1:18081#127.0.0.1:$MOCK_SLOW_PORT#g" \
    -e "s#^\([[:space:]]*\)port: 12000#\1port: $GW_PORT#" "$HARNESS/ours.yaml" >"$RUN/ours.yaml"
[[ -z ${CONFIG:-} ]] || cat "$CONFIG" >>"$RUN/ours.yaml"   # e.g. a file with `access_log: {enabled: false}`
# Same GC environment as bench/run.sh (the gen0 budget changes how often the GC runs, not what is allocated).
# shellcheck disable=SC2086  # GC_ENV is a list of VAR=value words
taskset -c "$GW_CPUS" timeout 1800 env SWITCHYARD_REPORT_ALLOC=1 $GC_ENV \
  "${GW[@]}" serve --config "$RUN/ours.yaml" --port "$GW_PORT" >"$RUN/gateway.log" 2>&1 </dev/null &
TPID=$!
PIDS+=("$TPID")
wait_port "$GW_PORT" 60 "$TPID" || { echo "gateway did not start; see $RUN/gateway.log" >&2; tail -20 "$RUN/gateway.log" >&2; exit 1; }
GPID=$(pgrep -P "$TPID" | head -1)   # `timeout` forks the gateway; env and dotnet exec in place
[[ -n $GPID ]] || { echo "gateway process not found" >&2; exit 1; }
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
DIRTY=$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null | grep -q . && echo "+dirty" || true)
log "gateway pid $GPID on :$GW_PORT ($BUILD, commit $COMMIT$DIRTY), mock on :$MOCK_PORT; results -> $RUN"

# alloc_reading -> "BYTES GEN0": sends SIGUSR1 and waits (at most 10 s) for the next report line
alloc_reading() {
  local before line i
  before=$(grep -c '^switchyard-alloc: ' "$RUN/gateway.log" || true)
  kill -USR1 "$GPID"
  for ((i = 0; i < 100; i++)); do
    if (($(grep -c '^switchyard-alloc: ' "$RUN/gateway.log" || true) > before)); then
      line=$(grep '^switchyard-alloc: ' "$RUN/gateway.log" | tail -1)
      sed -E 's/.*allocated_bytes=([0-9]+) gen0=([0-9]+).*/\1 \2/' <<<"$line"
      return 0
    fi
    sleep 0.1
  done
  echo "no allocation report from pid $GPID (is SWITCHYARD_REPORT_ALLOC honoured by this build?)" >&2
  exit 1
}
# big_body KIND FILE: a 16 KiB multi-turn chat conversation (a realistic agent request, where copies of the body
# dominate what a pass-through request allocates); stream-16k asks for a stream.
big_body() {
  python3 - "$1" "$2" <<'PY'
import json, sys
kind, path = sys.argv[1], sys.argv[2]
messages = [{"role": "system", "content": "You are a helpful assistant. Answer in one short sentence."}]
turn = 0
while len(json.dumps(messages)) < 16 * 1024:
    turn += 1
    messages.append({"role": "user", "content": f"Question {turn}: " + "what does an LLM gateway do with this request? " * 6})
    messages.append({"role": "assistant", "content": f"Answer {turn}: " + "it routes, translates and fails over. " * 6})
messages.append({"role": "user", "content": "In one sentence, what does an LLM gateway do?"})
body = {"model": "gpt-4o-mini", "messages": messages, "temperature": 0.7, "max_tokens": 256}
if kind == "stream-16k":
    body["stream"] = True
open(path, "w").write(json.dumps(body))
PY
}

# wrk_load SECONDS BODY PATH HEADERS -> prints wrk's WRKJSON object
wrk_load() {
  local raw
  raw=$(BODY_FILE=$2 HEADERS=$4 RATE=0 taskset -c "$LOAD_CPUS" wrk -t1 -c"$CONNS" -d"$1s" --timeout 10s \
        -s "$HARNESS/lib/post.lua" "http://127.0.0.1:$GW_PORT$3" 2>&1) || true
  grep '^WRKJSON ' <<<"$raw" | sed 's/^WRKJSON //' || { echo "wrk failed: $raw" >&2; exit 1; }
}

{
  echo "date_utc=$(date -u +%Y-%m-%dT%H:%M:%SZ) host=$(uname -srm) cpus=$(nproc) loadavg=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "build=$BUILD commit=$COMMIT$DIRTY GC_ENV='$GC_ENV' DURATION=$DURATION WARMUP=$WARMUP REPEAT=$REPEAT CONNS=$CONNS"
  printf '%-12s %-7s %10s %14s %16s %8s\n' kind window requests alloc_bytes bytes_per_req gen0_gcs
} | tee "$RUN/alloc.txt"

for kind in $KINDS; do
  hdrs=; path=/v1/chat/completions
  case $kind in
    chat)        body=$HARNESS/bodies/chat.json ;;
    stream)      body=$HARNESS/bodies/chat-stream.json ;;
    msgs)        body=$HARNESS/bodies/messages.json; path=/v1/messages; hdrs='anthropic-version: 2023-06-01' ;;
    msgs-stream) body=$HARNESS/bodies/messages-stream.json; path=/v1/messages; hdrs='anthropic-version: 2023-06-01' ;;
    chat-16k|stream-16k) body=$RUN/$kind.json; big_body "$kind" "$body" ;;
    *) echo "unknown kind '$kind' (chat stream msgs msgs-stream chat-16k stream-16k)" >&2; exit 2 ;;
  esac
  log "$kind: warm-up ${WARMUP}s"
  w=$(wrk_load "$WARMUP" "$body" "$path" "$hdrs")
  [[ $(jq '.errors.status + .errors.connect + .errors.read' <<<"$w") == 0 ]] || { echo "$kind: warm-up had errors: $w" >&2; exit 1; }
  per=()
  for ((r = 1; r <= REPEAT; r++)); do
    sleep 0.3   # let the previous run's connections close
    a=$(mock_requests); x=$(alloc_reading); read -r b0 g0 <<<"$x"
    w=$(wrk_load "$DURATION" "$body" "$path" "$hdrs")
    sleep 0.3
    x=$(alloc_reading); read -r b1 g1 <<<"$x"; b=$(mock_requests)
    n=$((b - a - 1))   # the second /_stats read counts itself
    errs=$(jq '.errors.status + .errors.connect + .errors.read + .errors.timeout' <<<"$w")
    [[ $errs == 0 && $n -gt 0 ]] || { echo "$kind: window $r: $errs errors, $n upstream requests: $w" >&2; exit 1; }
    bpr=$(((b1 - b0) / n)); per+=("$bpr")
    printf '%-12s %-7s %10d %14d %16d %8d\n' "$kind" "$r/$REPEAT" "$n" "$((b1 - b0))" "$bpr" "$((g1 - g0))" | tee -a "$RUN/alloc.txt"
  done
  med=$(printf '%s\n' "${per[@]}" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')
  printf '%-12s %-7s %10s %14s %16d %8s\n' "$kind" median "" "" "$med" "" | tee -a "$RUN/alloc.txt"
done
