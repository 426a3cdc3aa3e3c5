#!/usr/bin/env bash
# A short run of both benchmark tools, so that neither can rot. About 20 s of load over two scenarios at
# concurrency 4, then one JMH benchmark with a single short iteration (it starts its own embedded PostgreSQL). It
# fails only when a tool crashes, cannot reach the server, or completes no request at all; it never judges the
# numbers.
#
# Two ways to run it:
#   benchmarks/smoke.sh                against a running server (./start.sh); it builds nothing, so build first with
#                                      mvn -B -q install -DskipTests && mvn -B -q package -Pbenchmarks -pl benchmarks
#   benchmarks/smoke.sh --with-server  what CI runs (.ci/run): builds the modules and the benchmark jar, starts the
#                                      runtime image on spare ports with a fresh data directory, runs the smoke
#                                      against it and the JDBC baseline against its PostgreSQL, and stops it.
#
# Environment (all optional):
#   ORISUN_BENCH_TARGET         the server's gRPC address (localhost:5005)
#   ORISUN_BENCH_USER/PASSWORD  its credentials (admin / changeit)
#   ORISUN_BENCH_BOUNDARY       the boundary to load (orisun_test_1)
#   ORISUN_BENCH_BASELINE_JDBC  adds the plain JDBC baseline, e.g. jdbc:postgresql://localhost:5434/orisun (adds ~20 s)
#   ORISUN_BENCH_JMH            the JMH benchmark to run (SaveFlushBenchmark.callers_16$)
#   ORISUN_BENCH_OUT            where the load results go (benchmarks/target/smoke/results.csv)
#   ORISUN_BENCH_PORT_BASE      with --with-server, the first of five ports for gRPC, health, PostgreSQL, NATS and
#                               NATS routes (25005)
set -euo pipefail
cd "$(dirname "$0")"
. ../scripts/jdk.sh

if [ "${1:-}" = "--with-server" ]; then
  (cd .. && mvn -B -q install -DskipTests && mvn -B -q package -Pbenchmarks -pl benchmarks)
  base=${ORISUN_BENCH_PORT_BASE:-25005}
  . ./bench-server.sh
  bench_start_server "$base"
  export ORISUN_BENCH_TARGET="localhost:$base"
  export ORISUN_BENCH_BASELINE_JDBC="jdbc:postgresql://localhost:$((base + 2))/orisun"
  status=0
  ORISUN_BENCH_OUT="${ORISUN_BENCH_OUT:-target/smoke/results.csv}" timeout 600 ./smoke.sh || status=$?
  exit "$status"
fi

jar=target/orisun-benchmarks.jar
if [ ! -f "$jar" ]; then
  echo "smoke: $jar is missing; build it with: mvn -B -q package -Pbenchmarks -pl benchmarks" >&2
  exit 2
fi
out=${ORISUN_BENCH_OUT:-target/smoke/results.csv}
baseline=()
if [ -n "${ORISUN_BENCH_BASELINE_JDBC:-}" ]; then
  baseline=(--baseline-jdbc "$ORISUN_BENCH_BASELINE_JDBC")
fi

echo "smoke: load tool against ${ORISUN_BENCH_TARGET:-localhost:5005}" >&2
"$JAVA_HOME/bin/java" -jar "$jar" load \
  --target "${ORISUN_BENCH_TARGET:-localhost:5005}" \
  --user "${ORISUN_BENCH_USER:-admin}" --password "${ORISUN_BENCH_PASSWORD:-changeit}" \
  --boundary "${ORISUN_BENCH_BOUNDARY:-orisun_test_1}" \
  --scenarios write-conditional-1,read-conditional --concurrency 4 --warmup 2s --duration 8s \
  --prepopulate-events 2000 --tag-cardinality 200 --create-index \
  "${baseline[@]}" --out "$out"

# By default the conditional save flush: the embedded PostgreSQL, the event log, the consistency check and the index.
jmh=(SaveFlushBenchmark.callers_16\$ -p condition=conditional)
if [ -n "${ORISUN_BENCH_JMH:-}" ]; then
  jmh=("$ORISUN_BENCH_JMH")
fi
echo "smoke: JMH ${jmh[*]}" >&2
"$JAVA_HOME/bin/java" -jar "$jar" jmh -foe true -f 1 -wi 1 -i 1 -w 1s -r 1s "${jmh[@]}"
echo "smoke: both tools ran" >&2
