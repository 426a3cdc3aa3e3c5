#!/usr/bin/env bash
# How the latency of a conditional save grows with the number of criteria in its query: starts the runtime image on
# spare ports with a fresh data directory, runs the benchmark jar's 'criteria' command against it, and stops the
# server. It builds nothing: build the runtime image and the jar first with
#   mvn -B -q install -DskipTests && mvn -B -q package -Pbenchmarks -pl benchmarks
#
# Usage: benchmarks/criteria.sh [criteria options]    e.g. --events 20000 --counts 1,10,100 --out results/c.csv
#   ('criteria --help' lists them; --target, --user and --password are set here)
#
# Environment (all optional):
#   ORISUN_BENCH_PORT_BASE   the first of five ports for gRPC, health, PostgreSQL, NATS and NATS routes (27005)
#   ORISUN_LIMIT_CRITERIA    criteria allowed in one query (1024 here, the server's default, unless given); any other
#                            ORISUN_* variable set here also reaches the server, e.g. ORISUN_LIMIT_WRITE_BUDGET
set -euo pipefail
# Paths given in the options (--out) are taken from where the script was started, not from benchmarks/.
caller=$PWD
args=()
while [ $# -gt 0 ]; do
  if [ "$1" = "--out" ] && [ $# -gt 1 ]; then
    case "$2" in /*) args+=("$1" "$2") ;; *) args+=("$1" "$caller/$2") ;; esac
    shift 2
  else
    args+=("$1")
    shift
  fi
done
cd "$(dirname "$0")"
. ../scripts/jdk.sh
. ../scripts/nats.sh
orisun_ensure_nats

jar=target/orisun-benchmarks.jar
image=../jlink/target/orisun/bin/orisun
for needed in "$jar" "$image"; do
  if [ ! -e "$needed" ]; then
    echo "criteria: $needed is missing; build with: mvn -B -q install -DskipTests && mvn -B -q package -Pbenchmarks -pl benchmarks" >&2
    exit 2
  fi
done

# The largest save this benchmark sends must pass the criteria limit, so that the table measures the save and not
# the check in front of it. The server's default is 1024; a larger --counts needs a larger limit.
export ORISUN_LIMIT_CRITERIA=${ORISUN_LIMIT_CRITERIA:-1024}

base=${ORISUN_BENCH_PORT_BASE:-27005}
. ./bench-server.sh
bench_start_server "$base"
echo "criteria: server log in $BENCH_DATA/server.log (removed at exit)" >&2
status=0
"$JAVA_HOME/bin/java" -jar "$jar" criteria \
  --target "localhost:$base" --user admin --password changeit ${args[@]+"${args[@]}"} || status=$?
exit "$status"
