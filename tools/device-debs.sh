#!/usr/bin/env bash
# Downloads, here, the Debian packages that tools/gpu-check.sh unpacks on a lent GPU machine,
# which has PyTorch (and so LibTorch with CUDA) but no internet and maybe none of rawgan's -dev
# packages. They go to .device-debs/ (ignored by git; name it in the run's carry list).
# Packages are only unpacked there (dpkg -x), never installed: dependencies are listed by hand.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dest=$root/.device-debs

packages=(
  # headers, pkg-config files and libraries rawgan links
  libsndfile1-dev libsndfile1 libflac-dev libflac12 libogg-dev libogg0 libvorbis-dev
  libvorbis0a libvorbisenc2 libvorbisfile3 libopus-dev libopus0 libmpg123-dev libmpg123-0
  libmp3lame0
  libsoxr-dev libsoxr0 libsoxr-lsr0 libgomp1
  libfftw3-dev libfftw3-single3 libfftw3-double3
  libpng-dev libpng16-16 zlib1g-dev zlib1g
  libzip-dev libzip4 libbz2-1.0
  nlohmann-json3-dev libcli11-dev
  libgoogle-perftools-dev libtcmalloc-minimal4
  # GoogleTest sources, built with LibTorch's C++ ABI flag
  googletest
  # pkg-config itself, in case the machine lacks it
  pkgconf pkgconf-bin libpkgconf3
)

if [[ $(id -u) -eq 0 ]]; then apt-get update -qq; fi
rm -rf "$dest"
mkdir -p "$dest"
(cd "$dest" && apt-get download "${packages[@]}")
du -sh "$dest"
