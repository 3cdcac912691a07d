#!/usr/bin/env bash
# Runs every test. Builds the control plane (kube-apiserver, etcd, kubectl: minutes the first time, instant
# after) and installs the Python virtualenv (APScheduler for the differential test, moto for the
# integration tests) and Node.js 22 first, so a fresh machine needs nothing but `make test`.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/.."
"$here/control-plane-build.sh"
ECSS_VENV="$("$here/python-venv.sh")"
# The SDK warns on every client that Node 20 support ends in 2027; the note is in the README, not every test.
export ECSS_VENV TZ=UTC AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
# With arguments, the files given, under the machine's Node.
if [ $# -gt 0 ]; then exec npx mocha "$@"; fi
# Without: every test file under the machine's Node (20), then the unit tests (make test-unit's set) under
# the image's Node 22 (hack/node-runtime.sh, from the npm registry into the cache); the image test
# (test/integration/image.test.ts) runs the controller under that Node 22 too.
node22="$("$here/node-runtime.sh")/bin/node"
status=0
npx mocha 'test/**/*.test.ts' || status=$?
echo "unit tests under Node $("$node22" --version), the image's runtime:"
"$node22" node_modules/mocha/bin/mocha.js 'test/**/*.test.ts' --exclude 'test/integration/**' \
  --exclude test/schedule/apscheduler-differential.test.ts || status=$?
exit "$status"
