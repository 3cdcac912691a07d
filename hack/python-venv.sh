#!/usr/bin/env bash
# Ensures the Python virtualenv of hack/requirements.txt exists in the cache and prints its path.
# Keyed by the requirements' hash: changing a pin builds a new one; an unchanged file reuses it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache="$("$here/cache-dir.sh")"
key="$(sha256sum "$here/requirements.txt" | cut -c1-12)"
venv="$cache/venv-$key"
if [ ! -x "$venv/bin/moto_server" ] || [ ! -f "$venv/.complete" ]; then
  echo "python-venv: creating $venv (moto, APScheduler); takes about a minute" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt" >&2
  touch "$venv/.complete"
fi
echo "$venv"
