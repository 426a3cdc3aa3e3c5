#!/usr/bin/env bash
# Builds the Orisun-J runtime image: a jlink image of the JDK modules the server needs, the application jars on
# its module path, a bin/orisun launcher, and (when a training run succeeds) an AOT cache that halves start-up.
#   build-image.sh <directory of application jars> <output directory> <true|false: train an AOT cache>
set -euo pipefail
app_jars=$1
out=$2
aot=${3:-true}
: "${JAVA_HOME:?JAVA_HOME must point to a JDK 21 or newer}"

# jlink cannot link automatic modules (grpc, protobuf, jnats, pgjdbc, flyway), so only the JDK is linked and the
# application stays on the module path. The list comes from jdeps over the application, plus the modules that
# are reached reflectively or optionally: the uid probe of the embedded PostgreSQL (jdk.security.auth), TLS
# (jdk.crypto.ec), Kerberos/SASL probes in pgjdbc, JFR and the management beans for the diagnostics endpoints,
# and zip file systems for the embedded PostgreSQL binaries.
modules=java.base,java.compiler,java.logging,java.management,java.naming,java.sql,java.net.http,java.xml,java.desktop
modules=$modules,java.security.jgss,java.security.sasl,java.instrument,java.scripting,java.transaction.xa
modules=$modules,jdk.unsupported,jdk.crypto.ec,jdk.jfr,jdk.management,jdk.management.jfr,jdk.zipfs,jdk.naming.dns
modules=$modules,jdk.net,jdk.httpserver,jdk.security.auth,jdk.security.jgss

rm -rf "$out"
"$JAVA_HOME/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
  --compress=zip-6 --output "$out"
mkdir -p "$out/app"
cp "$app_jars"/*.jar "$out/app/"

cat > "$out/bin/orisun" <<'LAUNCHER'
#!/bin/sh
# Starts the Orisun-J server from this runtime image. JAVA_OPTS adds JVM options.
home=$(cd "$(dirname "$0")/.." && pwd)
aot=""
if [ -f "$home/lib/orisun.aot" ] && [ "${ORISUN_AOT:-true}" != "false" ]; then
  aot="-XX:AOTCache=$home/lib/orisun.aot -Xlog:aot=off -Xlog:cds=off"
fi
# The serial collector unless JAVA_OPTS picks another (two collectors on one command line stop the JVM); the heap
# is 50% of the memory the JVM sees (the container's limit), and a later -XX:MaxRAMPercentage in JAVA_OPTS wins.
gc="-XX:+UseSerialGC"
case " ${JAVA_OPTS:-} " in *" -XX:+Use"*GC" "*) gc="" ;; esac
# shellcheck disable=SC2086
exec "$home/bin/java" $gc -XX:MaxRAMPercentage=50 $aot ${JAVA_OPTS:-} \
  -p "$home/app" --add-modules ALL-MODULE-PATH -m io.orisun.server/io.orisun.server.Main "$@"
LAUNCHER
chmod +x "$out/bin/orisun"

cat > "$out/bin/orisun-aot-train" <<'TRAIN'
#!/bin/sh
# (Re)builds this image's AOT cache, lib/orisun.aot, with a training run: the server starts on its embedded
# defaults in a scratch directory, on free ports, and stops once it is ready; the JVM writes the cache on exit.
# Run it after unpacking the image somewhere new or changing its JDK or jars: a cache that does not match the
# image is ignored (bin/orisun then logs "AOT cache ... requested but not loaded"). Needs nats-server on the PATH
# or in ORISUN_NATS_SERVER_PATH.
set -eu
home=$(cd "$(dirname "$0")/.." && pwd)
train=$(mktemp -d)
trap 'rm -rf "$train"' EXIT
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null \
    || echo $(( $(od -An -N2 -tu2 /dev/urandom) % 20000 + 20000 ))
}
# Trained with the collector and options the server will run with (JAVA_OPTS), as the cache expects.
gc="-XX:+UseSerialGC"
case " ${JAVA_OPTS:-} " in *" -XX:+Use"*GC" "*) gc="" ;; esac
rm -f "$home/lib/orisun.aot"
# shellcheck disable=SC2086
if env -i PATH="$PATH" HOME="${HOME:-/root}" ORISUN_NATS_SERVER_PATH="${ORISUN_NATS_SERVER_PATH:-}" \
    ORISUN_DATA_DIR="$train/data" ORISUN_NATS_STORE_DIR="$train/nats" ORISUN_GRPC_PORT=0 ORISUN_ADMIN_PORT=0 \
    ORISUN_PG_PORT="$(free_port)" ORISUN_NATS_PORT="$(free_port)" \
    "$home/bin/java" $gc -XX:MaxRAMPercentage=50 ${JAVA_OPTS:-} -XX:AOTCacheOutput="$home/lib/orisun.aot" \
    -Xlog:aot=off -Xlog:cds=off -p "$home/app" --add-modules ALL-MODULE-PATH \
    -m io.orisun.server/io.orisun.server.Main --train > "$train/training.log" 2>&1; then
  echo "AOT cache written: $home/lib/orisun.aot ($(du -h "$home/lib/orisun.aot" | cut -f1))" >&2
else
  echo "the AOT training run failed (see below); the image works without the cache" >&2
  tail -n 30 "$train/training.log" >&2 || true
  rm -f "$home/lib/orisun.aot"
  exit 1
fi
TRAIN
chmod +x "$out/bin/orisun-aot-train"

if [ "$aot" = "true" ]; then
  if ! command -v nats-server >/dev/null 2>&1 && [ -z "${ORISUN_NATS_SERVER_PATH:-}" ]; then
    echo "no nats-server on the PATH: the image is built without an AOT cache" >&2
  else
    "$out/bin/orisun-aot-train" || true
  fi
fi
echo "runtime image: $out ($(du -sh "$out" | cut -f1))" >&2
