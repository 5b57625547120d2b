#!/usr/bin/env bash
# The whole GPU check in one call on a lent GPU machine: says what the machine has, builds
# rawgan against the LibTorch inside its PyTorch (CUDA), runs the test suite there and
# `rawgan bench --device cuda`. Logs and bench JSON go to $OUT (or /tmp/gpu-check).
#
# Here, first:   tools/device-debs.sh          (the -dev packages, into .device-debs/)
# There:         bash tools/gpu-check.sh       (carry ".device-debs")
#
# Steps that fail are reported and the script goes on where it can; it exits non-zero when
# the build or a test failed.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${OUT:-/tmp/gpu-check}
deps=/tmp/rawgan-deps
build=$root/build-cuda
jobs=$(nproc)
mkdir -p "$out"
status=0

section() { echo "== $* ($(date +%T))"; }

section "machine"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || status=1
for tool in g++ cmake pkg-config nvcc ccache; do
  printf '%-10s %s\n' "$tool" "$(command -v "$tool" >/dev/null && "$tool" --version | head -1 || echo missing)"
done
ldd --version | head -1
python3 - <<'PY' || { echo "no PyTorch in python3"; exit 1; }
import torch
print("torch", torch.__version__, "cuda", torch.version.cuda, "cudnn",
      torch.backends.cudnn.version(), "cxx11 abi", torch._C._GLIBCXX_USE_CXX11_ABI)
PY
torch_cmake=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
torch_lib=$(python3 -c 'import torch, os; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')

section "unpacking .device-debs into $deps"
rm -rf "$deps" && mkdir -p "$deps"
for deb in "$root"/.device-debs/*.deb; do dpkg -x "$deb" "$deps" || status=1; done
multiarch=$deps/usr/lib/x86_64-linux-gnu
export LD_LIBRARY_PATH=$multiarch:$torch_lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
# The unpacked .pc files say prefix=/usr: the sysroot puts their paths under $deps.
export PKG_CONFIG_LIBDIR=$multiarch/pkgconfig:$deps/usr/share/pkgconfig
export PKG_CONFIG_SYSROOT_DIR=$deps
pkg_config=$(command -v pkg-config || echo "$deps/usr/bin/pkgconf")

section "configure"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$torch_cmake;$deps/usr" -DPKG_CONFIG_EXECUTABLE="$pkg_config" \
  -DRAWGAN_GTEST_SOURCE_DIR="$deps/usr/src/googletest" -DRAWGAN_WITH_PORTAUDIO=OFF \
  >"$out/configure.log" 2>&1
configured=$?
grep -A25 'rawgan .* configuration' "$out/configure.log"
if ((configured != 0)); then
  tail -30 "$out/configure.log"
  exit 1
fi

section "build ($jobs jobs)"
if ! cmake --build "$build" -j "$jobs" >"$out/build.log" 2>&1; then
  grep -E 'error|Error' "$out/build.log" | head -30
  exit 1
fi
tail -1 "$out/build.log"
"$build/tools/rawgan" --version

section "tests"
# The formatting check needs clang-format, which this machine need not have.
(cd "$build" && ctest -j 8 --timeout 600 -E format_check --output-on-failure >"$out/ctest.log" 2>&1) ||
  status=1
grep -E 'tests passed|tests failed|\(Failed\)|\(Timeout\)|Skipped' "$out/ctest.log" | head -40

section "bench"
bench=("$build/tools/rawgan" bench --device cuda --steps 20 --audio-s 600)
"${bench[@]}" --preset segan-small --preset segan --batch-size 64 --json "$out/bench-b64.json" ||
  status=1
"${bench[@]}" --preset segan --batch-size 400 --json "$out/bench-b400-fp32.json" || status=1
"${bench[@]}" --preset segan --batch-size 400 --precision bf16 --json "$out/bench-b400-bf16.json" ||
  status=1
"${bench[@]}" --preset wavegan --preset specgan --batch-size 64 --json "$out/bench-gen.json" ||
  status=1

section "done, status $status"
exit $status
