#!/usr/bin/env bash
# ./idp start refuses ports held by another process and names the holder; it also refuses a listener it did not
# start. Run by ./idp test (scripts/test.sh); needs only bash, node and ss.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
source "$ROOT/scripts/lib/bootstrap.sh"
source "$ROOT/scripts/lib/processes.sh"

fail() { echo "FAIL: $*" >&2; exit 1; }
holder_pid=""
cleanup() { [ -z "$holder_pid" ] || kill "$holder_pid" 2>/dev/null || true; }
trap cleanup EXIT

# a stranger on the gateway's port, as an earlier ./idp start would be
port=${SERVICE_PORTS[api-gateway]}
[ -z "$(port_holder "$port")" ] || fail ":$port is already in use on this machine; run this test where the product is not running"
node -e "require('http').createServer((q,s)=>s.end('old')).listen($port,'127.0.0.1')" &
holder_pid=$!
for _ in $(seq 1 50); do [ -n "$(port_holder "$port")" ] && break; sleep 0.1; done

out=$( (ensure_ports_free) 2>&1 ) && fail "ensure_ports_free accepted a taken port"
grep -q ":$port (@platform/api-gateway) is held by pid $holder_pid: node -e" <<<"$out" || fail "the holder is not named: $out"

out=$( (assert_listener_is_ours "$port" api-gateway 1) 2>&1 ) && fail "assert_listener_is_ours accepted a foreign listener"
grep -q "is answered by pid $holder_pid" <<<"$out" || fail "the foreign listener is not named: $out"

kill "$holder_pid"; wait "$holder_pid" 2>/dev/null || true; holder_pid=""
for _ in $(seq 1 50); do [ -z "$(port_holder "$port")" ] && break; sleep 0.1; done
(ensure_ports_free) || fail "ensure_ports_free refused free ports"
echo "start-ports: ok"
