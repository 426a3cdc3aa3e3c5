#!/usr/bin/env bash
# Builds Orisun-J if needed and starts it. With no ORISUN_* variables it runs on its embedded defaults:
# PostgreSQL and nats-server under ./data, gRPC on 5005, health on 8991.
set -euo pipefail
cd "$(dirname "$0")"
. scripts/jdk.sh
. scripts/nats.sh
if [ -z "${ORISUN_NATS_URL:-}" ]; then
  orisun_ensure_nats
fi
image=jlink/target/orisun
newest_source=$(find pom.xml proto modules jlink/pom.xml jlink/build-image.sh -newer "$image/bin/orisun" \
                  \( -name '*.java' -o -name '*.proto' -o -name '*.sql' -o -name 'pom.xml' -o -name '*.sh' \
                     -o -name '*.properties' \) -print -quit 2>/dev/null || true)
if [ ! -x "$image/bin/orisun" ] || [ -n "$newest_source" ]; then
  echo "Building Orisun-J (first run, or sources changed)..." >&2
  mvn -B -q install -DskipTests -Dorisun.git.commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" >&2
fi
exec "$image/bin/orisun" "$@"
