#!/usr/bin/env bash
# Compiles every source that uses LibTorch, directly or through rawgan's own headers, against
# the headers of LibTorch 2.x, without a GPU or a 2.x library to link: Debian 13's
# libtorch-cuda-dev (LibTorch 2.6 built with CUDA) and
# libnccl-dev are downloaded from deb.debian.org and unpacked under $RAWGAN_TORCH2_DIR (default
# /tmp/rawgan-torch2), then each source is compiled with -fsyntax-only, their include path put
# in front of the installed 1.13 headers. Where a CUDA toolkit's headers are found
# ($CUDA_HOME/include, default /usr/local/cuda), the CUDA and NCCL code paths are compiled too.
# The 1.13 build stays the one that runs; this catches API changes between the two (autocast's
# setters, torch/linalg.h) before a CUDA user's build does. About 15 minutes on 2 cores.
#
#   tools/torch2-check.sh [substring ...]    only the sources whose path holds a substring
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${RAWGAN_TORCH2_DIR:-/tmp/rawgan-torch2}
cuda_include=${CUDA_HOME:-/usr/local/cuda}/include
mirror=http://deb.debian.org/debian
suite=trixie
mkdir -p "$work"

if [[ ! -f $work/root/usr/include/nccl.h ]]; then
  echo "torch2-check: downloading LibTorch's and NCCL's headers from Debian $suite" >&2
  curl -fsS "$mirror/dists/$suite/contrib/binary-amd64/Packages.xz" | xz -dc >"$work/Packages"
  for package in libtorch-cuda-dev libnccl-dev; do
    deb=$(awk -v name="$package" '$0 == "Package: " name {found = 1}
      found && /^Filename:/ {print $2; exit}' "$work/Packages")
    [[ -n $deb ]] || { echo "torch2-check: no $package in $suite" >&2; exit 1; }
    curl -fsS -o "$work/$package.deb" "$mirror/$deb"
    dpkg -x "$work/$package.deb" "$work/root"
  done
fi
version_h=$work/root/usr/include/torch/csrc/api/include/torch/version.h
echo "torch2-check: LibTorch headers $(awk '/define TORCH_VERSION_MAJOR/ {a = $3}
  /define TORCH_VERSION_MINOR/ {b = $3} END {print a "." b}' "$version_h")" >&2
defines=""
if [[ -f $cuda_include/cuda_runtime.h ]]; then
  defines="-DRAWGAN_WITH_CUDA -DRAWGAN_WITH_NCCL -DUSE_C10D_NCCL -isystem $cuda_include"
  echo "torch2-check: with the CUDA and NCCL code paths ($cuda_include)" >&2
else
  echo "torch2-check: no CUDA headers in $cuda_include: CPU code paths only" >&2
fi

# Compile commands of this checkout's configuration; the precompiled header is left out, since
# it was made from the 1.13 headers.
cmake -S "$root" -B "$work/build" -DCMAKE_EXPORT_COMPILE_COMMANDS=ON -DRAWGAN_USE_CCACHE=OFF \
  >"$work/configure.log"
RAWGAN_ROOT=$root python3 - "$work" "$defines" "$@" <<'PY'
import concurrent.futures, json, os, re, subprocess, sys

work, defines, only = sys.argv[1], sys.argv[2], sys.argv[3:]
include = f"{work}/root/usr/include"
uses_torch = re.compile(r"torch|ATen|c10")
own_include = re.compile(r'#include "([^"]+)"')

# rawgan's headers (include/ and the tests' support/) that reach LibTorch, directly or through
# one another: a source that only includes one of them (eval_gen.cpp through data/clips.h) is
# checked too.
headers = {}
for top in ("include", "tests"):
    base = os.path.join(os.environ["RAWGAN_ROOT"], top)
    for folder, _, names in os.walk(base):
        for name in names:
            if name.endswith(".h"):
                path = os.path.join(folder, name)
                text = open(path).read()
                headers[os.path.relpath(path, base)] = (bool(uses_torch.search(text)),
                                                        own_include.findall(text))
torch_headers = {h for h, (direct, _) in headers.items() if direct}
grown = True
while grown:
    more = {h for h, (_, incs) in headers.items() if set(incs) & torch_headers} - torch_headers
    torch_headers |= more
    grown = bool(more)

jobs = []
for entry in json.load(open(f"{work}/build/compile_commands.json")):
    path = entry["file"]
    if path.endswith(".cxx") or (only and not any(o in path for o in only)):
        continue
    text = open(path).read()
    if not uses_torch.search(text) and not set(own_include.findall(text)) & torch_headers:
        continue
    command = entry["command"].replace(
        "-isystem /usr/include/torch/csrc/api/include",
        f"{defines} -isystem {include} -isystem {include}/torch/csrc/api/include")
    command = re.sub(r"-Winvalid-pch -include \S+cmake_pch\.hxx", "", command)
    command = re.sub(r"-o \S+ -c (\S+)$", r"-fsyntax-only \1", command)
    jobs.append((path, command, entry["directory"]))

def check(job):
    path, command, directory = job
    done = subprocess.run(command, shell=True, cwd=directory, capture_output=True, text=True)
    return path, done.returncode, done.stderr

failed = 0
with concurrent.futures.ThreadPoolExecutor(os.cpu_count()) as pool:
    for path, code, errors in pool.map(check, jobs):
        print(("ok    " if code == 0 else "FAILED"), os.path.relpath(path), flush=True)
        if code:
            failed += 1
            print("\n".join([l for l in errors.splitlines() if "error" in l][:10]), flush=True)
print(f"torch2-check: {len(jobs) - failed} of {len(jobs)} sources compile against LibTorch 2.x")
sys.exit(1 if failed else 0)
PY
