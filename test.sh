#!/usr/bin/env bash
# Runs every test: unit tests, integration tests against real PostgreSQL and nats-server, and the runtime image's
# start-up check. Extra arguments go to Maven (for example: ./test.sh -pl modules/ccc -am).
set -euo pipefail
cd "$(dirname "$0")"
. scripts/jdk.sh
. scripts/nats.sh
orisun_ensure_nats
exec mvn -B verify -Dorisun.git.commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" "$@"
