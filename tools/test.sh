#!/usr/bin/env bash
# The test command: installs what is missing, builds in Release, runs every test through CTest
# (formatting check included). Extra arguments go to ctest, e.g. -L unit or -R audio.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${RAWGAN_BUILD_DIR:-$root/build}

"$root/tools/setup.sh"
"$root/tools/build.sh"
cd "$build"
ctest --output-on-failure -j "$(nproc)" "$@"
