#!/usr/bin/env bash
# Runs every test: build (warnings are errors), the .NET unit + functional suites, the e2e suite with the
# official npm SDKs, and the NativeAOT publish (warnings are errors) with a smoke test of the binary
# (scripts/aot-smoke.sh). Prints one summary line "N passed, N failed" and exits non-zero on any failure.
# Needs: .NET 10 SDK, Node 20 + npm, clang or gcc + objcopy, curl, chromium, prometheus + promtool (the AOT smoke
# test's scrape), ../shared beside the repo (recorded fixtures).
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

[[ -d ../shared/fixtures ]] || { echo "error: ../shared/fixtures not found beside the repo" >&2; exit 1; }

LOG=$(mktemp -d)
trap 'rm -rf "$LOG"' EXIT
passed=0; failed=0; status=0

echo "== build (Release)"
timeout 1200 dotnet build Switchyard.slnx -c Release -v q -nologo >"$LOG/build.txt" 2>&1
brc=$?
grep -E " (error|warning) " "$LOG/build.txt" | sort -u | head -50
if [[ $brc -ne 0 ]]; then
  tail -20 "$LOG/build.txt"
  echo "build failed (rc=$brc)" >&2
  echo "0 passed, 1 failed"
  exit 1
fi

echo "== .NET tests"
for proj in tests/Switchyard.Protocols.Tests tests/Switchyard.Core.Tests tests/Switchyard.Functional.Tests; do
  name=$(basename "$proj")
  timeout 1200 dotnet test "$proj" -c Release --no-build -nologo >"$LOG/$name.txt" 2>&1
  rc=$?
  # Failures with their messages, then the runner's own summary line.
  grep -E -A6 "^\s+Failed [A-Za-z]" "$LOG/$name.txt" | head -120
  grep -E "(Passed|Failed)!  - Failed:" "$LOG/$name.txt"
  line=$(grep -E "(Passed|Failed)!  - Failed:" "$LOG/$name.txt" | tail -1)
  if [[ -z $line ]]; then
    echo "$name: no test summary (rc=$rc)" >&2; tail -30 "$LOG/$name.txt"; failed=$((failed + 1)); status=1; continue
  fi
  p=$(sed -E 's/.*Passed: *([0-9]+).*/\1/' <<<"$line"); f=$(sed -E 's/.*Failed: *([0-9]+),.*/\1/' <<<"$line")
  passed=$((passed + p)); failed=$((failed + f))
  [[ $rc -ne 0 || $f -ne 0 ]] && status=1
done

echo "== e2e (official npm SDKs)"
export SWITCHYARD_DLL="$ROOT/src/Switchyard/bin/Release/net10.0/switchyard.dll"
timeout 900 bash tests/e2e/run.sh >"$LOG/e2e.txt" 2>&1
rc=$?
cat "$LOG/e2e.txt" | tail -60
p=$(grep -E "^(# |ℹ )pass [0-9]+" "$LOG/e2e.txt" | tail -1 | grep -oE "[0-9]+$")
f=$(grep -E "^(# |ℹ )fail [0-9]+" "$LOG/e2e.txt" | tail -1 | grep -oE "[0-9]+$")
if [[ -z $p || -z $f ]]; then
  echo "e2e: no test summary (rc=$rc)" >&2; failed=$((failed + 1)); status=1
else
  passed=$((passed + p)); failed=$((failed + f))
  [[ $rc -ne 0 || $f -ne 0 ]] && status=1
fi

echo "== NativeAOT publish (warnings are errors) + smoke test of the binary"
# The shipped artifact. TreatWarningsAsErrors also makes the trim/AOT analysers' IL2xxx/IL3xxx warnings errors,
# both the compile-time ones and ILC's own (IlcTreatWarningsAsErrors defaults to it); -warnaserror covers any
# other MSBuild warning. Needs a C toolchain (clang or gcc) and objcopy: .ci/run installs them when missing.
# Takes ~1 min on an idle 2-core machine (ILC + link), ~3 min while other builds run.
case $(uname -m) in aarch64|arm64) rid=linux-arm64 ;; *) rid=linux-x64 ;; esac
AOT_OUT=$ROOT/artifacts/aot
rm -rf "$AOT_OUT"
t0=$SECONDS
timeout 1200 dotnet publish src/Switchyard -c Release -r "$rid" -p:PublishAot=true -p:TreatWarningsAsErrors=true \
  -warnaserror -o "$AOT_OUT" -nologo >"$LOG/aot-publish.txt" 2>&1
rc=$?
grep -E " (error|warning) " "$LOG/aot-publish.txt" | sort -u | head -30
if [[ $rc -ne 0 || ! -x $AOT_OUT/switchyard ]]; then
  tail -20 "$LOG/aot-publish.txt"
  echo "FAIL aot publish (rc=$rc, $((SECONDS - t0)) s)"; failed=$((failed + 1)); status=1
else
  echo "PASS aot publish ($rid, $(($(stat -c %s "$AOT_OUT/switchyard") / 1048576)) MiB, $((SECONDS - t0)) s)"; passed=$((passed + 1))
  timeout 600 bash scripts/aot-smoke.sh "$AOT_OUT/switchyard" >"$LOG/aot-smoke.txt" 2>&1
  rc=$?
  cat "$LOG/aot-smoke.txt"
  line=$(grep -E "^aot-smoke: [0-9]+ passed, [0-9]+ failed" "$LOG/aot-smoke.txt" | tail -1)
  if [[ -z $line ]]; then
    echo "aot-smoke: no summary (rc=$rc)" >&2; failed=$((failed + 1)); status=1
  else
    p=$(sed -E 's/^aot-smoke: ([0-9]+) passed.*/\1/' <<<"$line"); f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
    passed=$((passed + p)); failed=$((failed + f))
    [[ $rc -ne 0 || $f -ne 0 ]] && status=1
  fi
fi

echo
echo "$passed passed, $failed failed"
exit $status
