#!/usr/bin/env bash
# The main job on built-in demo data (Debian packages): installs what is missing, builds, runs.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${RAWGAN_BUILD_DIR:-$root/build}

"$root/tools/setup.sh"
"$root/tools/build.sh" --target rawgan
"$build/tools/rawgan" info /usr/share/asterisk/sounds/en_US_f_Allison/hello-world.wav \
  /usr/share/sounds/alsa/Noise.wav
