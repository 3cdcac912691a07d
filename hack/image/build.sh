#!/usr/bin/env bash
# make image: builds the container image without a container daemon, as a docker-archive that is also an
# OCI image layout, and prints where it is with its digests and sizes:
#   dist/ecs-scheduler-image.tar    `docker load -i` it, or `skopeo copy docker-archive:...` to a registry
#   dist/ecs-scheduler-image.json   its summary: image ID, manifest digest, layers, gzipped size
# Stages the layers (hack/image/stage.sh: Debian packages, Node.js 22, production dependencies, the
# compiled controller), then assembles them (hack/image/assemble.ts). Reproducible: every file's time is
# SOURCE_DATE_EPOCH (default: the time of the last commit), owners are root, modes normalised, entries
# sorted; the inputs are pinned (debian-packages.lock, hack/versions.env, package-lock.json). The label
# org.opencontainers.image.revision is ECSS_IMAGE_REVISION, default `git rev-parse HEAD`; ECSS_IMAGE_TAG
# is the tag `docker load` gives it (default ecs-scheduler:<package.json version>).
#
#   hack/image/build.sh [--out FILE] [--no-sizes]   --no-sizes skips gzipping the layers to measure them
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="$repo/dist/ecs-scheduler-image.tar"
sizes=--sizes
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$(realpath -m "$2")"; shift 2 ;;
    --no-sizes) sizes=''; shift ;;
    *) echo "usage: $0 [--out FILE] [--no-sizes]" >&2; exit 2 ;;
  esac
done

log() { printf 'image: %s\n' "$*" >&2; }

epoch="${SOURCE_DATE_EPOCH:-$(git -C "$repo" log -1 --format=%ct 2>/dev/null || echo 0)}"
revision="${ECSS_IMAGE_REVISION:-$(git -C "$repo" rev-parse HEAD 2>/dev/null || true)}"
started=$SECONDS
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$here/stage.sh" "$work/stage"
mkdir -p "$(dirname "$out")"
summary="${out%.tar}.json"
node --import tsx "$here/assemble.ts" --stage "$work/stage" --out "$out" --epoch "$epoch" \
  ${revision:+--revision "$revision"} ${ECSS_IMAGE_TAG:+--tag "$ECSS_IMAGE_TAG"} $sizes >"$work/summary.json"
mv "$work/summary.json" "$summary"
log "built in $((SECONDS - started))s: $out ($(du -m "$out" | cut -f1) MB uncompressed)"
node -e '
  const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.error(`image: ${s.tag}  image ID ${s.imageId}  manifest ${s.manifestDigest}`);
  if (s.gzippedSize !== undefined) console.error(`image: ${(s.gzippedSize / 1e6).toFixed(1)} MB gzipped (${s.layers.map((l) => `${l.name} ${(l.gzippedSize / 1e6).toFixed(1)}`).join(", ")})`);
' "$summary"
