#!/usr/bin/env bash
# The portal at 1,000 and 10,000 synthetic components on SQLite and PostgreSQL: ingestion time, catalog page time
# (Playwright, first rows visible) and the backend's resident memory. See docs/benchmarks.md ("Catalog at scale").
# Usage: scripts/bench/catalog-scale.sh [--sizes 1000,10000] [--db sqlite,pg] [--port 17007] [--settle 30] [--keep]
#        [--page-loads 3] [--no-heap-stats] [--extra-config file.yaml ...]
# Needs the development infrastructure's PostgreSQL (yarn infra up) for --db pg and a built frontend
# (packages/app/dist, yarn build:portal) for the page timing. Stops the portal it started.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
source "$ROOT/scripts/lib/bootstrap.sh"
bootstrap_node
[ -f packages/app/dist/index.html ] || die "no built frontend in packages/app/dist: run yarn build:portal once"
# the same SWC transform the portal runs under (scripts/lib/processes.sh), so the script is plain TypeScript
exec node --require @backstage/cli-node/config/nodeTransform.cjs scripts/bench/catalog-scale.ts "$@"
