#!/usr/bin/env bash
# Runs the unit and integration stage (or one package's tests) N times in a row and lists every test that failed
# at least once, with its failures/N. Flaky tests show up here before they reject someone's good work in CI.
#
#   scripts/repeat-tests.sh [--package <workspace>] N [jest args...]
#   yarn test:repeat 3                                              the whole stage, three times
#   yarn test:repeat --package @platform/cost-monitoring-service 10 src/app/costMonitor.test.ts
#
# Each run writes jest's JSON report (and its output) to .state/test-repeat/<time>/ (REPEAT_OUT overrides).
# Exits non-zero when any test failed in any run, or a run ended without a report.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
[ -d "$ROOT/.state/toolchain/bin" ] && PATH="$ROOT/.state/toolchain/bin:$(ls -d "$ROOT"/.state/toolchain/node-*/bin | head -n1):$PATH"

usage() { echo "usage: scripts/repeat-tests.sh [--package <workspace>] N [jest args...]" >&2; exit 2; }
package=''
if [ "${1:-}" = '--package' ]; then
  [ $# -ge 2 ] || usage
  package="$2"
  shift 2
fi
[[ "${1:-}" =~ ^[1-9][0-9]*$ ]] || usage
runs="$1"
shift

out="${REPEAT_OUT:-$ROOT/.state/test-repeat/$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$out"
: > "$out/runs.tsv"
echo "repeat-tests: $runs runs of ${package:-the unit and integration stage}${*:+ ($*)}; reports in $out" >&2

for run in $(seq 1 "$runs"); do
  report="$out/run-$run.json"
  started=$(date +%s)
  if [ -n "$package" ]; then
    CI=1 env -u PORTAL_URL yarn workspace "$package" test "$@" --json --outputFile="$report" > "$out/run-$run.log" 2>&1
  else
    CI=1 env -u PORTAL_URL yarn test "$@" --json --outputFile="$report" > "$out/run-$run.log" 2>&1
  fi
  status=$?
  seconds=$(( $(date +%s) - started ))
  printf '%s\t%s\t%s\n' "$run" "$status" "$seconds" >> "$out/runs.tsv"
  echo "repeat-tests: run $run/$runs exited $status after $seconds s" >&2
done

node "$ROOT/scripts/repeat-tests.mjs" "$out" "$runs"
