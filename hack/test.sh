#!/usr/bin/env bash
# Runs every test. Builds the control plane (kube-apiserver, etcd, kubectl: minutes the first time, instant
# after) and installs the Python virtualenv (APScheduler for the differential test, moto for the
# integration tests) first, so a fresh machine needs nothing but `make test`.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/.."
"$here/control-plane-build.sh"
ECSS_VENV="$("$here/python-venv.sh")"
# The SDK warns on every client that Node 20 support ends in 2027; the note is in the README, not every test.
export ECSS_VENV TZ=UTC AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
# With no arguments, every test file; otherwise the files given.
if [ $# -eq 0 ]; then set -- 'test/**/*.test.ts'; fi
exec npx mocha "$@"
