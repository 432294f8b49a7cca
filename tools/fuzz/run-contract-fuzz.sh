#!/usr/bin/env bash
# Contract fuzzing: schemathesis against every running platform service's catalog contract (docs/contract-fuzzing.md).
# Needs the running product (./idp start, or ./idp test's portal section) and the venv of tools/install-python-tools.sh.
#   tools/fuzz/run-contract-fuzz.sh [service dir...]     e.g. tools/fuzz/run-contract-fuzz.sh cost-monitoring
# Base URLs: FUZZ_URL_<DIR> (FUZZ_URL_CART_CHECKOUT=http://127.0.0.1:4106), else 127.0.0.1:<SERVICE_PORTS port>.
# Volume: FUZZ_MAX_EXAMPLES (default 25) per operation and phase (plan.ts's BUDGETS give a few fewer), FUZZ_SEED
# (default 20261201). Products the run creates are deleted afterwards, changed ones restored (tools/fuzz/demo-data.ts).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
source "$ROOT/scripts/lib/bootstrap.sh"
source "$ROOT/scripts/lib/processes.sh"
schemathesis="$STATE/python/bin/schemathesis"
[ -x "$schemathesis" ] || die "no $schemathesis: run tools/install-python-tools.sh"
[ -n "${SERVICE_JWT_PRIVATE_KEY:-}" ] || ensure_dev_keys

max_examples="${FUZZ_MAX_EXAMPLES:-25}"
seed="${FUZZ_SEED:-20261201}"
out="$(mktemp -d /tmp/contract-fuzz-XXXXXX)"
trap 'rm -rf "$out"' EXIT

services="$(platform_services)"
if [ $# -gt 0 ]; then
  services="$(printf '%s\n' "$services" | awk -v want=" $* " 'index(want, " " $2 " ") || $2 == "user"')"
fi
plan="$(printf '%s\n' "$services" | FUZZ_OUT_DIR="$out" FUZZ_MAX_EXAMPLES="$max_examples" "$ROOT/node_modules/.bin/tsx" "$ROOT/tools/fuzz/plan.ts")" ||
  die "contract fuzzing: could not plan the run (are the services up?)"

# the run writes through the APIs: remember the product catalogue, to give the demo data back afterwards
product_url="$(awk '$1 == "product" { print $3 }' <<<"$plan")"
if [ -n "$product_url" ]; then
  "$ROOT/node_modules/.bin/tsx" "$ROOT/tools/fuzz/demo-data.ts" snapshot "$product_url" "$out/products.json" ||
    die "contract fuzzing: could not read the product catalogue at $product_url"
fi

# Fuzzes one service: its failures to stderr, its summary line to $out/<dir>.summary, "failed" to $out/<dir>.failed.
fuzz_one() {
  local dir="$1" api="$2" url="$3" config="$4" report="$out/$1.json"
  # all checks; a fixed seed and bounded examples (the config's [generation], lower for plan.ts's BUDGETS) keep the
  # run reproducible and within the CI budget
  # run inside the run's scratch folder: schemathesis keeps a .schemathesis/ cache in its working directory
  if ! (cd "$out" && "$schemathesis" --config-file "$config" run "$ROOT/catalog-info/apis/$api.openapi.yaml" \
      --url "$url" --checks all --seed "$seed" --generation-deterministic \
      --workers 2 --request-timeout 10 --no-color --report json --report-json-path "$report" \
      </dev/null >"$out/$dir.log" 2>&1); then
    echo failed >"$out/$dir.failed"
    sed -n '/= FAILURES =/,/= SUMMARY =/p; /= ERRORS =/,/= SUMMARY =/p' "$out/$dir.log" >&2
  fi
  if ! [ -f "$report" ]; then
    cat "$out/$dir.log" >&2
    echo failed >"$out/$dir.failed"
    echo "$dir: schemathesis wrote no report" >"$out/$dir.summary"
    return
  fi
  "$STATE/python/bin/python" - "$dir" "$report" >"$out/$dir.summary" <<'PY'
import json, sys
dir, path = sys.argv[1], sys.argv[2]
r = json.load(open(path))
kinds = {"ST101": "server errors", "ST102": "server errors", "ST401": "unauthenticated"}
counts = {"server errors": 0, "contract violations": 0, "unauthenticated": 0}
for f in r["failures"]:
    counts[kinds.get(f["code"], "contract violations")] += f["count"]
errors = sum(e.get("count", 1) for e in r["errors"])
print(f"{dir:16} operations {r['operations']['tested']}/{r['operations']['selected']}  examples {r['test_cases']['generated']:5}  "
      f"failures {sum(counts.values())} ({', '.join(f'{v} {k}' for k, v in counts.items())})  errors {errors}  {r['running_time']:.0f} s")
PY
}

started=$(date +%s)
dirs=()
while read -r dir api url config; do
  [ -z "$dir" ] && continue
  if [ $# -gt 0 ] && [[ " $* " != *" $dir "* ]]; then continue; fi
  dirs+=("$dir")
  log "contract fuzzing: $dir ($api) at $url"
  # one service at a time: on a 2-core machine a second one in parallel only slows both down
  fuzz_one "$dir" "$api" "$url" "$config"
done <<<"$plan"
failed=0
summaries=()
for dir in "${dirs[@]}"; do
  [ -f "$out/$dir.failed" ] && failed=1
  summaries+=("$(cat "$out/$dir.summary" 2>/dev/null || echo "$dir: no summary")")
done

if [ -n "$product_url" ]; then
  log "contract fuzzing: $("$ROOT/node_modules/.bin/tsx" "$ROOT/tools/fuzz/demo-data.ts" restore "$product_url" "$out/products.json")" ||
    failed=1
fi

log "contract fuzzing summary ($(( $(date +%s) - started )) s, seed $seed, up to $max_examples examples per operation and phase):"
printf '  %s\n' "${summaries[@]}" >&2
[ "$failed" -eq 0 ] || die "contract fuzzing found failures (above); fix them, or add a reasoned entry to tools/fuzz/exceptions.yaml"
