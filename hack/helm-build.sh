#!/usr/bin/env bash
# Builds Helm (HELM_VERSION in hack/versions.env) from its Go module through the module proxy into the
# cache and prints the binary's path: $(hack/cache-dir.sh)/bin/helm-<version>/helm. A binary already there
# is not rebuilt, so a second run returns at once. A cold build took 5.6 minutes on 2 cores busy with other
# work (2.5 minutes of CPU), sharing Go's module and build caches with hack/control-plane-build.sh.
# Progress goes to stderr.
#
# `go install pkg@version` works here, unlike for kube-apiserver: helm.sh/helm/v3's go.mod has no replace
# directives, so the module's own go.sum pins every dependency.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"
cache="$("$here/cache-dir.sh")"
dir="$cache/bin/helm-$HELM_VERSION"
bin="$dir/helm"

log() { printf 'helm-build: %s\n' "$*" >&2; }

build() {
  command -v go >/dev/null || { log "Go >= 1.25 is required (https://go.dev/doc/install)"; exit 1; }
  local started=$SECONDS staging="$dir/.staging"
  log "building Helm $HELM_VERSION with $(go version | cut -d' ' -f3); a cold build takes a few minutes"
  rm -rf "$staging"
  mkdir -p "$staging"
  # Static, no toolchain download (only the module proxy is reachable). The ldflags set what
  # `helm version` reports, as upstream's Makefile does.
  CGO_ENABLED=0 GOTOOLCHAIN=local GOBIN="$staging" go install -trimpath \
    -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION -X helm.sh/helm/v3/internal/version.gitTreeState=clean" \
    "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
  # Rename last so an interrupted build never leaves a binary that looks complete.
  mv "$staging/helm" "$bin"
  rm -rf "$staging"
  log "built in $((SECONDS - started))s -> $bin"
}

if [ ! -x "$bin" ]; then
  mkdir -p "$dir"
  # One build at a time: two test runs started together must not both compile it.
  exec 9>"$dir/.build.lock"
  flock 9
  [ -x "$bin" ] || build
fi
echo "$bin"
