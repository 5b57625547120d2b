#!/usr/bin/env bash
# Configures and builds rawgan in Release under build/ (or $RAWGAN_BUILD_DIR), through ccache.
# Extra arguments are passed to cmake --build (e.g. --target rawgan).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${RAWGAN_BUILD_DIR:-$root/build}

# ccache must ignore what precompiled headers change in a compile's inputs to get hits.
export CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
export CCACHE_BASEDIR=$root

cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release ${RAWGAN_CMAKE_ARGS:-} >/dev/null
cmake --build "$build" -j "$(nproc)" "$@"
