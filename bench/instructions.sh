#!/usr/bin/env bash
# Instructions per request: a figure this VM's noise cannot move. Each gateway binary given runs under callgrind
# (valgrind's instruction counter; user-space instructions of every thread) against the shared nginx mock; after a
# warm-up, counting is switched on for a window of non-streamed chat pass-through at a constant rate, and the count is
# divided by the requests the window answered. Repeat 20 s runs of one binary agree within 1-2 % on a quiet machine
# (GC work falls unevenly into windows; a loaded machine adds a few %: periodic work is spread over the requests of
# the window, and spin-waits count).
#   bench/instructions.sh BIN [BIN…]        # NativeAOT binaries; e.g. two `dotnet publish -p:PublishAot=true` outputs
#   TOP=40 bench/instructions.sh BIN        # also the 40 costliest functions (inclusive, instructions per request)
# Knobs: DURATION [20] s counted, WARMUP [10] s, RATE [150] req/s (valgrind runs the gateway ~50x slower), BODY
# [chat.json], CONFIG (YAML appended to the harness config). Needs valgrind (apt-get install valgrind).
# Each binary runs as a copy, its switchyard.dbg beside it decompressed (valgrind's reader gives up on the compressed
# sections a NativeAOT publish writes); TOP's symbols come from that file.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HARNESS=$ROOT/../shared/bench
command -v valgrind >/dev/null || { echo "valgrind is not installed (apt-get install valgrind)" >&2; exit 2; }
[[ $# -ge 1 ]] || { echo "usage: bench/instructions.sh BIN [BIN…]" >&2; exit 2; }
"$HARNESS/setup.sh" >/dev/null
: "${DURATION:=20}" "${WARMUP:=10}" "${RATE:=150}" "${BODY:=chat.json}" "${TOP:=0}"
RUN=$ROOT/bench/results/instructions-$(date -u +%Y%m%dT%H%M%SZ); mkdir -p "$RUN/logs"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_port() { local i; for ((i = 0; i < $2 * 10; i++)); do (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0; sleep 0.1; done; return 1; }
PIDS=(); cleanup() { for p in "${PIDS[@]:-}"; do [[ -n $p ]] && kill "$p" 2>/dev/null || true; done; }; trap cleanup EXIT

MOCK_PORT=$(free_port); SLOW_PORT=$(free_port)
node "$HARNESS/mock/gen-nginx-conf.mjs" --dir "$RUN/mock" --port "$MOCK_PORT" --slow-port "$SLOW_PORT" >/dev/null
taskset -c 1 timeout 3600 nginx -p "$RUN/mock" -c "$RUN/mock/nginx.conf" -g 'daemon off;' >"$RUN/mock.out" 2>&1 </dev/null &
PIDS+=($!); wait_port "$MOCK_PORT" 10
sed -e "s#127\.0\.0\.1:18080#127.0.0.1:$MOCK_PORT#g" -e "s#127\.0\.0\.1:18081#127.0.0.1:$SLOW_PORT#g" "$HARNESS/ours.yaml" >"$RUN/ours.yaml"
[[ -z ${CONFIG:-} ]] || cat "$CONFIG" >>"$RUN/ours.yaml"

load() { # SECONDS RATE -> requests answered
  BODY_FILE=$HARNESS/bodies/$BODY RATE=$2 taskset -c 1 wrk -t1 -c8 -d"$1s" --timeout 30s -s "$HARNESS/lib/post.lua" \
    "http://127.0.0.1:$3/v1/chat/completions" 2>&1 | grep '^WRKJSON ' | sed 's/^WRKJSON //' | jq -r '.requests'
}
printf '%-4s %10s %16s %14s  %s\n' n requests instructions per_request binary | tee "$RUN/instructions.txt"
i=0
for bin in "$@"; do
  i=$((i + 1)); dir=$RUN/$i; mkdir -p "$dir"
  # A copy, with its switchyard.dbg decompressed beside it: valgrind gives up on the compressed one a publish writes.
  target=$dir/switchyard; cp "$bin" "$target"
  [[ ! -f $(dirname "$bin")/switchyard.dbg ]] || objcopy --decompress-debug-sections "$(dirname "$bin")/switchyard.dbg" "$dir/switchyard.dbg"
  port=$(free_port)
  (cd "$dir" && exec taskset -c 0 env DOTNET_GCgen0size=400000 valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$dir/cg.out" \
    "$target" serve --config "$RUN/ours.yaml" --port "$port" >"$RUN/logs/gw-$i.log" 2>"$dir/valgrind.err" </dev/null) &
  vpid=$!; PIDS+=("$vpid"); wait_port "$port" 120
  load "$WARMUP" 0 "$port" >/dev/null
  # By pid: without one, callgrind_control would switch every callgrind process on the machine.
  callgrind_control -i on "$vpid" >/dev/null
  n=$(load "$DURATION" "$RATE" "$port")
  callgrind_control -i off "$vpid" >/dev/null; callgrind_control -d "$vpid" >/dev/null; sleep 1
  ir=$(grep -h '^summary:\|^totals:' "$dir"/cg.out.* | awk '{s += $2} END {print s}')
  printf '%-4s %10s %16s %14s  %s\n' "$i" "$n" "$ir" "$((ir / n))" "$bin" | tee -a "$RUN/instructions.txt"
  if [[ $TOP != 0 ]]; then
    nm -n --defined-only "$dir/switchyard.dbg" >"$dir/symbols.txt" 2>/dev/null || nm -n --defined-only "$target" >"$dir/symbols.txt" || true
    python3 "$ROOT/bench/lib/callgrind-top.py" "$dir/symbols.txt" "$dir"/cg.out.1 "$n" "$TOP" | tee "$dir/top.txt"
  fi
  kill "$vpid" 2>/dev/null || true; wait "$vpid" 2>/dev/null || true
done
echo "results: $RUN"
