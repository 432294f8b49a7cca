#!/usr/bin/env bash
# Prints the figures of the running product: time from `./idp start` to a portal whose catalog is loaded,
# and the resident memory of the portal and of each platform service once idle.
# Usage: scripts/measure-portal.sh   (stops what it started when done)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source "$ROOT/scripts/lib/bootstrap.sh"
bootstrap_node

start=$(date +%s.%N)
./idp start >"$STATE/measure-start.log" 2>&1 &
idp_pid=$!
trap 'kill -INT $idp_pid 2>/dev/null; wait $idp_pid 2>/dev/null || true' EXIT
until grep -q "portal ready" "$STATE/measure-start.log"; do
  kill -0 $idp_pid 2>/dev/null || { tail -20 "$STATE/measure-start.log"; exit 1; }
  sleep 0.5
done
ready=$(date +%s.%N)
printf 'start command to ready portal (catalog loaded): %.1f s\n' "$(echo "$ready - $start" | bc)"
sleep 20
rss() { awk '/VmRSS/ {printf "%.0f MiB", $2/1024}' "/proc/$1/status"; }
printf 'portal RSS after 20 s idle: %s\n' "$(rss "$(cat "$STATE/run/portal.pid")")"
for pidfile in "$STATE"/run/*.pid; do
  name=$(basename "$pidfile" .pid)
  [ "$name" = portal ] && continue
  # yarn -> tsx -> node: the service is the deepest node process of the group
  leaf=$(pgrep -g "$(cat "$pidfile")" node | tail -n1 || true)
  [ -n "$leaf" ] && printf '%s RSS: %s\n' "$name" "$(rss "$leaf")"
done
