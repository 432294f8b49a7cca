#!/usr/bin/env bash
# The whole test suite, in the order that fails fastest: static checks, unit and integration tests
# against the local servers, then the Playwright journeys against the running portal.
# Run through ./idp test, which puts Node 24 and the dependencies in place first.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source "$ROOT/scripts/lib/bootstrap.sh"
source "$ROOT/scripts/lib/processes.sh"

export CI=1
started=$(date +%s)
# each step says when it starts, so a slow step shows in the log of any run
step() { log "== $* == (at $(( $(date +%s) - started )) s)"; }

step "local infrastructure"
yarn infra up

# the analytics Flink job's launcher (Maven, once per pom/source version into .state/flink-launcher), needed by the
# analytics tests: built meanwhile, mostly downloads and I/O
bash "$ROOT/tools/install-flink-launcher.sh" >"$STATE/flink-launcher-install.log" 2>&1 &
flink_launcher_install=$!

step "helm, actionlint and OpenTofu (the template's end-to-end test, the infrastructure checks)"
bash "$ROOT/tools/install-go-tools.sh"

step "TensorFlow.js native backend for the trainer (tfjs-node, built offline once into .state/tfjs)"
bash "$ROOT/tools/install-tfjs-node.sh"

step "type-check"
yarn tsc

step "lint"
yarn lint:all

step "infrastructure as code: tofu fmt and load, helm lint and Kubernetes schemas of every chart, checkov (offline)"
# all the Python tools at once (uv: seconds): checkov here, schemathesis and the portal's mkdocs (TechDocs) below
bash "$ROOT/tools/install-python-tools.sh"; bash "$ROOT/tools/iac/check.sh"

step "start-up scripts"
bash "$ROOT/scripts/tests/start-ports.test.sh"

step "unit and integration tests"
wait "$flink_launcher_install" || { cat "$STATE/flink-launcher-install.log" >&2; die "the Flink launcher did not build"; }
# without a running portal: tests that need one (PORTAL_URL) skip here and run against the portal below
env -u PORTAL_URL yarn test

step "portal build"
yarn build:portal

step "end-to-end (Playwright, Chromium)"
trap stop_product EXIT
start_product
wait_data_plane_settled 300
yarn test:e2e

step "contract fuzzing (schemathesis)"
# 15 examples per operation and phase here (the script's default is 25): every operation of every service is still
# covered with the fixed seed, and the suite stays under 20 minutes on a fresh clone (docs/contract-fuzzing.md)
bash "$ROOT/tools/install-python-tools.sh" fuzz; FUZZ_MAX_EXAMPLES="${FUZZ_MAX_EXAMPLES:-15}" bash "$ROOT/tools/fuzz/run-contract-fuzz.sh"

step "service template end-to-end (through the portal's API)"
PORTAL_URL="$PORTAL_URL" yarn workspace @internal/plugin-scaffolder-backend-module-local-git test --runInBand src/e2e.test.ts

log "all tests passed in $(( $(date +%s) - started )) s"
