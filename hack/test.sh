#!/usr/bin/env bash
# Runs every test. Installs the Python virtualenv (APScheduler for the differential test, moto for the
# integration tests) first, so a fresh machine needs nothing but `make test`.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/.."
ECSS_VENV="$("$here/python-venv.sh")"
export ECSS_VENV TZ=UTC
exec npx mocha "$@"
