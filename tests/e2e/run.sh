#!/usr/bin/env bash
# End-to-end tests: the official openai npm SDK -> Switchyard gateway -> fake upstream replaying recorded responses.
# Usage: tests/e2e/run.sh   (SWITCHYARD_DLL=/path/to/switchyard.dll to skip the build)
set -euo pipefail

# A relative SWITCHYARD_DLL is relative to the caller's directory.
if [[ -n "${SWITCHYARD_DLL:-}" && "$SWITCHYARD_DLL" != /* ]]; then
  SWITCHYARD_DLL="$(pwd)/$SWITCHYARD_DLL"
fi

cd "$(dirname "${BASH_SOURCE[0]}")"
e2e_dir="$(pwd)"
repo_root="$(cd ../.. && pwd)"

if [[ ! -d node_modules || package-lock.json -nt node_modules ]]; then
  echo "e2e: installing node dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi

if [[ -z "${SWITCHYARD_DLL:-}" ]]; then
  artifacts="$repo_root/artifacts/e2e"
  echo "e2e: building the gateway (dotnet build src/Switchyard -c Release --artifacts-path $artifacts)"
  dotnet build "$repo_root/src/Switchyard" -c Release --artifacts-path "$artifacts" -v q
  SWITCHYARD_DLL="$artifacts/bin/Switchyard/release/switchyard.dll"
  if [[ ! -f "$SWITCHYARD_DLL" ]]; then
    SWITCHYARD_DLL="$(find "$artifacts/bin" -name switchyard.dll -path '*elease*' -print -quit 2>/dev/null || true)"
  fi
  if [[ -z "$SWITCHYARD_DLL" || ! -f "$SWITCHYARD_DLL" ]]; then
    echo "e2e: build succeeded but switchyard.dll was not found under $artifacts/bin" >&2
    exit 1
  fi
fi
if [[ ! -f "$SWITCHYARD_DLL" ]]; then
  echo "e2e: SWITCHYARD_DLL=$SWITCHYARD_DLL does not exist" >&2
  exit 1
fi
SWITCHYARD_DLL="$(cd "$(dirname "$SWITCHYARD_DLL")" && pwd)/$(basename "$SWITCHYARD_DLL")"
export SWITCHYARD_DLL
echo "e2e: gateway $SWITCHYARD_DLL"

cd "$e2e_dir"
set +e
node --test --test-reporter=spec --test-timeout=60000 ./*.test.mjs
status=$?
set -e
exit "$status"
