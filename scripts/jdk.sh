# Sourced by the project's scripts: exports JAVA_HOME as a JDK 21 or newer, searching JAVA_HOME, the usual
# install locations and the java on the PATH, in that order. Stops with a clear message when none is found.

orisun_java_major() {
  # Prints the feature version of the java binary given as $1 (17, 21, 25, ...), or nothing.
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

orisun_find_jdk() {
  local candidate major
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/* /opt/java/* /usr/local/java/* \
                   "$(dirname "$(dirname "$(readlink -f "$(command -v java 2>/dev/null || echo /nonexistent)")")")"; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
    major=$(orisun_java_major "$candidate/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

if ! ORISUN_JDK=$(orisun_find_jdk); then
  echo "Orisun-J needs a JDK 21 or newer, and none was found (looked at JAVA_HOME, /usr/lib/jvm/*, and java on the PATH)." >&2
  echo "Install one (for example: apt-get install -y openjdk-21-jdk-headless, or a Temurin 21/25 JDK) or set JAVA_HOME." >&2
  exit 1
fi
export JAVA_HOME="$ORISUN_JDK"
export PATH="$JAVA_HOME/bin:$PATH"
