#!/usr/bin/env bash
# Builds the container image from the runtime image a host build made (jlink/target/orisun, as after ./test.sh)
# and runs it with podman, as CI does after the tests (.ci/run):
#   1. installs podman, runc, debootstrap and podman-compose when missing, and /etc/containers/containers.conf
#      when there is none (runc and cgroupfs: crun refuses hybrid cgroup hierarchies);
#   2. makes debian:bookworm-slim with debootstrap from the mirror apt uses, unless the image is there already;
#   3. builds docker/Dockerfile with ORISUN_RUNTIME=host, starts it on its embedded defaults, waits for
#      /health/ready, saves and reads events through gRPC from the host (docker/EventProbe.java), checks that every
#      process runs as the user orisun and that the health check passes, restarts the container and finds the
#      event again, then replaces the container keeping its volume and finds it once more;
#   4. the same with docker-compose.yml (one container), and with docker-compose.external.yml on top (PostgreSQL
#      and NATS in their own containers, built from Debian's packages by docker/ci/), each with a node restart.
# Runs as root. Fails, saying why, when podman cannot run a container on this machine. Prints the image size and
# the start-up times. Host ports: free ones, picked at the start.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk.sh

fail() { echo "docker/check.sh: $*" >&2; exit 1; }
step() { echo "docker/check.sh: $*" >&2; }

[ "$(id -u)" = 0 ] || fail "needs root (it installs packages and runs podman as root)"
runtime=jlink/target/orisun
[ -x "$runtime/bin/orisun" ] || fail "$runtime is missing: build it first (./test.sh, or mvn -B package -pl jlink -am)"
started=$(date +%s)

work=$(mktemp -d)
compose() {
  local project=$1
  shift
  local files=(-f docker/docker-compose.yml)
  [ "$project" = orisun-check-external ] && files+=(-f docker/docker-compose.external.yml)
  podman-compose -p "$project" "${files[@]}" "$@"
}
projects=(orisun-check-single orisun-check-external)
# Also what an interrupted run left behind.
remove_containers() {
  podman rm -f -t 5 orisun-check > /dev/null 2>&1 || true
  podman volume rm -f orisun-check-data > /dev/null 2>&1 || true
  for project in "${projects[@]}"; do
    if podman ps -a -q --filter "label=io.podman.compose.project=$project" 2> /dev/null | grep -q .; then
      compose "$project" down -v > /dev/null 2>&1 || true
    fi
    podman network rm -f "${project}_default" > /dev/null 2>&1 || true
  done
}
cleanup() {
  local code=$?
  if [ "$code" != 0 ]; then
    for name in orisun-check "${projects[@]/%/_orisun_1}"; do
      if podman container exists "$name" 2> /dev/null; then
        echo "--- last lines of container $name:" >&2
        podman logs --tail 40 "$name" 2>&1 | grep -v '^time=' >&2 || true
      fi
    done
  fi
  remove_containers
  podman image prune -f > /dev/null 2>&1 || true
  rm -rf "$work"
  exit "$code"
}
trap cleanup EXIT

# 1. Tools.
missing=()
for tool in podman runc debootstrap podman-compose; do
  command -v "$tool" > /dev/null 2>&1 || missing+=("$tool")
done
if [ "${#missing[@]}" -gt 0 ]; then
  step "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" > "$work/apt.log" 2>&1 \
    || { tail -n 20 "$work/apt.log" >&2; fail "could not install ${missing[*]}"; }
fi
if [ ! -f /etc/containers/containers.conf ]; then
  mkdir -p /etc/containers
  cat > /etc/containers/containers.conf <<'CONF'
# runc rather than crun, which refuses hybrid cgroup hierarchies; cgroupfs where systemd does not manage cgroups;
# no default ulimits, which an unprivileged container runtime may not be allowed to raise.
[containers]
default_ulimits = []

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
CONF
fi

remove_containers

