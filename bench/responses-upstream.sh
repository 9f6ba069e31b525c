#!/usr/bin/env bash
# Issue 11 §6: the added latency of a chat client translated to a Responses upstream against plain pass-through,
# same gateway, same run. The shared nginx mock (../shared/bench) is extended here with `POST /v1/responses`
# answering the recorded Responses JSON ../shared/fixtures/raw/openai-responses/llm__test_responses_basic_non_streaming.0.json,
# and the harness config with a Responses-only model (openai/o3-pro) on it. Per round, at a constant RATE [1000]
# req/s: the direct p50 of the mock's chat and Responses endpoints, then the gateway's p50 for chat pass-through
# (gpt-4o-mini) and for chat → Responses (o3-pro); "added" = gateway p50 − direct p50 of the endpoint it calls.
#   bench/responses-upstream.sh BIN         # a NativeAOT binary;  ROUNDS [3], DURATION [5] s, RATE [1000]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HARNESS=$ROOT/../shared/bench
FIXTURE=$ROOT/../shared/fixtures/raw/openai-responses/llm__test_responses_basic_non_streaming.0.json
[[ $# -eq 1 && -x $1 ]] || { echo "usage: bench/responses-upstream.sh BIN (executable)" >&2; exit 2; }
"$HARNESS/setup.sh" >/dev/null
: "${ROUNDS:=3}" "${DURATION:=5}" "${RATE:=1000}"
RUN=$ROOT/bench/results/responses-$(date -u +%Y%m%dT%H%M%SZ); mkdir -p "$RUN"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_port() { local i; for ((i = 0; i < $2 * 10; i++)); do (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0; sleep 0.1; done; return 1; }
PIDS=(); cleanup() { for p in "${PIDS[@]:-}"; do [[ -n $p ]] && kill "$p" 2>/dev/null || true; done; }; trap cleanup EXIT

MOCK_PORT=$(free_port); SLOW_PORT=$(free_port); GW_PORT=$(free_port)
node "$HARNESS/mock/gen-nginx-conf.mjs" --dir "$RUN/mock" --port "$MOCK_PORT" --slow-port "$SLOW_PORT" >/dev/null
# The recorded answer as an nginx string literal ("$" would start a variable: refuse rather than mangle).
python3 - "$FIXTURE" "$RUN/mock/nginx.conf" <<'PY'
import json, sys
body = json.dumps(json.load(open(sys.argv[1])), separators=(",", ":"))
assert "$" not in body
literal = json.dumps(body + "\n")
conf = open(sys.argv[2]).read()
marker = "    location = /v1/messages {"
location = ("    location = /v1/responses {\n"
            '      if ($http_authorization = "") { return 401; }\n'
            f"      return 200 {literal};\n    }}\n")
assert marker in conf
open(sys.argv[2], "w").write(conf.replace(marker, location + marker, 1))
PY
taskset -c 1 timeout 1800 nginx -p "$RUN/mock" -c "$RUN/mock/nginx.conf" -g 'daemon off;' >"$RUN/mock.out" 2>&1 </dev/null &
PIDS+=($!); wait_port "$MOCK_PORT" 10
sed -e "s#127\.0\.0\.1:18080#127.0.0.1:$MOCK_PORT#g" -e "s#127\.0\.0\.1:18081#127.0.0.1:$SLOW_PORT#g" "$HARNESS/ours.yaml" >"$RUN/ours.yaml"
python3 - "$RUN/ours.yaml" "$MOCK_PORT" <<'PY'
import sys
p, port = sys.argv[1], sys.argv[2]
conf = open(p).read()
marker = "model_providers:\n"
entry = f"model_providers:\n  - model: openai/o3-pro\n    access_key: test-key\n    base_url: http://127.0.0.1:{port}\n\n"
assert marker in conf
open(p, "w").write(conf.replace(marker, entry, 1))
PY
jq -c '.model = "o3-pro"' "$HARNESS/bodies/chat.json" >"$RUN/chat-o3pro.json"
jq -c '{model: "o3-pro", input: .messages[-1].content, store: false}' "$HARNESS/bodies/chat.json" >"$RUN/responses.json"

lat() { # URL BODY HEADERS -> "p50_us p99_us achieved_rps"
  BODY_FILE=$2 HEADERS=$3 RATE=$RATE WRK_THREADS=1 taskset -c 1 wrk -t1 -c32 -d"${DURATION}s" --timeout 10s -s "$HARNESS/lib/post.lua" \
    "$1" 2>&1 | grep '^WRKJSON ' | sed 's/^WRKJSON //' | jq -r '[.lat_us.p50, .lat_us.p99, (.requests / '"$DURATION"' | floor), (.errors.status + .errors.connect + .errors.read + .errors.timeout)] | @tsv'
}
taskset -c 0 env DOTNET_GCgen0size=400000 "$1" serve --config "$RUN/ours.yaml" --port "$GW_PORT" >"$RUN/gw.log" 2>&1 </dev/null &
PIDS+=($!); wait_port "$GW_PORT" 30
# Sanity: the translated path really answers from the Responses mock (the recorded text, not the chat mock's).
expected=$(jq -r '[.output[] | select(.type == "message") | .content[] | select(.type == "output_text") | .text] | join("")' "$FIXTURE")
curl -sf "http://127.0.0.1:$GW_PORT/v1/chat/completions" -H 'content-type: application/json' --data-binary "@$RUN/chat-o3pro.json" \
  | jq -e --arg t "$expected" '.object == "chat.completion" and .choices[0].message.content == $t' >/dev/null \
  || { echo "chat -> Responses sanity request failed" >&2; tail -5 "$RUN/gw.log" >&2; exit 1; }
lat "http://127.0.0.1:$GW_PORT/v1/chat/completions" "$RUN/chat-o3pro.json" '' >/dev/null # warm-up
lat "http://127.0.0.1:$GW_PORT/v1/chat/completions" "$HARNESS/bodies/chat.json" '' >/dev/null
printf '%-6s %14s %14s %14s %14s %16s %16s %8s\n' round direct_chat_p50 gw_passthru_p50 direct_resp_p50 gw_xlate_p50 added_passthru_us added_xlate_us ratio | tee "$RUN/result.txt"
for ((r = 1; r <= ROUNDS; r++)); do
  read -r dc _ _ e1 < <(lat "http://127.0.0.1:$MOCK_PORT/v1/chat/completions" "$HARNESS/bodies/chat.json" 'Authorization: Bearer test-key')
  read -r gp _ _ e2 < <(lat "http://127.0.0.1:$GW_PORT/v1/chat/completions" "$HARNESS/bodies/chat.json" '')
  read -r dr _ _ e3 < <(lat "http://127.0.0.1:$MOCK_PORT/v1/responses" "$RUN/responses.json" 'Authorization: Bearer test-key')
  read -r gx _ _ e4 < <(lat "http://127.0.0.1:$GW_PORT/v1/chat/completions" "$RUN/chat-o3pro.json" '')
  [[ $((e1 + e2 + e3 + e4)) == 0 ]] || { echo "round $r: errors ($e1 $e2 $e3 $e4)" >&2; exit 1; }
  ap=$((gp - dc)); ax=$((gx - dr))
  printf '%-6s %14s %14s %14s %14s %16s %16s %8s\n' "$r" "$dc" "$gp" "$dr" "$gx" "$ap" "$ax" "$(awk -v a="$ax" -v b="$ap" 'BEGIN{printf "%.2f", (b > 0 ? a / b : 0)}')" | tee -a "$RUN/result.txt"
done
