#!/usr/bin/env bash
# make dev: the local stack in the foreground (hack/stack/dev.ts). Builds what is missing first, with
# progress: the control plane binaries (about 5 minutes the first time) and the Python virtualenv.
# Ports: moto 127.0.0.1:5001 (ECSS_MOTO_PORT), the shim 127.0.0.1:5000 (ECSS_SHIM_PORT; ECSS_PORT, the old
# name, still works), the controller's health server 127.0.0.1:8081 (ECSS_HEALTH_ADDRESS); all three are
# checked free before anything starts. The apiserver and etcd take free ports. Ctrl-C stops everything.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/.."
"$here/control-plane-build.sh"
ECSS_VENV="$("$here/python-venv.sh")"
export ECSS_VENV
# The AWS SDK's notice that it will need Node 22 from 2027 is not news to someone starting the stack.
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
# node itself, not npx: one process to signal.
exec node --import tsx hack/stack/dev.ts "$@"
