#!/usr/bin/env bash
# Smoke test of the shipped artifact, the NativeAOT binary (scripts/test.sh runs it after publishing):
#   bash scripts/aot-smoke.sh [BINARY]       # default: artifacts/aot/switchyard
# Starts `switchyard serve` on the built-in quickstart (mock provider, no keys) on a port the OS picks
# (--port 0; the port is read from the "listening on" log line), then checks /healthz, a non-streamed and a
# streamed chat completion, an Anthropic /v1/messages call, a real Prometheus scraping /metrics and
# `validate examples/plano-v04.yaml`, and stops the server. Prints "PASS name" / "FAIL name: why" per check and "aot-smoke: N passed, N failed"; exits 1 on any
# failure. Every wait is bounded; the server is stopped by PID on exit.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${1:-$ROOT/artifacts/aot/switchyard}
passed=0; failed=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1: $2"; failed=$((failed + 1)); }
finish() { echo "aot-smoke: $passed passed, $failed failed"; [[ $failed -eq 0 ]]; exit $?; }

[[ -x $BIN ]] || { fail "binary" "$BIN not found or not executable"; finish; }
command -v curl >/dev/null || { fail "tools" "curl not found"; finish; }

WORK=$(mktemp -d)
SERVER_PID=
stop_server() {
  [[ -n $SERVER_PID ]] || return 0
  kill -TERM "$SERVER_PID" 2>/dev/null
  for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$SERVER_PID" 2>/dev/null
  wait "$SERVER_PID" 2>/dev/null
  SERVER_PID=
}
trap 'stop_server; rm -rf "$WORK"' EXIT

# The quickstart adds a provider for every API key in the environment; clear them so only the mock serves.
env -u OPENAI_API_KEY -u ANTHROPIC_API_KEY -u GEMINI_API_KEY -u GROQ_API_KEY -u MISTRAL_API_KEY -u DEEPSEEK_API_KEY \
  timeout 300 "$BIN" serve --port 0 >"$WORK/serve.log" 2>&1 </dev/null &
SERVER_PID=$!

# Wait (at most 20 s) for the listening line, then for /healthz.
port=
for _ in $(seq 200); do
  port=$(grep -oE 'listening on http://127\.0\.0\.1:[0-9]+' "$WORK/serve.log" | head -1 | grep -oE '[0-9]+$')
  [[ -n $port ]] && break
  kill -0 "$SERVER_PID" 2>/dev/null || break
  sleep 0.1
done
if [[ -z $port ]]; then
  fail "serve" "no listening line (log follows)"; sed 's/^/  | /' "$WORK/serve.log" | tail -20; finish
fi
BASE=http://127.0.0.1:$port
health=
deadline=$((SECONDS + 20))
while ((SECONDS < deadline)); do
  health=$(curl -s -m 2 "$BASE/healthz") && [[ $health == ok* ]] && break
  sleep 0.1
done
if [[ $health == ok* ]]; then pass "serve + /healthz (port $port)"; else fail "serve + /healthz" "no 'ok' from $BASE/healthz"; fi

