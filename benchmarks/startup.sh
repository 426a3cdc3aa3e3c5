#!/usr/bin/env bash
# Start-up time of a runtime image, from exec to ready: starts the image N times on an initialised data directory
# (embedded PostgreSQL and nats-server, the default mode) and measures the wall time from the exec of bin/orisun
# to the first HTTP 200 of /health/ready on the admin port, polled every 10 ms over bash's /dev/tcp (no process
# is forked while the server starts). Each run is then stopped with SIGTERM and waited for. Prints every figure,
# the server's own log line figures (since OrisunServer.start, and since the JVM started), and the medians.
#
#   benchmarks/startup.sh [-n RUNS] [--init] IMAGE DATA_DIR
#
# DATA_DIR holds the server's data (DATA_DIR/orisun for PostgreSQL, DATA_DIR/nats for JetStream) and the logs of
# the runs (DATA_DIR/startup-<run>.log). --init (or an empty DATA_DIR) first starts the image once, untimed, to
# initialise it: the first-time embedded PostgreSQL init is not part of the figure. Ports come from
# ORISUN_GRPC_PORT, ORISUN_ADMIN_PORT, ORISUN_PG_PORT and ORISUN_NATS_PORT when set, else free ones are picked.
# Other ORISUN_* variables and JAVA_OPTS pass through to the server.
set -euo pipefail

runs=5
init=""
while [ $# -gt 0 ]; do
  case "$1" in
    -n) runs=$2; shift 2 ;;
    --init) init=yes; shift ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "unknown option $1" >&2; exit 64 ;;
    *) break ;;
  esac
done
if [ $# -ne 2 ]; then
  echo "usage: $0 [-n RUNS] [--init] IMAGE DATA_DIR" >&2
  exit 64
fi
image=$(cd "$1" && pwd)
mkdir -p "$2"
data=$(cd "$2" && pwd)
[ -x "$image/bin/orisun" ] || { echo "$image/bin/orisun is not an executable runtime image launcher" >&2; exit 64; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
export ORISUN_DATA_DIR="$data/orisun" ORISUN_NATS_STORE_DIR="$data/nats"
export ORISUN_GRPC_PORT=${ORISUN_GRPC_PORT:-$(free_port)} ORISUN_ADMIN_PORT=${ORISUN_ADMIN_PORT:-$(free_port)}
export ORISUN_PG_PORT=${ORISUN_PG_PORT:-$(free_port)} ORISUN_NATS_PORT=${ORISUN_NATS_PORT:-$(free_port)}
unset ORISUN_PG_HOST ORISUN_NATS_URL

# One probe of /health/ready, inside this shell: true on a 200.
ready_once() {
  local status=""
  { exec 3<>"/dev/tcp/127.0.0.1/$ORISUN_ADMIN_PORT"; } 2>/dev/null || return 1
  printf 'GET /health/ready HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&3 2>/dev/null || true
  IFS= read -r -t 2 status <&3 || true
  exec 3<&- 3>&-
  [[ "$status" == "HTTP/1.1 200"* ]]
}

# Starts the image once with its log in $1; sets run_ms (exec to ready, or empty when it never got ready).
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill -TERM "$server_pid" 2>/dev/null || true; }
trap cleanup EXIT
start_once() {
  local log=$1 started now deadline
  run_ms=""
  started=$EPOCHREALTIME
  "$image/bin/orisun" > "$log" 2>&1 &
  server_pid=$!
  deadline=$(( ${started%.*} + 120 ))
  while :; do
    if ready_once; then
      now=$EPOCHREALTIME
      run_ms=$(( (${now/./} - ${started/./}) / 1000 ))
      break
    fi
    kill -0 "$server_pid" 2>/dev/null || break
    [ "${EPOCHREALTIME%.*}" -lt "$deadline" ] || break
    sleep 0.01
  done
  kill -TERM "$server_pid" 2>/dev/null || true
  local code=0
  wait "$server_pid" || code=$?
  server_pid=""
  if [ -z "$run_ms" ]; then
    echo "the image did not become ready (exit code $code); the end of $log:" >&2
    tail -n 30 "$log" >&2
    exit 1
  fi
  if [ "$code" != "0" ]; then
    echo "SIGTERM should stop the server with exit code 0, got $code; see $log" >&2
    exit 1
  fi
}

median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

if [ -n "$init" ] || [ ! -f "$data/orisun/pg/PG_VERSION" ]; then
  start_once "$data/startup-init.log"
  echo "initialised $data (not counted: ${run_ms} ms)"
fi
echo "image $image, data $data, $runs runs, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
wall=() server=() jvm=()
for run in $(seq 1 "$runs"); do
  log="$data/startup-$run.log"
  start_once "$log"
  line=$(grep -o 'gRPC listening.*' "$log" | head -n 1 || true)
  since_start=$(sed -n 's/.*(\([0-9]*\) ms after start-up began.*/\1/p' <<< "$line")
  since_jvm=$(sed -n 's/.*[(,] *\([0-9]*\) ms after the JVM started.*/\1/p' <<< "$line")
  wall+=("$run_ms")
  [ -n "$since_start" ] && server+=("$since_start")
  [ -n "$since_jvm" ] && jvm+=("$since_jvm")
  echo "run $run: exec to ready ${run_ms} ms; log line: ${since_start:-?} ms after start-up began," \
       "${since_jvm:-?} ms after the JVM started (load $(cut -d' ' -f1 /proc/loadavg))"
done
echo "median of $runs: exec to ready $(median "${wall[@]}") ms;" \
     "log line $( [ ${#server[@]} -gt 0 ] && median "${server[@]}" || echo '?') ms after start-up began," \
     "$( [ ${#jvm[@]} -gt 0 ] && median "${jvm[@]}" || echo '?') ms after the JVM started;" \
     "load average $(cut -d' ' -f1-3 /proc/loadavg)"
