#!/usr/bin/env bash
# Builds hack/kstatus (kstatus, the library Flux's health checks use, as a command) into the cache and
# prints the binary's path. Keyed by the hash of its sources, so an unchanged checkout builds it once; a
# cold build takes about 2 minutes on 2 cores (its modules come through the Go module proxy).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache="$("$here/cache-dir.sh")"
key="$(cat "$here/kstatus/go.mod" "$here/kstatus/go.sum" "$here/kstatus/main.go" | sha256sum | cut -c1-12)"
bin="$cache/bin/kstatus-$key/kstatus"
if [ ! -x "$bin" ]; then
  printf 'kstatus-build: building %s\n' "$bin" >&2
  mkdir -p "$(dirname "$bin")"
  # Static, no toolchain download (only the module proxy is reachable), the sums in go.sum enforced.
  (cd "$here/kstatus" && CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-mod=readonly go build -o "$bin.tmp" .)
  mv "$bin.tmp" "$bin"
fi
echo "$bin"
