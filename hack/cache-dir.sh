#!/usr/bin/env bash
# Prints the cache directory shared by the hack/ scripts: outside the checkout, so a fresh clone reuses
# what an earlier run built. Override with ECSS_CACHE_DIR.
set -euo pipefail
dir="${ECSS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ecs-scheduler}"
mkdir -p "$dir"
echo "$dir"
