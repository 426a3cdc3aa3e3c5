#!/usr/bin/env bash
# The full load-tool matrix of benchmarks/README.md, from a fresh clone: builds the modules, the runtime image and
# the benchmark jar, starts the image on spare ports with a fresh data directory, runs every scenario at every
# concurrency with the JDBC baseline against the server's own PostgreSQL, samples the load average every 30 s, and
# stops the server. Each row warms up until its rate is steady (at most ORISUN_BENCH_WARMUP_MAX), reports the cold
# first seconds in their own columns, and the CPU per event of the server, PostgreSQL, nats-server and the tool.
# Allow about 45 minutes with the defaults.
#
# Usage: benchmarks/matrix.sh [--no-build] [OUT.csv]     (OUT defaults to benchmarks/results/matrix-<UTC date>.csv)
#
# Environment (all optional): ORISUN_BENCH_PORT_BASE (26005), and the load tool's parameters
#   ORISUN_BENCH_CONCURRENCY (1,4,16,64,256)  ORISUN_BENCH_DURATION (10s)  ORISUN_BENCH_WARMUP (steady, or a fixed time)
#   ORISUN_BENCH_WARMUP_MAX (60s)
#   ORISUN_BENCH_PREPOPULATE (1e6)  ORISUN_BENCH_CARDINALITY (1e5)  ORISUN_BENCH_SCENARIOS (all of them)
set -euo pipefail
cd "$(dirname "$0")"
. ../scripts/jdk.sh
. ../scripts/nats.sh
orisun_ensure_nats

if [ "${1:-}" = "--no-build" ]; then
  shift
else
  (cd .. && mvn -B -q install -DskipTests -Dorisun.git.commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" \
     && mvn -B -q package -Pbenchmarks -pl benchmarks)
fi
out=${1:-results/matrix-$(date -u +%Y-%m-%d).csv}
mkdir -p "$(dirname "$out")"
base=${ORISUN_BENCH_PORT_BASE:-26005}
. ./bench-server.sh
bench_start_server "$base"

loadlog="${out%.csv}.load.txt"
: > "$loadlog"
( while true; do echo "$(date -u +%H:%M:%S) $(cut -d' ' -f1-3 /proc/loadavg)" >> "$loadlog"; sleep 30; done ) &
sampler=$!
trap 'kill $sampler 2>/dev/null || true; bench_stop_server' EXIT

scenarios=()
if [ -n "${ORISUN_BENCH_SCENARIOS:-}" ]; then
  scenarios=(--scenarios "$ORISUN_BENCH_SCENARIOS")
fi
echo "matrix: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
"$JAVA_HOME/bin/java" -jar target/orisun-benchmarks.jar load \
  --target "localhost:$base" --user admin --password changeit --boundary orisun_test_1 \
  "${scenarios[@]}" --concurrency "${ORISUN_BENCH_CONCURRENCY:-1,4,16,64,256}" \
  --duration "${ORISUN_BENCH_DURATION:-10s}" --warmup "${ORISUN_BENCH_WARMUP:-steady}" \
  --warmup-max "${ORISUN_BENCH_WARMUP_MAX:-60s}" \
  --prepopulate-events "${ORISUN_BENCH_PREPOPULATE:-1e6}" --tag-cardinality "${ORISUN_BENCH_CARDINALITY:-1e5}" \
  --payload-bytes 256 --create-index \
  --baseline-jdbc "jdbc:postgresql://localhost:$((base + 2))/orisun" --baseline-user postgres --baseline-password postgres \
  --out "$out"
echo "matrix: results in $out and ${out%.csv}.json, load average samples in $loadlog" >&2
