#!/usr/bin/env bash
# Installs every Debian package that the build, the tests and the Python parts need, then configures
# and builds triton-metal. Non-interactive and idempotent: a second run with nothing to install skips
# apt entirely and only rebuilds what changed.
#
# Environment:
#   BUILD_DIR    build folder (default: build, or build-asan when TM_SANITIZE=1)
#   TM_SANITIZE  1 builds with AddressSanitizer + UndefinedBehaviorSanitizer
#   BUILD_TYPE   CMake build type (default RelWithDebInfo)
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."

packages=(
  build-essential cmake ninja-build git pkg-config
  clang llvm-14-tools libclang-rt-14-dev   # FileCheck + lit for compiler tests; libFuzzer
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  nlohmann-json3-dev libcli11-dev libfmt-dev libboost-context-dev
  python3 python3-dev python3-numpy python3-pytest pybind11-dev
  python3-torch                            # torch CPU tensors: Python tests of Triton programs (test_tutorials.py)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

sanitize=${TM_SANITIZE:-0}
build_dir=${BUILD_DIR:-$([ "$sanitize" = 1 ] && echo build-asan || echo build)}
san_flag=$([ "$sanitize" = 1 ] && echo ON || echo OFF)
if [ ! -f "$build_dir/build.ninja" ]; then
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" \
    -DTM_SANITIZE="$san_flag" -DPython3_EXECUTABLE=/usr/bin/python3
fi
cmake --build "$build_dir" -j "$(nproc)"
