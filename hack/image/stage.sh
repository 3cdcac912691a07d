#!/usr/bin/env bash
# Stages the image's four layers as directory trees, each the files it adds at their paths in the image:
#   STAGE/base  the root filesystem from Debian packages (hack/image/debian-packages.lock): glibc,
#               libstdc++, libgcc_s, the CA bundle, os-release; /etc/passwd and /etc/group with the
#               image's user nonroot (65532); /tmp. No shell, no package manager, no coreutils.
#   STAGE/node  /usr/local/bin/node: the pinned Node.js 22 (hack/node-runtime.sh).
#   STAGE/deps  /app/node_modules: the production dependencies of package-lock.json (npm ci --omit=dev).
#   STAGE/app   /app: package.json, dist/ compiled from src/, bin/ecs-scheduler, and the command
#               /usr/local/bin/ecs-scheduler.
# Ordered from least to most often changed, so a registry keeps the big layers across releases.
# hack/image/assemble.ts turns these trees into the image (fixed owners, modes and times); the Dockerfile
# copies them with one COPY each. Needs node_modules (typescript) in the checkout: run after `npm ci`.
#
#   hack/image/stage.sh STAGE    STAGE must not exist yet
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
stage="${1:?usage: hack/image/stage.sh STAGE}"
[ ! -e "$stage" ] || { echo "image stage: $stage exists; give a new directory" >&2; exit 1; }

log() { printf 'image stage: %s\n' "$*" >&2; }

# Modes must not depend on the umask of whoever builds (npm and tar honour it); assemble.ts normalises too,
# but the Dockerfile copies modes as they are.
umask 022

# The files of each package the image keeps; everything else in the .deb is left out (docs but the
# copyright, manual pages, lintian overrides, gdb helpers, gconv modules: Node converts text with ICU).
keep_from_deb() {
  local deb="$1" root="$2" tmp
  tmp="$(mktemp -d)"
  dpkg-deb -x "$deb" "$tmp"
  local name
  name="$(dpkg-deb -f "$deb" Package)"
  # Licences stay with what they cover (libgcc-s1's and libstdc++6's doc directories link to gcc-12-base's).
  mkdir -p "$root/usr/share/doc"
  if [ -L "$tmp/usr/share/doc/$name" ]; then
    cp -a "$tmp/usr/share/doc/$name" "$root/usr/share/doc/"
  else
    mkdir -p "$root/usr/share/doc/$name"
    cp "$tmp/usr/share/doc/$name/copyright" "$root/usr/share/doc/$name/"
  fi
  case "$name" in
    base-files) (cd "$tmp" && cp -a --parents etc/os-release usr/lib/os-release etc/debian_version "$root/") ;;
    ca-certificates)
      # What update-ca-certificates builds at install time: every certificate, in order, one bundle.
      mkdir -p "$root/etc/ssl/certs"
      find "$tmp/usr/share/ca-certificates" -name '*.crt' -print0 | LC_ALL=C sort -z |
        xargs -0 sed -e '$a\' >"$root/etc/ssl/certs/ca-certificates.crt"
      ;;
    *)
      rm -rf "$tmp/usr/share" "$tmp/usr/lib/x86_64-linux-gnu/gconv"
      cp -a "$tmp/." "$root/"
      ;;
  esac
  # Scanners (Trivy, Grype) read installed Debian packages from here in images without dpkg, as in
  # distroless images.
  mkdir -p "$root/var/lib/dpkg/status.d"
  dpkg-deb -f "$deb" >"$root/var/lib/dpkg/status.d/$name"
  rm -rf "$tmp"
}

stage_base() {
  local root="$stage/base" debs name version sha deb
  debs="$("$here/debs.sh")"
  mkdir -p "$root"
  while read -r name version sha; do
    deb="$(compgen -G "$debs/${name}_${version//:/%3a}_*.deb")"
    keep_from_deb "$deb" "$root"
  done < <(grep -v '^#' "$here/debian-packages.lock" | grep -v '^[[:space:]]*$')
  # Who the processes are: numeric 65532 (the distroless convention), named so tools can show a name.
  cat >"$root/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/sbin/nologin
nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin
PASSWD
  cat >"$root/etc/group" <<'GROUP'
root:x:0:
nonroot:x:65532:
GROUP
  # glibc's default without this file asks DNS before /etc/hosts.
  cat >"$root/etc/nsswitch.conf" <<'NSS'
passwd: files
group: files
hosts: files dns
NSS
  mkdir -p "$root/tmp" "$root/home/nonroot" "$root/root"
  # Owned by root: with a writable root filesystem the user still writes only to /tmp.
  chmod 1777 "$root/tmp"
  chmod 0700 "$root/root"
}

stage_node() {
  local runtime
  runtime="$("$repo/hack/node-runtime.sh")"
  mkdir -p "$stage/node/usr/local/bin" "$stage/node/usr/local/share/doc/node"
  cp "$runtime/bin/node" "$stage/node/usr/local/bin/node"
  cp "$runtime/LICENSE" "$stage/node/usr/local/share/doc/node/LICENSE"
}

stage_deps() {
  local tmp
  tmp="$(mktemp -d)"
  cp "$repo/package.json" "$repo/package-lock.json" "$tmp/"
  # No install scripts: no production dependency has one, and none should run while building an image.
  (cd "$tmp" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
  mkdir -p "$stage/deps/app"
  mv "$tmp/node_modules" "$stage/deps/app/node_modules"
  rm -rf "$tmp"
}

stage_app() {
  local app="$stage/app/app"
  mkdir -p "$app/bin" "$stage/app/usr/local/bin"
  cp "$repo/package.json" "$app/"
  # No source maps: they would name the path of this build's directory (and src/ is not in the image).
  (cd "$repo" && npx tsc -p tsconfig.build.json --outDir "$app/dist" --sourceMap false)
  # The image has no /usr/bin/env: the command names its interpreter.
  sed '1s|^#!/usr/bin/env node$|#!/usr/local/bin/node|' "$repo/bin/ecs-scheduler" >"$app/bin/ecs-scheduler"
  head -1 "$app/bin/ecs-scheduler" | grep -qx '#!/usr/local/bin/node' || { log "bin/ecs-scheduler: unexpected first line"; exit 1; }
  chmod 0755 "$app/bin/ecs-scheduler"
  ln -s /app/bin/ecs-scheduler "$stage/app/usr/local/bin/ecs-scheduler"
}

started=$SECONDS
mkdir -p "$stage"
stage_base
stage_node
stage_deps
stage_app
log "staged in $((SECONDS - started))s: $(du -sh "$stage" | cut -f1) in $stage"