# 2. The base image; then podman must run a container in it (without user namespaces or usable cgroups it cannot).
base=docker.io/library/debian:bookworm-slim
if ! podman image exists "$base"; then
  mirror=$(apt-get indextargets --format '$(REPO_URI) $(RELEASE)' 2>/dev/null \
             | awk '$2 ~ /^[a-z]+$/ && $1 !~ /security/ { print $1; exit }')
  mirror=${mirror:-http://deb.debian.org/debian/}
  step "making $base with debootstrap from $mirror"
  rootfs="$work/rootfs"
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror" > "$work/debootstrap.log" 2>&1 \
    || { tail -n 20 "$work/debootstrap.log" >&2; fail "debootstrap failed"; }
  # What the registry's slim image does too: no documentation, no package caches.
  printf '%s\n' 'path-exclude /usr/share/doc/*' 'path-include /usr/share/doc/*/copyright' \
    'path-exclude /usr/share/man/*' 'path-exclude /usr/share/locale/*' > "$rootfs/etc/dpkg/dpkg.cfg.d/slim"
  rm -rf "$rootfs"/var/cache/apt/* "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/man/* \
    "$rootfs"/usr/share/locale/*
  find "$rootfs/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  tar -C "$rootfs" -c . | podman import --change 'CMD ["bash"]' - "$base" > "$work/import.log" 2>&1 \
    || { cat "$work/import.log" >&2; fail "podman import failed"; }
  rm -rf "$rootfs"
fi
podman run --rm "$base" true > "$work/podman-run.log" 2>&1 \
  || { cat "$work/podman-run.log" >&2; fail "podman cannot run a container on this machine (see above; on hybrid
cgroups it needs runtime = \"runc\" and cgroup_manager = \"cgroupfs\" in /etc/containers/containers.conf)"; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
grpc_port=$(free_port)
http_port=$(free_port)

# The probe runs on the host JDK with the runtime image's jars (gRPC and the generated stubs).
"$JAVA_HOME/bin/javac" -d "$work/probe" -cp "$runtime/app/*" docker/EventProbe.java
probe() {
  local code=0
  "$JAVA_HOME/bin/java" -cp "$work/probe:$runtime/app/*" EventProbe "127.0.0.1:$grpc_port" "$@" \
    > "$work/probe.log" 2>&1 || code=$?
  grep -v -e '^WARNING:' -e '^$' "$work/probe.log" | sed 's/^/  /' >&2 || true
  return "$code"
}

# Waits until /health/ready answers 200 and prints how long that took, in ms, since $1 (date +%s%N).
wait_ready() {
  local since=$1 what=$2
  for _ in $(seq 1 1200); do
    if curl -sf "http://127.0.0.1:$http_port/health/ready" > /dev/null 2>&1; then
      echo $(( ($(date +%s%N) - since) / 1000000 ))
      return 0
    fi
    sleep 0.1
  done
  fail "$what did not answer /health/ready within 120 s"
}

# Every process of the container runs as orisun, not root.
check_user() {
  local users
  users=$(podman top "$1" user | tail -n +2 | sort -u | tr '\n' ' ')
  [ "$users" = "orisun " ] || fail "$1 runs processes as: $users(expected only orisun)"
  echo "  $1 runs as orisun: $(podman top "$1" user comm | tail -n +2 | awk '{print $2}' | sort | uniq -c | xargs)" >&2
}

# 3. The image.
image=localhost/orisun-j:check
step "building $image from $runtime"
build_started=$(date +%s)
podman build --format docker -f docker/Dockerfile --ignorefile docker/Dockerfile.dockerignore \
  --target host -t "$image" jlink/target > "$work/build.log" 2>&1 \
  || { tail -n 40 "$work/build.log" >&2; fail "the image did not build"; }
size=$(podman image inspect --format '{{.Size}}' "$image")
step "image built in $(( $(date +%s) - build_started )) s: $(( size / 1000000 )) MB"
[ "$(podman image inspect --format '{{.Config.User}}' "$image")" = orisun ] || fail "the image does not run as orisun"
podman image inspect --format '{{json .Config.Volumes}}' "$image" | grep -q '/var/lib/orisun/data' \
  || fail "the image declares no volume /var/lib/orisun/data"

run_node() {
  podman run -d --name orisun-check -p "127.0.0.1:$grpc_port:5005" -p "127.0.0.1:$http_port:8991" \
    -v orisun-check-data:/var/lib/orisun/data "$image" > /dev/null 2>> "$work/podman.log"
}
step "starting it on its embedded defaults"
since=$(date +%s%N)
run_node
first_ms=$(wait_ready "$since" "the container")
logs=$(podman logs orisun-check 2>&1)
step "ready $first_ms ms after podman run (first start, with initdb; the server: $(grep -o '[0-9]* ms after start-up began' \
  <<< "$logs"))"
grep -q 'AOT cache /opt/orisun/lib/orisun.aot (in use)' <<< "$logs" || fail "the AOT cache did not load"
podman healthcheck run orisun-check > /dev/null 2>&1 || fail "the image's health check fails on a ready server"
check_user orisun-check
probe save image-1
probe find image-1
probe follow image-2

podman stop -t 30 orisun-check > /dev/null 2>> "$work/podman.log"
code=$(podman inspect --format '{{.State.ExitCode}}' orisun-check)
[ "$code" = 0 ] || fail "the server exited with $code on SIGTERM, not 0"
since=$(date +%s%N)
podman start orisun-check > /dev/null 2>> "$work/podman.log"
restart_ms=$(wait_ready "$since" "the restarted container")
logs=$(podman logs orisun-check 2>&1)
step "restarted: ready $restart_ms ms after podman start (the server: $(grep -o '[0-9]* ms after start-up began' \
  <<< "$logs" | tail -n 1))"
check_user orisun-check
probe find image-1

podman rm -f -t 30 orisun-check > /dev/null 2>> "$work/podman.log"
since=$(date +%s%N)
run_node
replaced_ms=$(wait_ready "$since" "the new container")
step "a new container on the same volume: ready after $replaced_ms ms"
probe find image-1
podman rm -f -t 30 orisun-check > /dev/null 2>> "$work/podman.log"
podman volume rm orisun-check-data > /dev/null

# 4. Compose. PostgreSQL and NATS come from Debian's packages here, as no registry is at hand.
step "building the PostgreSQL and NATS images of docker/ci"
podman build --format docker -f docker/ci/postgres.Dockerfile -t localhost/orisun-ci-postgres:latest docker/ci \
  > "$work/build-postgres.log" 2>&1 || { tail -n 40 "$work/build-postgres.log" >&2; fail "postgres.Dockerfile"; }
podman build --format docker -f docker/ci/nats.Dockerfile -t localhost/orisun-ci-nats:latest docker/ci \
  > "$work/build-nats.log" 2>&1 || { tail -n 40 "$work/build-nats.log" >&2; fail "nats.Dockerfile"; }

export ORISUN_IMAGE=$image ORISUN_GRPC_PUBLISH=127.0.0.1:$grpc_port ORISUN_HTTP_PUBLISH=127.0.0.1:$http_port
export ORISUN_POSTGRES_IMAGE=localhost/orisun-ci-postgres:latest ORISUN_NATS_IMAGE=localhost/orisun-ci-nats:latest
export ORISUN_PG_PASSWORD=check-pg-password ORISUN_NATS_PASSWORD=check-nats-password
for project in "${projects[@]}"; do
  step "compose: $project"
  since=$(date +%s%N)
  compose "$project" up -d --no-build > "$work/$project.log" 2>&1 \
    || { cat "$work/$project.log" >&2; fail "podman-compose up failed for $project"; }
  ready_ms=$(wait_ready "$since" "$project")
  step "$project: ready after $ready_ms ms"
  node="${project}_orisun_1"
  if [ "$project" = orisun-check-external ]; then
    logs=$(podman logs "$node" 2>&1)
    grep -q 'PostgreSQL: external at postgres:5432/orisun' <<< "$logs" || fail "$node does not use the PostgreSQL container"
    grep -q 'NATS: external at nats://nats:4222' <<< "$logs" || fail "$node does not use the NATS container"
  fi
  check_user "$node"
  probe save "$project-1"
  probe follow "$project-2"
  since=$(date +%s%N)
  compose "$project" restart orisun >> "$work/$project.log" 2>&1 || fail "podman-compose restart failed"
  ready_ms=$(wait_ready "$since" "$project after the restart")
  step "$project: node restarted, ready after $ready_ms ms"
  probe find "$project-1"
  probe follow "$project-3"
  compose "$project" down -v >> "$work/$project.log" 2>&1 || fail "podman-compose down failed for $project"
done

step "passed in $(( $(date +%s) - started )) s: image $(( size / 1000000 )) MB; embedded defaults ready" \
  "$first_ms ms after podman run (first start), $restart_ms ms after podman start (restart)"
