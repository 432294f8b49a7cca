#!/usr/bin/env bash
# Builds the analytics stream job's Flink launcher (services/analytics/flink: Apache Flink's table runtime, the Kafka
# SQL connector, the JSON format and FlinkSqlJob) with Maven from Maven Central, once per version of its pom and
# sources, into .state/flink-launcher/<hash>/ (the jar and lib/, the runtime classpath). .state/flink-launcher/current
# points at the build of this checkout. Idempotent: a cached build costs a hash. Maven keeps its downloads in ~/.m2.
# A training run that plans the job's SQL writes a class-data sharing archive (launcher.jsa) for this JVM: the
# classes of the planner then load mapped from it, and the job starts in about half the CPU time.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SRC="$ROOT/services/analytics/flink"
CACHE="$ROOT/.state/flink-launcher"

log() { printf '\033[1;34m[flink-launcher]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[flink-launcher]\033[0m %s\n' "$*" >&2; exit 1; }

command -v mvn >/dev/null || die "mvn is not installed (apt-get install maven)"
command -v java >/dev/null || die "java is not installed (Java 17: apt-get install openjdk-17-jdk-headless)"

SQL="$ROOT/services/analytics/sql/analytics-job.sql"
HASH="$( (cd "$SRC" && find pom.xml jvm.options src -type f | LC_ALL=C sort | xargs sha256sum; sha256sum "$SQL"; java -version 2>&1) \
  | sha256sum | cut -c1-16)"
OUT="$CACHE/$HASH"
if [ ! -f "$OUT/launcher.jsa" ]; then
  rm -rf "$OUT"
  log "building the Flink launcher with Maven (Flink jars from Maven Central, once per pom/source version)"
  rm -rf "$OUT.partial"
  mvn -B -q -f "$SRC/pom.xml" package -DskipTests -Dlauncher.build.dir="$OUT.partial" >&2 \
    || die "the Maven build of $SRC failed"
  mkdir -p "$OUT"
  mv "$OUT.partial/analytics-flink-job.jar" "$OUT.partial/lib" "$OUT/"
  log "training run (plans the SQL) for the class-data sharing archive"
  # in place (an archive holds its class path), with the Java options of the analytics service's FlinkJob
  # (flink/jvm.options): the archive serves a JVM started alike
  KAFKA_BROKERS=127.0.0.1:9 ANALYTICS_EVENT_TOPICS=t ANALYTICS_ORDERS_TOPIC=t ANALYTICS_RESULTS_TOPIC=t \
    ANALYTICS_GROUP_ID=t ANALYTICS_TRANSACTIONAL_ID_PREFIX=t ANALYTICS_OFFSET_RESET=latest \
    ANALYTICS_LATENESS_SECONDS=1 ANALYTICS_TOP_PRODUCTS=1 \
    java -XX:ArchiveClassesAtExit="$OUT.partial/launcher.jsa" $(grep -v '^#' "$SRC/jvm.options") \
    -cp "$OUT/analytics-flink-job.jar:$OUT/lib/*" com.platform.analytics.FlinkSqlJob "$SQL" --plan-only \
    table.local-time-zone=UTC >"$OUT.partial/training.log" 2>&1 \
    || { cat "$OUT.partial/training.log" >&2; rm -rf "$OUT"; die "the SQL does not plan"; }
  # last: the archive's presence marks a complete build
  mv "$OUT.partial/launcher.jsa" "$OUT/"
  rm -rf "$OUT.partial"
fi
ln -sfn "$HASH" "$CACHE/current"
# earlier builds (about 150 MB each); a JVM still running on one keeps its open jars
find "$CACHE" -mindepth 1 -maxdepth 1 -type d ! -name "$HASH" -exec rm -rf {} +
echo "$OUT"
