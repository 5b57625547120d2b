#!/usr/bin/env bash
# Configures and builds rawgan in Release under build/ (or $RAWGAN_BUILD_DIR), through ccache.
# Extra arguments are passed to cmake --build (e.g. --target rawgan).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${RAWGAN_BUILD_DIR:-$root/build}

cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release ${RAWGAN_CMAKE_ARGS:-} >/dev/null
cmake --build "$build" -j "$(nproc)" "$@"
