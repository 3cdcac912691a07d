#!/usr/bin/env bash
# Ensures the Debian packages pinned in hack/image/debian-packages.lock are in the cache, checked against
# their pinned sha256, and prints the directory holding them:
#   $(hack/cache-dir.sh)/debs/<name>_<version>_<arch>.deb
# They come from the machine's configured apt mirrors with `apt-get download` (no root needed, nothing is
# installed). When the package lists are missing (a fresh container) or do not know a pinned version, it
# runs `apt-get update` once, quietly, and tries again; that needs root.
#
#   hack/image/debs.sh            download what is missing, print the directory
#   hack/image/debs.sh --update   pin the versions the mirrors offer now (rewrites the lock file)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
lock="$here/debian-packages.lock"
cache="$("$here/../cache-dir.sh")/debs"

log() { printf 'image debs: %s\n' "$*" >&2; }

# apt-get download as root otherwise warns that its sandbox user _apt cannot write to our directory.
apt_download() {
  (cd "$1" && shift && apt-get download -qq -o APT::Sandbox::User=root "$@" >/dev/null)
}

# Runs `apt-get update` once per run, quietly; it is what a fresh Debian container needs first.
updated=false
apt_update() {
  $updated && return 1
  updated=true
  if [ "$(id -u)" -ne 0 ]; then
    log "the package lists lack a pinned version and apt-get update needs root; run: sudo apt-get update"
    return 1
  fi
  log "apt-get update ($1)"
  apt-get update -qq >/dev/null
}

cached_deb() {
  local name="$1" version="$2" found
  found="$(compgen -G "$cache/${name}_${version//:/%3a}_*.deb" || true)"
  echo "${found%%$'\n'*}"
}

# The download directory of this run (global: the EXIT trap needs it after the function returned).
tmp=''
trap '[ -z "$tmp" ] || rm -rf "$tmp"' EXIT

lock_entries() { grep -v '^#' "$lock" | grep -v '^[[:space:]]*$'; }

ensure() {
  mkdir -p "$cache"
  local missing=() name version sha
  while read -r name version sha; do
    [ -n "$(cached_deb "$name" "$version")" ] || missing+=("$name=$version")
  done < <(lock_entries)
  if [ ${#missing[@]} -gt 0 ]; then
    log "downloading ${missing[*]}"
    tmp="$(mktemp -d "$cache/.download-XXXXXX")"
    if ! apt_download "$tmp" "${missing[@]}" 2>"$tmp/errors"; then
      apt_update "the package lists do not know a pinned version" || { cat "$tmp/errors" >&2; exit 1; }
      apt_download "$tmp" "${missing[@]}" || {
        log "a pinned version is not on the configured mirrors any more: run hack/image/debs.sh --update"
        exit 1
      }
    fi
    mv "$tmp"/*.deb "$cache/"
  fi
  # Every run checks every file (4 MB in all): a download and a cache entry alike must be what the lock pins.
  local file
  while read -r name version sha; do
    file="$(cached_deb "$name" "$version")"
    if [ "$(sha256sum "$file" | cut -d' ' -f1)" != "$sha" ]; then
      log "sha256 mismatch for $(basename "$file") (removed from the cache): the lock pins $sha"
      rm -f "$file"
      exit 1
    fi
  done < <(lock_entries)
  echo "$cache"
}

update() {
  local names name version file
  mapfile -t names < <(lock_entries | awk '{ print $1 }')
  apt_update "to see the versions the mirrors offer now" || true
  tmp="$(mktemp -d)"
  apt_download "$tmp" "${names[@]}"
  { grep '^#' "$lock"
    for name in "${names[@]}"; do
      file="$(compgen -G "$tmp/${name}_*.deb")"
      version="$(dpkg-deb -f "$file" Version)"
      echo "$name $version $(sha256sum "$file" | cut -d' ' -f1)"
    done
  } >"$lock.new"
  mv "$lock.new" "$lock"
  log "pinned: $(lock_entries | awk '{ printf "%s %s; ", $1, $2 }')"
}

case "${1:-}" in
  --update) update ;;
  '') ensure ;;
  *) log "usage: $0 [--update]"; exit 2 ;;
esac
