#!/usr/bin/env bash
# The long version of the clustered-mode fault tests: three nodes in child JVMs, every fault scenario repeated
# ROUNDS times (default 2) with LOAD seconds of write load around each fault (default 6), and the publisher
# failover tests. Bounded: every wait in the tests has a limit, and every process they start is stopped.
# Extra arguments go to Maven. Figures are logged as "FAULT ..." and "AUDIT ..." lines in
# modules/server/target/failsafe-reports/io.orisun.server.ClusterFaultsIT-output.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${ROUNDS:-2}"
load="${LOAD:-6}"
exec ./test.sh -pl modules/server -am -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dfailsafe.failIfNoSpecifiedTests=false -Dit.test='ClusterFaultsIT,PublisherFailoverIT,DeliveryFaultsIT' \
  -Dorisun.faults.rounds="$rounds" -Dorisun.faults.load="$load" "$@"
