#!/usr/bin/env bash
# Ensures Debian's Chromium is installed and prints its path, for the browser test of the shim
# (test/integration/shim-browser.test.ts). Installs the `chromium` package with apt-get only when missing,
# and runs `apt-get update` only when the install fails without it (a fresh machine's lists may be stale).
# A cold install takes about 30 s (chromium and 24 libraries, some 110 MB to download, 350 MB installed).
# Needs root and Debian's mirrors; says so on stderr and exits non-zero otherwise.
set -euo pipefail
bin=/usr/bin/chromium
if [ ! -x "$bin" ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "browser: $bin is missing and installing Debian's chromium needs root (apt-get install chromium)" >&2
    exit 1
  fi
  if ! command -v apt-get >/dev/null; then
    echo "browser: $bin is missing and there is no apt-get to install Debian's chromium" >&2
    exit 1
  fi
  echo "browser: installing Debian's chromium with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  install() { apt-get install -y -qq --no-install-recommends chromium >/dev/null; }
  if ! install 2>/dev/null; then
    echo "browser: apt-get install failed; updating the package lists and trying again" >&2
    apt-get update -qq >&2 || { echo "browser: apt-get update failed (no network?)" >&2; exit 1; }
    install || { echo "browser: apt-get install chromium failed" >&2; exit 1; }
  fi
  [ -x "$bin" ] || { echo "browser: chromium installed but $bin is missing" >&2; exit 1; }
fi
echo "$bin"
