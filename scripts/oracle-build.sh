#!/usr/bin/env bash
# Builds the Kuma conformance oracles (tools/kuma-oracle/<version>/), one Go program per supported
# Kuma version, linked against Kuma's own source from the packs in ../shared/kuma-go beside the clone
# (or $KUMA_GO_PACKS).
# Everything it writes lives outside the clone, under $KUMA_ORACLE_CACHE (default ~/.cache/kuma-oracle):
#   src/<v>/     the extracted pack            build/<v>/  the module with its per-machine replace
#   bin/<v>/kuma-oracle  the program           mod/, go-build/  Go's module and build caches
# A second run with unchanged inputs does nothing (stamp files keyed by a hash of the inputs).
# Usage: scripts/oracle-build.sh [VERSION...]   (default: every tools/kuma-oracle/<v>/)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PACKS=${KUMA_GO_PACKS:-$ROOT/../shared/kuma-go}
CACHE=${KUMA_ORACLE_CACHE:-$HOME/.cache/kuma-oracle}
export GOMODCACHE=$CACHE/mod GOCACHE=$CACHE/go-build GOFLAGS=-mod=mod GOTOOLCHAIN=local
# Kuma's own modules are not on the proxy (they come from the packs). The checksum database is not
# reachable from every machine: go.sum is seeded with Kuma's own go.sum (so Kuma's dependencies are
# checked against the hashes Kuma recorded) and the database is not asked.
export GOSUMDB=${GOSUMDB_ORACLE:-off}
mkdir -p "$CACHE"

command -v go >/dev/null || { echo "oracle-build: go is not installed" >&2; exit 2; }
if [ $# -gt 0 ]; then versions=("$@"); else
  versions=()
  for d in tools/kuma-oracle/*/; do [ -f "$d/go.mod" ] && versions+=("$(basename "$d")"); done
fi

build_one() {
  local v=$1 pack=$PACKS/kuma-$v.tar.xz src=$CACHE/src/$v build=$CACHE/build/$v bin=$CACHE/bin/$v
  if [ ! -f "$pack" ]; then
    # No pack here (a clone without ../shared beside it): a program built before still serves.
    if [ -x "$bin/kuma-oracle" ]; then
      echo "oracle-build: $v: no pack $pack; using the program built before (set KUMA_GO_PACKS to rebuild)"
      return 0
    fi
    echo "oracle-build: no pack $pack: set KUMA_GO_PACKS to the folder holding kuma-<version>.tar.xz" >&2
    return 1
  fi
  local packsum srcsum
  packsum=$(sha256sum "$pack" | cut -c1-64)
  srcsum=$( (echo "$packsum"; cat "$ROOT/scripts/oracle-build.sh"; go version; cd "$ROOT/tools/kuma-oracle" && find common "$v" -type f \( -name '*.go' -o -name 'go.mod' -o -name 'go.sum' -o -name 'extra-replace' \) | sort | xargs cat) | sha256sum | cut -c1-64)
  if [ -f "$bin/stamp" ] && [ "$(cat "$bin/stamp")" = "$srcsum" ] && [ -x "$bin/kuma-oracle" ]; then
    echo "oracle-build: $v up to date"
    return 0
  fi
  local t0=$SECONDS
  if [ ! -f "$src/.stamp" ] || [ "$(cat "$src/.stamp")" != "$packsum" ]; then
    echo "oracle-build: $v: extracting $pack"
    rm -rf "$src" && mkdir -p "$src"
    tar -xJf "$pack" -C "$src"
    echo "$packsum" >"$src/.stamp"
  fi
  mkdir -p "$build" "$bin"
  find "$build" -maxdepth 1 -name '*.go' -delete
  cp "$ROOT/tools/kuma-oracle/$v/go.mod" "$build/go.mod"
  [ -f "$build/go.sum" ] || cp "$src/go.sum" "$build/go.sum"
  local modpath
  modpath=$(grep -Eo 'github\.com/kumahq/kuma(/v[0-9]+)?' "$build/go.mod" | head -1)
  # The code every version shares (common/, written against Kuma's v2 module path) with this
  # version's module path, then what differs per version (<v>/*.go).
  local f
  for f in "$ROOT/tools/kuma-oracle/common/"*.go; do
    sed "s#\"github.com/kumahq/kuma/v2/#\"$modpath/#" "$f" >"$build/$(basename "$f")"
  done
  cp "$ROOT/tools/kuma-oracle/$v/"*.go "$build/"
  {
    echo
    echo "// written by scripts/oracle-build.sh: this machine's copy of Kuma's source"
    echo "replace $modpath => $src"
    [ -f "$ROOT/tools/kuma-oracle/$v/extra-replace" ] && grep -v '^#' "$ROOT/tools/kuma-oracle/$v/extra-replace" | sed '/^$/d; s/^/replace /'
  } >>"$build/go.mod"
  (
    cd "$build"
    # -e: some test-only dependencies of Kuma's packages are not served by the proxy
    go mod tidy -e >tidy.log 2>&1 || { cat tidy.log >&2; exit 1; }
    go build -trimpath -o "$bin/kuma-oracle.new" . 2>build.log || { cat build.log >&2; exit 1; }
  )
  mv "$bin/kuma-oracle.new" "$bin/kuma-oracle"
  echo "$srcsum" >"$bin/stamp"
  echo "oracle-build: $v built in $((SECONDS - t0))s"
}

pids=()
for v in "${versions[@]}"; do
  build_one "$v" >"$CACHE/build-$v.log" 2>&1 &
  pids+=($!)
done
fail=0
for i in "${!versions[@]}"; do
  if ! wait "${pids[$i]}"; then fail=1; echo "oracle-build: ${versions[$i]} FAILED:" >&2; fi
  cat "$CACHE/build-${versions[$i]}.log"
done
exit $fail
