#!/usr/bin/env bash
# Builds the analytics stream job's Flink launcher (services/analytics/flink: Apache Flink's table runtime, the Kafka
# SQL connector, the JSON format and FlinkSqlJob) with Maven from Maven Central, once per version of its pom and
# sources, into .state/flink-launcher/<hash>/ (the jar and lib/, the runtime classpath). .state/flink-launcher/current
# points at the build of this checkout. Idempotent: a cached build costs a hash. Maven keeps its downloads in ~/.m2.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SRC="$ROOT/services/analytics/flink"
CACHE="$ROOT/.state/flink-launcher"

log() { printf '\033[1;34m[flink-launcher]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[flink-launcher]\033[0m %s\n' "$*" >&2; exit 1; }

command -v mvn >/dev/null || die "mvn is not installed (apt-get install maven)"
command -v java >/dev/null || die "java is not installed (Java 17: apt-get install openjdk-17-jdk-headless)"

HASH="$(cd "$SRC" && find pom.xml src -type f | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-16)"
OUT="$CACHE/$HASH"
if [ ! -f "$OUT/analytics-flink-job.jar" ]; then
  log "building the Flink launcher with Maven (Flink jars from Maven Central, once per pom/source version)"
  rm -rf "$OUT.partial"
  mvn -B -q -f "$SRC/pom.xml" package -DskipTests -Dlauncher.build.dir="$OUT.partial" >&2 \
    || die "the Maven build of $SRC failed"
  mkdir -p "$OUT"
  mv "$OUT.partial/analytics-flink-job.jar" "$OUT.partial/lib" "$OUT/"
  rm -rf "$OUT.partial"
fi
ln -sfn "$HASH" "$CACHE/current"
echo "$OUT"
