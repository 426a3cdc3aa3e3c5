#!/usr/bin/env bash
# Runs the Java client's money-transfer example (modules/client/src/test/java/io/orisun/client/example) against a
# server on its embedded defaults: builds the client and the server, starts the server in process with an embedded
# PostgreSQL and a nats-server child under a temporary directory on free ports, runs the example, stops the server.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk.sh
. scripts/nats.sh
orisun_ensure_nats
mvn -B -q install -DskipTests -pl modules/client -am
mvn -B -q -pl modules/client exec:java -Dexec.classpathScope=test \
  -Dexec.mainClass=io.orisun.client.example.ExampleRun
