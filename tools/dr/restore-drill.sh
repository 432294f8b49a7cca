#!/usr/bin/env bash
# Restore drill of PostgreSQL from a base backup and archived WAL (docs/disaster-recovery.md): measures RTO and RPO
# on this machine with the same mechanism the clouds' point-in-time restore uses.
#
# A scratch cluster (never the one of `yarn infra`) archives its WAL to a folder at least every ARCHIVE_TIMEOUT
# seconds; an "orders" table gets WRITES_PER_SECOND inserts, each stamped with its commit's clock; a base backup is
# taken while it writes. Then the disaster: the server is killed (immediate stop) and its data folder deleted. The
# drill restores the base backup, replays the archived WAL to its end, promotes, and prints
#   RTO: from the disaster until the restored server accepts writes (restore and replay; add detection and the
#        provisioning of a host in a real incident);
#   RPO: the commit time of the last row written before the disaster minus that of the last row the restore holds,
#        and the rows lost.
#
#   tools/dr/restore-drill.sh                       # 30,000 seed rows, 10 writes/s for 75 s, WAL shipped every 30 s
#   SEED_ROWS=1000000 RUN_SECONDS=120 ARCHIVE_TIMEOUT=60 tools/dr/restore-drill.sh
set -euo pipefail
SEED_ROWS="${SEED_ROWS:-30000}"
RUN_SECONDS="${RUN_SECONDS:-75}"
WRITES_PER_SECOND="${WRITES_PER_SECOND:-10}"
ARCHIVE_TIMEOUT="${ARCHIVE_TIMEOUT:-30}"

PGBIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)"
[ -x "$PGBIN/postgres" ] || { echo "restore-drill: no PostgreSQL server binaries (apt-get install postgresql)" >&2; exit 1; }
log() { printf '\033[1;34m[restore-drill]\033[0m %s\n' "$*" >&2; }
now() { date +%s.%N; }
# PostgreSQL refuses to run as root: as root, the drill's servers run as the postgres user
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

work="$(mktemp -d /tmp/pg-restore-drill-XXXXXX)"
chmod 755 "$work"
mkdir -p "$work/archive"
[ "$(id -u)" = 0 ] && chown postgres: "$work" "$work/archive"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
psql() { as_pg "$PGBIN/psql" -h "$work" -p "$port" -U postgres -d drill -v ON_ERROR_STOP=1 -qAt "$@"; }
writer=""
cleanup() {
  [ -n "$writer" ] && kill "$writer" 2>/dev/null || true
  for dir in primary restored; do
    [ -f "$work/$dir/postmaster.pid" ] && as_pg "$PGBIN/pg_ctl" -D "$work/$dir" -m immediate stop >/dev/null 2>&1 || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

log "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') in $work, port $port; WAL archived at least every ${ARCHIVE_TIMEOUT} s"
as_pg "$PGBIN/initdb" -D "$work/primary" -A trust -U postgres >/dev/null
cat >>"$work/primary/postgresql.conf" <<EOF
listen_addresses = ''
port = $port
unix_socket_directories = '$work'
wal_level = replica
archive_mode = on
archive_command = 'test ! -f $work/archive/%f && cp %p $work/archive/%f'
archive_timeout = ${ARCHIVE_TIMEOUT}s
EOF
as_pg "$PGBIN/pg_ctl" -D "$work/primary" -l "$work/primary.log" -w start >/dev/null
as_pg "$PGBIN/createdb" -h "$work" -p "$port" -U postgres drill
psql -c "CREATE TABLE orders (id bigserial PRIMARY KEY, placed_at timestamptz NOT NULL DEFAULT clock_timestamp(), payload text NOT NULL)"
psql -c "INSERT INTO orders (payload) SELECT repeat(md5(g::text), 8) FROM generate_series(1, $SEED_ROWS) g"
log "seeded $SEED_ROWS orders ($(psql -c "SELECT pg_size_pretty(pg_database_size('drill'))"))"

# the application: a committed insert, then a pause of 1/WRITES_PER_SECOND s (a new psql each: fewer per second under
# load), for the whole drill
interval="$(python3 -c "print(1 / $WRITES_PER_SECOND)")"
(
  while :; do
    psql -c "INSERT INTO orders (payload) VALUES ('live')" 2>/dev/null || exit 0
    sleep "$interval"
  done
) &
writer=$!

sleep 5
t0="$(now)"
as_pg "$PGBIN/pg_basebackup" -h "$work" -p "$port" -U postgres -D "$work/base" -X fetch -c fast
log "base backup taken while writing, in $(python3 -c "print(f'{$(now) - $t0:.1f}')") s ($(du -sh "$work/base" | cut -f1))"

sleep "$RUN_SECONDS"
kill "$writer"; wait "$writer" 2>/dev/null || true; writer=""
last_written="$(psql -c "SELECT id || ' ' || extract(epoch FROM placed_at) FROM orders ORDER BY id DESC LIMIT 1")"
written="$(psql -c "SELECT count(*) FROM orders")"
archived="$(ls "$work/archive" | wc -l)"

# the disaster: the server dies and its volume is gone
t_disaster="$(now)"
as_pg "$PGBIN/pg_ctl" -D "$work/primary" -m immediate stop >/dev/null
rm -rf "$work/primary"
log "disaster after $RUN_SECONDS s of writes: server killed, data folder deleted ($written orders committed, $archived WAL files archived)"

# the restore: base backup + archived WAL, replayed to its end, then promoted to accept writes
as_pg cp -a "$work/base" "$work/restored"
cat >>"$work/restored/postgresql.conf" <<EOF
restore_command = 'cp $work/archive/%f %p'
recovery_target_action = 'promote'
EOF
as_pg touch "$work/restored/recovery.signal"
as_pg "$PGBIN/pg_ctl" -D "$work/restored" -l "$work/restored.log" -w -t 3600 start >/dev/null
until [ "$(psql -c "SELECT NOT pg_is_in_recovery()" 2>/dev/null)" = t ]; do sleep 0.1; done
psql -c "INSERT INTO orders (payload) VALUES ('after the restore') RETURNING id" >/dev/null
t_ready="$(now)"

last_restored="$(psql -c "SELECT id || ' ' || extract(epoch FROM placed_at) FROM orders WHERE payload <> 'after the restore' ORDER BY id DESC LIMIT 1")"
restored="$(psql -c "SELECT count(*) FROM orders WHERE payload <> 'after the restore'")"
python3 - "$t_disaster" "$t_ready" "$last_written" "$last_restored" "$written" "$restored" "$ARCHIVE_TIMEOUT" <<'PY'
import sys
t_disaster, t_ready = float(sys.argv[1]), float(sys.argv[2])
(_, written_at), (_, restored_at) = (s.split() for s in sys.argv[3:5])
written, restored, archive_timeout = int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7])
rpo = float(written_at) - float(restored_at)
print(f"RTO {t_ready - t_disaster:.1f} s  (disaster -> restored, replayed, promoted and accepting writes)")
print(f"RPO {rpo:.1f} s  ({written - restored} of {written} committed orders lost; bound: the WAL shipping interval, {archive_timeout} s)")
PY