# post NAME PATH BODY [curl args...] -> sets CODE and OUT
post() {
  local path=$1 body=$2; shift 2
  OUT=$(curl -s -N -m 10 -w '\n%{http_code}' -H 'content-type: application/json' "$@" -d "$body" "$BASE$path")
  CODE=${OUT##*$'\n'}; OUT=${OUT%$'\n'*}
}

post /v1/chat/completions '{"model":"mock/echo","messages":[{"role":"user","content":"aot smoke json"}]}'
if [[ $CODE == 200 ]] && grep -q '"object":"chat.completion"' <<<"$OUT" && grep -q '"content":"aot smoke json"' <<<"$OUT"; then
  pass "chat completion, non-streamed"
else
  fail "chat completion, non-streamed" "HTTP $CODE: $(head -c 300 <<<"$OUT")"
fi

post /v1/chat/completions '{"model":"mock/echo","stream":true,"messages":[{"role":"user","content":"aot smoke stream"}]}'
last=$(grep -E '^data: ' <<<"$OUT" | tail -1)
if [[ $CODE == 200 ]] && grep -q '"object":"chat.completion.chunk"' <<<"$OUT" && [[ $last == 'data: [DONE]' ]]; then
  pass "chat completion, streamed (ends with data: [DONE])"
else
  fail "chat completion, streamed" "HTTP $CODE, last event '$last': $(head -c 300 <<<"$OUT")"
fi

post /v1/messages '{"model":"mock/echo","max_tokens":64,"messages":[{"role":"user","content":"aot smoke anthropic"}]}' \
  -H 'anthropic-version: 2023-06-01'
if [[ $CODE == 200 ]] && grep -q '"type":"message"' <<<"$OUT" && grep -q '"text":"aot smoke anthropic"' <<<"$OUT"; then
  pass "Anthropic /v1/messages"
else
  fail "Anthropic /v1/messages" "HTTP $CODE: $(head -c 300 <<<"$OUT")"
fi

# A real Prometheus scrapes /metrics as it does in production (OpenMetrics first, Accept-Encoding: gzip) and must
# find the three requests above in the gateway's own histograms and in the exporter's counters; promtool checks the
# plain 0.0.4 text. .ci/run installs prometheus; without it this check fails rather than skips.
if ! command -v prometheus >/dev/null || ! command -v promtool >/dev/null; then
  fail "prometheus scrape" "prometheus/promtool not installed (apt-get install prometheus)"
else
  pport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
  cat >"$WORK/prometheus.yml" <<YAML
global: {scrape_interval: 1s, scrape_timeout: 1s}
scrape_configs:
  - job_name: switchyard
    static_configs: [{targets: ["127.0.0.1:$port"]}]
YAML
  timeout 60 prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/prometheus-data" \
    --web.listen-address="127.0.0.1:$pport" >"$WORK/prometheus.log" 2>&1 </dev/null &
  PROM_PID=$!
  query() { curl -s -m 2 "http://127.0.0.1:$pport/api/v1/query" --data-urlencode "query=$1" | python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(sum(float(x["value"][1]) for x in r))' 2>/dev/null; }
  attempts= requests= health=
  deadline=$((SECONDS + 30))
  while ((SECONDS < deadline)); do
    attempts=$(query 'sum(gen_ai_client_operation_duration_seconds_count{gen_ai_request_model="mock/echo"})')
    requests=$(query 'sum(switchyard_requests_total{model="mock/echo"})')
    [[ $attempts == 3.0 && $requests == 3.0 ]] && break
    sleep 0.5
  done
  health=$(curl -s -m 2 "http://127.0.0.1:$pport/api/v1/targets" | python3 -c 'import json,sys; t=json.load(sys.stdin)["data"]["activeTargets"][0]; print(t["health"], t["lastError"])' 2>/dev/null)
  kill "$PROM_PID" 2>/dev/null; wait "$PROM_PID" 2>/dev/null
  lint=$(curl -s -m 5 "$BASE/metrics" | promtool check metrics 2>&1); lrc=$?
  if [[ $attempts == 3.0 && $requests == 3.0 && $lrc -eq 0 ]]; then
    pass "prometheus scrape (histograms and counters found; promtool check metrics clean)"
  else
    fail "prometheus scrape" "attempt count '$attempts', request count '$requests' (want 3.0 each); target: $health; promtool (rc=$lrc): $(head -c 300 <<<"$lint")"
    tail -5 "$WORK/prometheus.log" | sed 's/^/  | /'
  fi
fi

stop_server
# A clean stop: the process is gone and logged no unhandled exception.
if grep -qiE 'unhandled exception|fail: ' "$WORK/serve.log"; then
  fail "server log" "errors in the log:"; grep -iE 'unhandled exception|fail: ' "$WORK/serve.log" | head -5 | sed 's/^/  | /'
else
  pass "server log clean, stopped"
fi

# The access log (on by default): one whole JSON line per request on stdout, among the console log lines.
if python3 - "$WORK/serve.log" <<'PY'
import json, sys
lines = [l for l in open(sys.argv[1], encoding="utf-8") if l.startswith("{")]
records = [json.loads(l) for l in lines]  # a line cut or interleaved with another fails here
served = [r for r in records if r.get("requested_model") == "mock/echo" and r.get("status") == 200]
sys.exit(0 if len(served) == 3 else 1)
PY
then
  pass "access log: a JSON line per request"
else
  fail "access log" "expected 3 whole JSON lines for mock/echo with status 200 in the server's stdout"; grep '^{' "$WORK/serve.log" | head -3 | sed 's/^/  | /'
fi

# validate, as a CI job without secrets runs it: plano-v04.yaml references $OPENAI_API_KEY, ${MISTRAL_API_KEY}, ...
# With them unset it is valid with a warning per variable (serve would refuse to start) and exit 0; --strict makes
# them errors. With every variable set, plainly valid.
vars=$(grep -oE '\$\{?[A-Za-z_][A-Za-z0-9_]*' "$ROOT/examples/plano-v04.yaml" | tr -d '${' | sort -u)
unset_env=(); set_env=(); for v in $vars; do unset_env+=(-u "$v"); set_env+=("$v=smoke-dummy"); done
vout=$(env "${unset_env[@]}" timeout 60 "$BIN" validate "$ROOT/examples/plano-v04.yaml" 2>&1); vrc=$?
env "${unset_env[@]}" timeout 60 "$BIN" validate --strict "$ROOT/examples/plano-v04.yaml" >/dev/null 2>&1; src=$?
sout=$(env "${set_env[@]}" timeout 60 "$BIN" validate "$ROOT/examples/plano-v04.yaml" 2>&1); setrc=$?
if [[ $vrc -eq 0 ]] && grep -q "valid, but 'switchyard serve' will refuse to start" <<<"$vout" && [[ $src -ne 0 ]] \
  && [[ $setrc -eq 0 ]] && grep -q ': valid' <<<"$sout" && ! grep -q 'warning' <<<"$sout"; then
  pass "validate examples/plano-v04.yaml (unset variables: warnings, exit 0; --strict: exit $src; all set: valid)"
else
  fail "validate examples/plano-v04.yaml" "unset: exit $vrc, --strict: exit $src, set: exit $setrc: $(head -c 400 <<<"$vout")"
fi

finish
