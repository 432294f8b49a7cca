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

# "node (pid 123: node src/index.ts)" for whoever listens on a TCP port, empty when the port is free.
port_holder() { # port
  local line pid
  line=$(ss -Hltnp "sport = :$1" 2>/dev/null | head -n1)
  [ -n "$line" ] || return 0
  pid=$(grep -o 'pid=[0-9]*' <<<"$line" | head -n1 | cut -d= -f2)
  if [ -n "$pid" ]; then
    echo "pid $pid: $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-120)"
  else
    echo "a process this user cannot see"
  fi
}

# Refuses to start when a port the product needs is taken (an earlier ./idp start, say): its readiness checks would
# otherwise be answered by the old processes. Names every holder at once.
ensure_ports_free() {
  local name dir port holder taken=()
  while read -r name dir port; do
    holder=$(port_holder "$port")
    [ -z "$holder" ] || taken+=("  :$port ($name) is held by $holder")
  done < <(platform_services; platform_workers | awk '{print $1, $4, $3}'; echo "portal portal $(portal_port)")
  [ ${#taken[@]} -eq 0 ] && return 0
  printf '\033[1;31m[idp]\033[0m cannot start: ports the product needs are in use\n' >&2
  printf '%s\n' "${taken[@]}" >&2
  die "stop those processes (an earlier ./idp start stops with Ctrl-C) and run this again"
}

portal_port() { local rest="${PORTAL_URL##*:}"; echo "${rest%%/*}"; }

# The process answering on a port must be the one this script started (same process group), not an old one.
assert_listener_is_ours() { # port name pid
  local line pid pgid
  line=$(ss -Hltnp "sport = :$1" 2>/dev/null | head -n1)
  pid=$(grep -o 'pid=[0-9]*' <<<"$line" | head -n1 | cut -d= -f2)
  pgid=$(ps -o pgid= -p "${pid:-0}" 2>/dev/null | tr -d ' ')
  [ "$pgid" = "$3" ] || die "$2: :$1 is answered by $(port_holder "$1"), not by the process started here (pid $3); see $RUN_DIR"
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

# Platform processes that are not services/ APIs but run beside them, each with /healthz and /metrics on its port:
# "<package name> <script> <port> <log name>". The data lake sink writes the event topics to S3 and Azure Blob.
PLATFORM_WORKERS=(
  "@platform/data-lake sink 3013 data-lake-sink"
  # the local SMS provider: Twilio's Messages API, recording what the notification service sends (docs/notification-service.md)
  "@platform/local-infra sms 3014 sms-provider"
)

platform_workers() { printf '%s\n' "${PLATFORM_WORKERS[@]}"; } # prints "<package name> <script> <port> <log name>"

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

# The notification service's Twilio settings for the local SMS provider: an account made once per machine in
# .state/keys (a random token: a local stand-in, never a real Twilio account), and Twilio's documented test number.
ensure_local_sms_account() {
  local file="$STATE/keys/local-sms.env"
  if [ ! -f "$file" ]; then
    mkdir -p "$STATE/keys"
    printf 'TWILIO_ACCOUNT_SID=AC%s\nTWILIO_AUTH_TOKEN=%s\n' "$(openssl rand -hex 16)" "$(openssl rand -hex 16)" >"$file"
    chmod 600 "$file"
  fi
  set -a; source "$file"; set +a
  export TWILIO_API_URL="${TWILIO_API_URL:-http://127.0.0.1:3014}" TWILIO_FROM="${TWILIO_FROM:-+15005550006}"
}

start_product() {
  mkdir -p "$RUN_DIR"
  load_infra_env
  ensure_dev_keys
  ensure_ports_free
  local name dir port pid
  # the checkout's notification outbox asks the notification service for each paid order's confirmation
  export NOTIFICATION_SERVICE_URL="${NOTIFICATION_SERVICE_URL:-http://127.0.0.1:${SERVICE_PORTS[notification]}}"
  # SMS goes to the local provider (PLATFORM_WORKERS) with an account made for this machine
  ensure_local_sms_account
  # the analytics Flink job's first start on a machine reads the event topics and orders from their beginning (the demo
  # traffic is sent while it starts); later starts resume from its checkpoint in .state/analytics
  export ANALYTICS_START_FROM="${ANALYTICS_START_FROM:-earliest}"
  while read -r name dir port; do
    log "starting $name on :$port"
    # stdin from /dev/null: node would otherwise take over (and make non-blocking) the pipe this loop reads
    PORT="$port" setsid yarn workspace "$name" start </dev/null >"$RUN_DIR/$dir.log" 2>&1 &
    pid=$!; PRODUCT_PIDS+=("$pid"); echo "$pid" >"$RUN_DIR/$dir.pid"
  done < <(platform_services)
  local script
  # one machine: late events of a past hour get 15 s instead of the deployed 5 minutes, so the demo's lake files
  # appear in the object stores within a minute of the demo traffic (its 15 days are sent in about 10 s)
  export LAKE_HOUR_GRACE_MS="${LAKE_HOUR_GRACE_MS:-15000}"
  while read -r name script port dir; do
    log "starting $name ($script) on :$port"
    PORT="$port" setsid yarn workspace "$name" "$script" </dev/null >"$RUN_DIR/$dir.log" 2>&1 &
    pid=$!; PRODUCT_PIDS+=("$pid"); echo "$pid" >"$RUN_DIR/$dir.pid"
  done < <(platform_workers)
  while read -r name dir port; do
    pid=$(cat "$RUN_DIR/$dir.pid")
    wait_http "http://127.0.0.1:$port/healthz" "$name" 120 "$pid"
    assert_listener_is_ours "$port" "$name" "$pid"
  done < <(platform_services; platform_workers | awk '{print $1, $4, $3}')

  log "starting the portal"
  # One process: the backend, run from source through Backstage's own SWC transform, serves the built frontend.
  # TechDocs' local generator runs `mkdocs build`: the venv of tools/install-python-tools.sh techdocs comes first on PATH
  (cd "$ROOT/packages/backend" && PATH="$STATE/techdocs-python/bin:$PATH" NODE_ENV=production exec setsid node --enable-source-maps \
    --require @backstage/cli-node/config/nodeTransform.cjs src/index.ts \
    --config "$ROOT/app-config.yaml" ${PORTAL_EXTRA_CONFIG:+--config "$ROOT/$PORTAL_EXTRA_CONFIG"} \
    </dev/null >"$RUN_DIR/portal.log" 2>&1) &
  PORTAL_PID=$!; PRODUCT_PIDS+=("$PORTAL_PID"); echo "$PORTAL_PID" >"$RUN_DIR/portal.pid"
  wait_http "$PORTAL_URL/healthcheck" portal 180 "$PORTAL_PID"
  assert_listener_is_ours "$(portal_port)" portal "$PORTAL_PID"
  wait_catalog
  seed_demo_data
}

# Waits until the data plane has taken in the demo traffic: the lake sink holds no buffered rows and no kit consumer
# (sink, feature store, the A/B testing service's results ingestion) lags. The journeys then run on a quiet machine with the lake and the features in place.
wait_data_plane_settled() { # timeout_s
  local began=$(date +%s) metrics buffered lag settled=0
  local deadline=$(( began + ${1:-300} ))
  while :; do
    metrics="$(curl -fs http://127.0.0.1:3013/metrics; curl -fs http://127.0.0.1:3005/metrics; curl -fs http://127.0.0.1:3011/metrics)" || metrics=""
    buffered=$(awk '/^lake_buffered_rows_past_hours/ { s += $NF } END { print s + 0 }' <<<"$metrics")
    lag=$(awk '/^kafka_consumer_lag/ { s += $NF } END { print s + 0 }' <<<"$metrics")
    if [ -n "$metrics" ] && [ "$buffered" = 0 ] && [ "$lag" = 0 ]; then
      # rows of the current hour wait for it to end (and are no demo traffic); twice in a row, a few seconds apart:
      # right after the demo traffic the consumers may not have fetched yet
      settled=$(( ${settled:-0} + 1 ))
      if [ "$settled" -ge 2 ]; then
        log "data plane settled in $(( $(date +%s) - began )) s: the lake sink has written every event and no consumer lags"
        return 0
      fi
    else
      settled=0
    fi
    [ "$(date +%s)" -lt "$deadline" ] || die "data plane not settled after ${1:-300} s (buffered rows $buffered, consumer lag $lag)"
    sleep 3
  done
}

# Demo data a newcomer can use at once; every seed is idempotent, so a second start adds nothing.
seed_demo_data() {
  log "seeding the demo product catalogue (idempotent)"
  yarn workspace @platform/product-service seed "${DEMO_PRODUCTS:-300}" >"$RUN_DIR/seed-products.log" 2>&1 \
    || die "seeding demo products failed; see $RUN_DIR/seed-products.log"
  log "$(tail -n1 "$RUN_DIR/seed-products.log")"
  # interactions of demo users through POST /events: the topics, the lake and the features start with history
  log "sending demo traffic through the event tracking service (once per machine; docs/demo-data.md)"
  yarn workspace @platform/event-tracking-service demo-traffic >"$RUN_DIR/demo-traffic.log" 2>&1 \
    || die "demo traffic failed; see $RUN_DIR/demo-traffic.log"
  log "$(node -e '
    const text = require("fs").readFileSync(process.argv[1], "utf8");
    try {
      const r = JSON.parse(text.slice(text.indexOf("{")));
      const types = Object.entries(r.byType ?? {}).map(([t, n]) => `${n} ${t}`).join(", ");
      console.log(`demo traffic: ${r.sent} events (${types}) of ${r.users} users over ${r.days} days, in ${r.seconds} s`);
    } catch { console.log(text.trim().split("\n").pop()); }' "$RUN_DIR/demo-traffic.log")"
  demo_model
  log "the demo experiment recommendation-ranking: champion 90% against challenger 10% (idempotent; docs/ab-testing.md)"
  yarn workspace @platform/ab-testing-service seed >"$RUN_DIR/seed-experiments.log" 2>&1 \
    || die "seeding the demo experiment failed; see $RUN_DIR/seed-experiments.log"
  log "sending the demo experiment's traffic (exposures and outcomes per variant, once per machine)"
  yarn workspace @platform/ab-testing-service demo-results >"$RUN_DIR/demo-results.log" 2>&1 \
    || die "the demo experiment's traffic failed; see $RUN_DIR/demo-results.log"
  log "$(node -e '
    const text = require("fs").readFileSync(process.argv[1], "utf8");
    try {
      const r = JSON.parse(text.slice(text.indexOf("{")));
      const users = Object.entries(r.usersByVariant ?? {}).map(([v, n]) => `${n} ${v}`).join(", ");
      console.log(`demo experiment traffic: ${r.sent} events of ${users} users`);
    } catch { console.log(text.trim().split("\n").pop()); }' "$RUN_DIR/demo-results.log")"
}

# The recommender's first model, made by the loop itself: the feature store's offline job writes the interactions
# table from the lake, the trainer trains on it, registers the version and promotes it to champion (MLflow), and the
# recommendation service follows the champion alias within its poll interval. Once per machine: a champion stays.
demo_model() {
  local model="${MODEL_NAME:-recommendation-ranker}" from to
  if curl -fs -o /dev/null "$MLFLOW_TRACKING_URI/api/2.0/mlflow/registered-models/alias?name=$model&alias=champion"; then
    log "the recommender has a champion already ($model@champion in MLflow): not retraining"
  else
    wait_data_plane_settled 300
    from=$(date -u -d '20 days ago' +%F); to=$(date -u +%F)
    log "writing the interactions table of $from..$to to the lake (feature store offline job; docs/features.md)"
    yarn workspace @platform/feature-store-service offline --from "$from" --to "$to" >"$RUN_DIR/features-offline.log" 2>&1 \
      || die "the offline feature job failed; see $RUN_DIR/features-offline.log"
    local input="s3://${LAKE_S3_BUCKET:-data-lake}/features/interactions/"
    log "training the recommender on it (yarn train; docs/recommender-evaluation.md): the first version becomes champion"
    FEATURE_STORE_URL="http://127.0.0.1:${SERVICE_PORTS[feature-store]}" \
      yarn train --input "$input" --promote-margin 0.02 >"$RUN_DIR/train.log" 2>&1 \
      || die "training failed; see $RUN_DIR/train.log"
    grep -E '^(training time|recall@20 ratio|promoted|not promoted|MLflow run)' "$RUN_DIR/train.log" | while read -r line; do log "$line"; done
    # a second version with fewer factors stays the challenger: the demo experiment compares the two
    log "training a challenger (16 factors) for the demo experiment"
    yarn train --input "$input" --factors 16 >"$RUN_DIR/train-challenger.log" 2>&1 \
      || die "training the challenger failed; see $RUN_DIR/train-challenger.log"
    grep -E '^(training time|MLflow run)' "$RUN_DIR/train-challenger.log" | while read -r line; do log "$line"; done
  fi
  local pid_file="$RUN_DIR/recommendation.pid"
  [ -f "$pid_file" ] && wait_http "http://127.0.0.1:${SERVICE_PORTS[recommendation]}/readyz" "recommendation-service (champion loaded)" 90 "$(cat "$pid_file")"
  return 0
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
  # one 10 s deadline for all of them (not 10 s each in turn), then whatever is left is killed
  local deadline=$(( $(date +%s) + 10 )) alive
  while :; do
    alive=0
    for pid in "${PRODUCT_PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1 && break; done
    [ "$alive" -eq 1 ] && [ "$(date +%s)" -lt "$deadline" ] || break
    sleep 0.2
  done
  for pid in "${PRODUCT_PIDS[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
  PRODUCT_PIDS=()
}
