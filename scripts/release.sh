#!/usr/bin/env bash
# Builds an Orisun-J release into dist/:
#   orisun-<version>-linux-x64.tar.gz     the runtime image (bin/orisun, JDK modules, jars, release notes)
#   orisun-client-<version>.jar           the Java client, when the project has modules/client
#   orisun-<version>-release-notes.md     from release-notes/<version>.md, else the commits since the last tag
#   SHA256SUMS
# The version, git commit and build time are baked into the server (bin/orisun --version, GetServerInfo).
#
#   scripts/release.sh [--reuse-image] [--verify] [version]
#
# version        defaults to the project's version from pom.xml
# --reuse-image  package jlink/target/orisun as it is when it already reports this version and commit (as after
#                ./test.sh), instead of building again
# --verify       unpack the archive in a scratch directory, check --version and --help, train its AOT cache and
#                check that it loads, start it on embedded defaults and wait for /health/ready
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/jdk.sh

reuse=false
verify=false
version=""
for argument in "$@"; do
  case "$argument" in
    --reuse-image) reuse=true ;;
    --verify) verify=true ;;
    -*) echo "unknown option $argument" >&2; exit 2 ;;
    *) version=$argument ;;
  esac
done
if [ -z "$version" ]; then
  # The first <version> after the parent's own artifactId is the project's.
  version=$(sed -n '/<artifactId>orisun-j<\/artifactId>/,/<\/version>/s:.*<version>\(.*\)</version>.*:\1:p' pom.xml | head -n 1)
fi
if ! [[ "$version" =~ ^[0-9A-Za-z][0-9A-Za-z.+-]*$ ]]; then
  echo "'$version' is not a version (letters, digits, '.', '+' and '-')" >&2
  exit 2
fi
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then
  commit="$commit-dirty"
fi

image=jlink/target/orisun
expected="orisun-j $version (commit $commit,"
if [ "$reuse" = true ] && [ -x "$image/bin/orisun" ] && "$image/bin/orisun" --version | grep -qF "$expected"; then
  echo "reusing $image: $("$image/bin/orisun" --version)" >&2
else
  echo "building Orisun-J $version at commit $commit" >&2
  . scripts/nats.sh
  orisun_ensure_nats
  mvn -B -q install -DskipTests -Dorisun.version="$version" -Dorisun.git.commit="$commit" >&2
fi
"$image/bin/orisun" --version | grep -qF "$expected" \
  || { echo "the image reports '$("$image/bin/orisun" --version)', not $expected..." >&2; exit 1; }

dist=dist
name="orisun-$version"
rm -rf "$dist" && mkdir -p "$dist"
staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT

notes="$dist/$name-release-notes.md"
last_tag=$(git describe --tags --abbrev=0 2>/dev/null || true)
{
  echo "# Orisun-J $version"
  echo
  echo "Commit $commit, built $("$image/bin/orisun" --version | sed -n 's/.*built \(.*\))$/\1/p')."
  echo
  if [ -f "release-notes/$version.md" ]; then
    cat "release-notes/$version.md"
  else
    if [ -n "$last_tag" ]; then
      echo "## Changes since $last_tag"
      range="$last_tag..HEAD"
    else
      echo "## Changes"
      range=HEAD
    fi
    echo
    git log --no-merges --format='- %s (%h)' "$range" 2>/dev/null || echo "- (no git history)"
  fi
} > "$notes"

cp -a "$image" "$staging/$name"
# An AOT cache only loads from the path it was trained at, so the archive ships none: bin/orisun-aot-train builds
# it where the image is unpacked.
rm -f "$staging/$name/lib/orisun.aot"
cp "$notes" "$staging/$name/RELEASE-NOTES.md"
tar -C "$staging" -czf "$dist/$name-linux-x64.tar.gz" "$name"

client_jar=$(ls modules/client/target/*.jar 2>/dev/null | grep -v -e '-sources\.jar$' -e '-javadoc\.jar$' \
  -e '-tests\.jar$' -e '/original-' | head -n 1 || true)
if [ -d modules/client ]; then
  if [ -z "$client_jar" ]; then
    echo "modules/client exists but has no built jar in modules/client/target" >&2
    exit 1
  fi
  cp "$client_jar" "$dist/orisun-client-$version.jar"
fi
(cd "$dist" && sha256sum -- * > SHA256SUMS)
echo "release $version:" >&2
ls -l "$dist" >&2

if [ "$verify" = true ]; then
  unpacked=$(mktemp -d)
  trap 'rm -rf "$staging" "$unpacked"' EXIT
  tar -C "$unpacked" -xzf "$dist/$name-linux-x64.tar.gz"
  "$unpacked/$name/bin/orisun" --version | grep -qF "$expected" || { echo "unpacked --version is wrong" >&2; exit 1; }
  "$unpacked/$name/bin/orisun" --help | grep -q '^| `ORISUN_PG_POOL_MODE` | `session` |' \
    || { echo "unpacked --help lacks the configuration table" >&2; exit 1; }
  "$unpacked/$name/bin/orisun-aot-train"
  # AOTMode=on makes the JVM refuse to start when the cache does not load.
  JAVA_OPTS=-XX:AOTMode=on "$unpacked/$name/bin/orisun" --version > /dev/null \
    || { echo "the AOT cache trained in the unpacked image does not load" >&2; exit 1; }
  bash jlink/verify-image.sh "$unpacked/$name"
fi
