#!/usr/bin/env bash
# Checks the runtime image the way a user runs it: --version, --help, a configuration error, then a start on embedded
# defaults in a scratch directory (twice: the second start is the warm one users see), readiness over HTTP, and
# a clean exit on SIGTERM. Prints the start-up times.
#   verify-image.sh <image directory>
set -euo pipefail
image=$1
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

"$image/bin/orisun" --version | grep -q '^orisun-j ' || { echo "bin/orisun --version printed nothing useful" >&2; exit 1; }
"$image/bin/orisun" --help | grep -q '^| `ORISUN_GRPC_PORT` | `5005` |' \
  || { echo "bin/orisun --help does not print the configuration table" >&2; exit 1; }

set +e
ORISUN_GRPC_PORT=not-a-port "$image/bin/orisun" > "$scratch/bad-config.log" 2>&1
code=$?
set -e
if [ "$code" != "2" ] || ! grep -q "ORISUN_GRPC_PORT='not-a-port'" "$scratch/bad-config.log"; then
  echo "a bad ORISUN_GRPC_PORT should stop start-up with exit code 2 and name the variable (got $code):" >&2
  cat "$scratch/bad-config.log" >&2
  exit 1
fi

export ORISUN_DATA_DIR="$scratch/data" ORISUN_NATS_STORE_DIR="$scratch/nats"
export ORISUN_PG_PORT=$(free_port) ORISUN_NATS_PORT=$(free_port) ORISUN_GRPC_PORT=$(free_port) ORISUN_ADMIN_PORT=$(free_port)
for run in first warm; do
  log="$scratch/$run.log"
  started=$(date +%s%N)
  "$image/bin/orisun" > "$log" 2>&1 &
  pid=$!
  ready=""
  for _ in $(seq 1 1200); do
    if curl -sf "http://127.0.0.1:$ORISUN_ADMIN_PORT/health/ready" > /dev/null 2>&1; then ready=yes; break; fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  if [ -z "$ready" ]; then
    echo "the image did not become ready ($run start):" >&2
    tail -n 40 "$log" >&2
    kill -9 "$pid" 2>/dev/null || true
    exit 1
  fi
  echo "image $run start: ready after $(( ($(date +%s%N) - started) / 1000000 )) ms;" \
       "$(grep -o 'gRPC listening.*' "$log" | head -n 1)"
  kill -TERM "$pid"
  set +e
  wait "$pid"
  code=$?
  set -e
  if [ "$code" != "0" ]; then
    echo "SIGTERM should stop the server with exit code 0, got $code:" >&2
    tail -n 40 "$log" >&2
    exit 1
  fi
done
if pgrep -f "$scratch/nats" > /dev/null; then
  echo "the embedded nats-server outlived the server" >&2
  exit 1
fi
echo "runtime image verified: $image ($(du -sh "$image" | cut -f1))"
