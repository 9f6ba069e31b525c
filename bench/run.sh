#!/usr/bin/env bash
# Macro benchmark: publishes Switchyard (Release) and runs the shared harness (../shared/bench) with
# baseline (mock upstream direct), Portkey and Switchyard side by side in one run. Results land in
# ../shared/bench/results/<timestamp>/ (table.txt, one JSON per gateway). See bench/README.md.
#   bench/run.sh                 # full run (~4 min)
#   QUICK=1 bench/run.sh         # 30 s smoke test
#   bench/run.sh baseline ours   # pick gateways
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HARNESS=$ROOT/../shared/bench
[[ -x $HARNESS/run.sh ]] || { echo "../shared/bench not found beside the repo" >&2; exit 1; }
"$HARNESS/setup.sh" >/dev/null
OUT=$ROOT/artifacts/bench-publish
dotnet publish "$ROOT/src/Switchyard" -c Release -o "$OUT" -v q -nologo >/dev/null
# Workstation GC with a small gen0 budget keeps the resident set small; the runtime reads GCgen0size from the
# environment only (there is no runtimeconfig knob for it).
export OURS_CMD="env DOTNET_GCgen0size=0x400000 dotnet $OUT/switchyard.dll serve --config {config} --port {port}"
if [[ $# -eq 0 ]]; then set -- baseline portkey ours; fi
exec "$HARNESS/run.sh" "$@"
