# Sourced by the project's scripts: makes sure a nats-server binary is available, because the embedded default
# and the tests run one as a child process. Installs Debian's package when it is missing and we may; otherwise
# stops with the one command to run.

orisun_ensure_nats() {
  if [ -n "${ORISUN_NATS_SERVER_PATH:-}" ] && [ -x "$ORISUN_NATS_SERVER_PATH" ]; then
    return 0
  fi
  if command -v nats-server >/dev/null 2>&1; then
    return 0
  fi
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "nats-server is missing: installing Debian's nats-server package" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nats-server) >&2 || {
      echo "Installing nats-server failed. Install it yourself (apt-get install -y nats-server) or set ORISUN_NATS_URL." >&2
      exit 1
    }
    return 0
  fi
  echo "nats-server is not installed. Run: sudo apt-get install -y nats-server" >&2
  echo "(or point ORISUN_NATS_SERVER_PATH at a nats-server binary, or ORISUN_NATS_URL at an external NATS)" >&2
  exit 1
}
