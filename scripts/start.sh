#!/usr/bin/env bash
# Starts the product on this machine: local servers, the platform services, then the portal on :7007.
# Run through ./idp start, which puts Node 24 and the dependencies in place first.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source "$ROOT/scripts/lib/bootstrap.sh"
source "$ROOT/scripts/lib/processes.sh"

yarn infra up
bash "$ROOT/tools/install-python-tools.sh" techdocs
yarn build:portal
trap stop_product EXIT INT TERM
start_product
log "portal ready on $PORTAL_URL (Ctrl-C stops it and the platform services)"
wait "$PORTAL_PID"
