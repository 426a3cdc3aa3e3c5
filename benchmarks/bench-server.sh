# Sourced by the benchmark scripts: starts the runtime image on spare ports with a fresh data directory, and stops
# it (and removes the directory) when the script exits.
#   bench_start_server BASE   gRPC on BASE, health on BASE+1, PostgreSQL on BASE+2, NATS on BASE+3, NATS routes on
#                             BASE+4; sets BENCH_DATA and BENCH_SERVER_PID, exits 2 if it does not become ready
bench_start_server() {
  local base=$1 ready="" _
  BENCH_DATA=$(mktemp -d)
  BENCH_SERVER_PID=""
  trap bench_stop_server EXIT
  echo "starting the runtime image on ports $base-$((base + 4)), data in $BENCH_DATA" >&2
  ORISUN_GRPC_PORT=$base ORISUN_ADMIN_PORT=$((base + 1)) ORISUN_PG_PORT=$((base + 2)) ORISUN_NATS_PORT=$((base + 3)) \
  ORISUN_NATS_CLUSTER_PORT=$((base + 4)) ORISUN_DATA_DIR="$BENCH_DATA/orisun" ORISUN_NATS_STORE_DIR="$BENCH_DATA/nats" \
    "$(dirname "${BASH_SOURCE[0]}")/../jlink/target/orisun/bin/orisun" > "$BENCH_DATA/server.log" 2>&1 &
  BENCH_SERVER_PID=$!
  for _ in $(seq 1 240); do
    if grep -q "gRPC listening" "$BENCH_DATA/server.log" 2>/dev/null; then
      ready=yes
      break
    fi
    if ! kill -0 "$BENCH_SERVER_PID" 2>/dev/null; then
      break
    fi
    sleep 0.5
  done
  if [ -z "$ready" ]; then
    echo "the server did not become ready; its log:" >&2
    cat "$BENCH_DATA/server.log" >&2
    exit 2
  fi
}

bench_stop_server() {
  if [ -n "${BENCH_SERVER_PID:-}" ]; then
    kill "$BENCH_SERVER_PID" 2>/dev/null || true
    wait "$BENCH_SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "${BENCH_DATA:-/nonexistent}"
}
