#!/usr/bin/env bash
# Storefront load test: the seeds' five scenarios (browse, search, recommend, add to cart, checkout) through the API
# gateway of the running product (`./idp start`), one after the other, with Artillery (npm; k6 is AGPL and not served
# here). Prints requests per second, p50/p95/p99 and errors per scenario; the reports stay in .state/load/.
#   tools/load/run.sh                         # 60 s per scenario, 10 new virtual shoppers a second
#   LOAD_SECONDS=30 LOAD_RATE=20 tools/load/run.sh recommend checkout
# LOAD_TARGET (default http://127.0.0.1:8080), LOAD_SHOPPERS (signed-in shoppers the virtual users share, default 10).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
source "$ROOT/scripts/lib/bootstrap.sh"
ARTILLERY_VERSION=2.0.34
dir="$STATE/artillery-$ARTILLERY_VERSION"
if [ ! -x "$dir/node_modules/.bin/artillery" ]; then
  log "installing Artillery $ARTILLERY_VERSION into $dir (once)"
  # no install scripts: Artillery's Playwright engine would download a browser, which the HTTP scenarios do not use
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --silent --no-audit --no-fund --ignore-scripts --prefix "$dir" \
    "artillery@$ARTILLERY_VERSION" >/dev/null || die "could not install artillery@$ARTILLERY_VERSION from npm"
fi
export LOAD_TARGET="${LOAD_TARGET:-http://127.0.0.1:8080}" LOAD_SECONDS="${LOAD_SECONDS:-60}" LOAD_RATE="${LOAD_RATE:-10}"
curl -fs "$LOAD_TARGET/readyz" >/dev/null || die "the gateway at $LOAD_TARGET is not ready: run ./idp start first"
out="$STATE/load"; mkdir -p "$out"
export LOAD_SHOPPERS_FILE="$out/shoppers.json"
node "$ROOT/tools/load/processor.cjs" sign-in >"$LOAD_SHOPPERS_FILE" || die "could not sign in the load test's shoppers"
scenarios=("$@"); [ ${#scenarios[@]} -gt 0 ] || scenarios=(browse search recommend add-to-cart checkout)
for scenario in "${scenarios[@]}"; do
  log "load: $scenario, ${LOAD_SECONDS} s at ${LOAD_RATE} virtual shoppers/s"
  ARTILLERY_DISABLE_TELEMETRY=true "$dir/node_modules/.bin/artillery" run --quiet --scenario-name "$scenario" \
    --output "$out/$scenario.json" "$ROOT/tools/load/storefront.yml" >"$out/$scenario.log" 2>&1 ||
    { tail -20 "$out/$scenario.log" >&2; die "artillery failed for $scenario (log: $out/$scenario.log)"; }
done
node - "$out" "${scenarios[@]}" <<'JS'
// one row per scenario (all its requests), then one per request of a scenario with more than one
const fs = require('node:fs');
const [dir, ...scenarios] = process.argv.slice(2);
const ENDPOINT = 'plugins.metrics-by-endpoint.';
const fmt = v => (v === undefined ? '-' : String(Math.round(v * 10) / 10));
let failed = 0;
console.log('| scenario | request | requests | req/s | p50 ms | p95 ms | p99 ms | errors | non-2xx |');
console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
for (const name of scenarios) {
  const { aggregate: a } = JSON.parse(fs.readFileSync(`${dir}/${name}.json`, 'utf8'));
  const c = a.counters;
  const seconds = (a.lastMetricAt - a.firstMetricAt) / 1000 || 1;
  const errors = Object.entries(c).filter(([k]) => k.startsWith('errors.')).reduce((n, [, v]) => n + v, 0);
  const codes = prefix =>
    Object.entries(c)
      .filter(([k]) => k.startsWith(`${prefix}codes.`) && !k.startsWith(`${prefix}codes.2`))
      .map(([k, v]) => `${k.slice(prefix.length + 6)}: ${v}`);
  const row = (request, requests, rt, errs, non2xx) =>
    console.log(`| ${name} | ${request} | ${requests} | ${(requests / seconds).toFixed(1)} | ${fmt(rt.p50)} | ${fmt(rt.p95)} | ${fmt(rt.p99)} | ${errs} | ${non2xx.join(', ') || 0} |`);
  const non2xx = codes('http.');
  row('all', c['http.requests'] ?? 0, a.summaries['http.response_time'] ?? {}, errors, non2xx);
  failed += errors + non2xx.length;
  const endpoints = Object.keys(a.summaries).filter(k => k.startsWith(`${ENDPOINT}response_time.`)).map(k => k.slice(ENDPOINT.length + 14));
  if (endpoints.length > 1) {
    for (const endpoint of endpoints) {
      const requests = Object.entries(c).filter(([k]) => k.startsWith(`${ENDPOINT}${endpoint}.codes.`)).reduce((n, [, v]) => n + v, 0);
      row(endpoint, requests, a.summaries[`${ENDPOINT}response_time.${endpoint}`], '', codes(`${ENDPOINT}${endpoint}.`));
    }
  }
}
// errors and refusals are part of the result: the table shows them, and the run says it did not pass
process.exit(failed > 0 ? 1 : 0);
JS
