#!/usr/bin/env bash
# Macro benchmark: publishes Switchyard and runs the shared harness (../shared/bench) with baseline (mock upstream
# direct), Portkey and Switchyard side by side in one run. By default Switchyard is the NativeAOT binary (the
# shipped artifact); JIT=1 measures the framework-dependent build (`dotnet switchyard.dll`) instead, JIT=both
# measures both in one results folder with one table. Results land in bench/results/<timestamp>/ (table.txt, one
# JSON per gateway). See bench/README.md.
#   bench/run.sh                      # full run: baseline, portkey, switchyard-aot (~4 min)
#   bench/run.sh baseline ours        # pick gateways
#   JIT=1 bench/run.sh baseline ours  # the JIT build instead of the AOT binary
#   JIT=both bench/run.sh baseline ours   # baseline + AOT, then JIT, one table (~5 min)
#   QUICK=1 bench/run.sh baseline ours    # 30 s smoke test (numbers not meaningful)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HARNESS=$ROOT/../shared/bench
[[ -x $HARNESS/run.sh ]] || { echo "../shared/bench not found beside the repo" >&2; exit 1; }
"$HARNESS/setup.sh" >/dev/null
: "${JIT:=0}"
case $JIT in 0|1|both) ;; *) echo "JIT must be 0, 1 or both" >&2; exit 2 ;; esac
if [[ $# -eq 0 ]]; then set -- baseline portkey ours; fi
case $(uname -m) in aarch64|arm64) RID=linux-arm64 ;; *) RID=linux-x64 ;; esac
export PROJECT_DIR=$ROOT
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
# In the checkout, not in ../shared (read-only for CI, and the results belong to the commit measured).
export RESULTS_DIR=${RESULTS_DIR:-$ROOT/bench/results/$STAMP}

# Workstation non-concurrent GC (baked into both builds from Switchyard.csproj) with a small gen0 budget (4 MiB)
# keeps the resident set small. GCgen0size has no runtimeconfig/MSBuild knob: both runtimes read it from the
# environment only, as hex. Write it WITHOUT 0x: NativeAOT ignores "0x400000" (its config reader takes bare hex
# digits only) while the JIT runtime takes both forms (checked with bench/alloc.sh's gen0 counts; see
# docs/performance.md).
GC_ENV="DOTNET_GCgen0size=400000"
AOT_OUT=$ROOT/artifacts/bench-aot
JIT_OUT=$ROOT/artifacts/bench-publish
AOT_CMD="env $GC_ENV $AOT_OUT/switchyard serve --config {config} --port {port}"
JIT_CMD="env $GC_ENV dotnet $JIT_OUT/switchyard.dll serve --config {config} --port {port}"
publish_aot() { dotnet publish "$ROOT/src/Switchyard" -c Release -r "$RID" -p:PublishAot=true -o "$AOT_OUT" -v q -nologo >/dev/null; }
publish_jit() { dotnet publish "$ROOT/src/Switchyard" -c Release -o "$JIT_OUT" -v q -nologo >/dev/null; }

case $JIT in
  0)
    publish_aot
    OURS_CMD=$AOT_CMD OURS_LABEL=${OURS_LABEL:-switchyard-aot} exec "$HARNESS/run.sh" "$@" ;;
  1)
    publish_jit
    OURS_CMD=$JIT_CMD OURS_LABEL=${OURS_LABEL:-switchyard-jit} exec "$HARNESS/run.sh" "$@" ;;
  both)
    publish_aot
    publish_jit
    OURS_CMD=$AOT_CMD OURS_LABEL=switchyard-aot "$HARNESS/run.sh" "$@"
    cp "$RESULTS_DIR/table.txt" "$RESULTS_DIR/table-aot-run.txt"
    cp "$RESULTS_DIR/env.txt" "$RESULTS_DIR/env-aot-run.txt"
    # Second pass: only the JIT build, against the same mock setup, right after the first.
    OURS_CMD=$JIT_CMD OURS_LABEL=switchyard-jit "$HARNESS/run.sh" ours >/dev/null
    files=()
    for gw in "$@"; do
      if [[ $gw == ours ]]; then files+=("$RESULTS_DIR/switchyard-aot.json" "$RESULTS_DIR/switchyard-jit.json"); else files+=("$RESULTS_DIR/$gw.json"); fi
    done
    echo
    echo "== combined (AOT and JIT runs back to back; env of the first run)"
    node "$HARNESS/lib/report.mjs" --env "$RESULTS_DIR/env-aot-run.txt" "${files[@]}" | tee "$RESULTS_DIR/table.txt" ;;
esac
