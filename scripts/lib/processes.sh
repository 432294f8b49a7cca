# Starting and stopping the running product (platform services + portal) for ./idp start and ./idp test.
# Sourced after bootstrap.sh. Only PIDs started here are ever stopped.

RUN_DIR="$STATE/run"
PORTAL_URL="${PORTAL_URL:-http://localhost:7007}"
export PORTAL_URL
PRODUCT_PIDS=()

load_infra_env() {
  [ -f "$STATE/infra.env" ] || die "no $STATE/infra.env: run ./idp infra up"
  set -a; source "$STATE/infra.env"; set +a
}

wait_http() { # url name timeout_s pid
  local url="$1" name="$2" timeout="$3" pid="$4" deadline=$(( $(date +%s) + $3 ))
  until curl -fs -o /dev/null "$url"; do
    kill -0 "$pid" 2>/dev/null || die "$name exited during start-up; see its log in $RUN_DIR"
    [ "$(date +%s)" -lt "$deadline" ] || die "$name not ready at $url after ${timeout}s; see its log in $RUN_DIR"
    sleep 0.5
  done
}

# HTTP ports of the platform services (docs/services.md); every services/<dir> with a `start` script runs.
declare -A SERVICE_PORTS=(
  [user]=3001 [product]=3002 [recommendation]=3003 [event-tracking]=3004 [feature-store]=3005
  [cart-checkout]=3006 [analytics]=3007 [notification]=3008 [search]=3009 [api-gateway]=8080
  [ab-testing]=3011 [cost-monitoring]=3012
)

platform_services() { # prints "<package name> <dir> <port>"
  local dir name
  for dir in "${!SERVICE_PORTS[@]}"; do
    [ -f "$ROOT/services/$dir/package.json" ] || continue
    name=$(node -p 'const p=require(process.argv[1]); p.scripts && p.scripts.start ? p.name : ""' "$ROOT/services/$dir/package.json")
    [ -n "$name" ] && echo "$name $dir ${SERVICE_PORTS[$dir]}"
  done
}

# One local Ed25519 signing key (never committed): the user service signs access tokens with it, checkout signs
# its service tokens with it, and verifiers fetch the public half from the user service's JWKS.
# Deployments give each signer its own key from the secret store instead.
ensure_dev_keys() {
  local key="$STATE/keys/jwt-ed25519.pem"
  if [ ! -f "$key" ]; then
    mkdir -p "$STATE/keys" && chmod 700 "$STATE/keys"
    openssl genpkey -algorithm ed25519 -out "$key" 2>/dev/null || die "openssl could not create $key"
    chmod 600 "$key"
  fi
  export JWT_KEY_FILE="$key"
  JWT_PRIVATE_KEY="$(cat "$key")"
  export JWT_PRIVATE_KEY SERVICE_JWT_PRIVATE_KEY="$JWT_PRIVATE_KEY"
}

start_product() {
  mkdir -p "$RUN_DIR"
  load_infra_env
  ensure_dev_keys
  local name dir port pid
  while read -r name dir port; do
    log "starting $name on :$port"
    # stdin from /dev/null: node would otherwise take over (and make non-blocking) the pipe this loop reads
    PORT="$port" setsid yarn workspace "$name" start </dev/null >"$RUN_DIR/$dir.log" 2>&1 &
    pid=$!; PRODUCT_PIDS+=("$pid"); echo "$pid" >"$RUN_DIR/$dir.pid"
  done < <(platform_services)
  while read -r name dir port; do
    wait_http "http://127.0.0.1:$port/healthz" "$name" 120 "$(cat "$RUN_DIR/$dir.pid")"
  done < <(platform_services)

  log "starting the portal"
  # One process: the backend, run from source through Backstage's own SWC transform, serves the built frontend.
  (cd "$ROOT/packages/backend" && NODE_ENV=production exec setsid node --enable-source-maps \
    --require @backstage/cli-node/config/nodeTransform.cjs src/index.ts \
    --config "$ROOT/app-config.yaml" ${PORTAL_EXTRA_CONFIG:+--config "$ROOT/$PORTAL_EXTRA_CONFIG"} \
    </dev/null >"$RUN_DIR/portal.log" 2>&1) &
  PORTAL_PID=$!; PRODUCT_PIDS+=("$PORTAL_PID"); echo "$PORTAL_PID" >"$RUN_DIR/portal.pid"
  wait_http "$PORTAL_URL/healthcheck" portal 180 "$PORTAL_PID"
  wait_catalog
}

# The portal answers before the catalog has processed its files; tests and users want the full catalog.
wait_catalog() {
  local deadline=$(( $(date +%s) + 120 )) token count
  token=$(curl -fsS -X POST -H 'X-Requested-With: XMLHttpRequest' "$PORTAL_URL/api/auth/guest/refresh" | node -pe 'JSON.parse(require("fs").readFileSync(0)).backstageIdentity.token')
  while :; do
    count=$(curl -fsS -H "Authorization: Bearer $token" "$PORTAL_URL/api/catalog/entities/by-query?filter=kind=component,spec.type=service&limit=0" | node -pe 'JSON.parse(require("fs").readFileSync(0)).totalItems' || echo 0)
    [ "$count" -ge 12 ] && return 0
    [ "$(date +%s)" -lt "$deadline" ] || die "catalog holds $count services after 120 s; see $RUN_DIR/portal.log"
    sleep 1
  done
}

stop_product() {
  local pid
  for pid in "${PRODUCT_PIDS[@]}"; do
    # setsid made each a process-group leader: stop the group (yarn -> tsx -> node)
    kill -TERM -- "-$pid" 2>/dev/null || true
  done
  for pid in "${PRODUCT_PIDS[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  done
  PRODUCT_PIDS=()
}
