#!/usr/bin/env bash
# Installs what rawgan needs to build, test and run its demo on Debian 12 (as root).
# Runs apt-get only when something is missing, so repeated runs are fast.
set -euo pipefail

packages=(
  build-essential cmake ccache pkg-config clang-format
  libtorch-dev libopenblas0-pthread libgloo-dev
  libsndfile1-dev libsoxr-dev libfftw3-dev libpng-dev libzip-dev nlohmann-json3-dev
  libcli11-dev libgtest-dev libgmock-dev libgoogle-perftools-dev
  portaudio19-dev alsa-utils libasound2-plugins
  asterisk-core-sounds-en-wav sonic-pi-samples
)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$package")
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  if [[ $(id -u) -ne 0 ]]; then
    echo "setup: run as root (or with sudo) to install packages" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
