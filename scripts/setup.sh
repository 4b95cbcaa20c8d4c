#!/usr/bin/env bash
# Installs the Debian packages triton-metal needs, then configures and builds it. Non-interactive and
# idempotent: a second run with nothing to install skips apt entirely and only rebuilds what changed.
#
#   bash scripts/setup.sh         what the README's first command needs: the `triton-metal` CLI, the libraries
#                                 it links and the Python module (CMake target tm_main)
#   bash scripts/setup.sh --all   also the tests and benchmarks and their packages (scripts/test.sh runs this)
#
# Environment:
#   BUILD_DIR    build folder (default: build, or build-asan when TM_SANITIZE=1)
#   TM_SANITIZE  1 builds with AddressSanitizer + UndefinedBehaviorSanitizer
#   BUILD_TYPE   CMake build type (default Release: -O2 without debug info, the fastest to build;
#                RelWithDebInfo adds -g, and is the default when TM_SANITIZE=1)
set -euo pipefail
if [ "$(uname -s)" = Darwin ]; then  # macOS: Homebrew instead of apt (scripts/setup_macos.sh)
  exec bash "$(cd "$(dirname "$0")" && pwd)/setup_macos.sh" "$@"
fi
cd "$(dirname "$(readlink -f "$0")")/.."

all=0
case "${1:-}" in
  --all) all=1 ;;
  "") ;;
  *) echo "setup: unknown argument '$1' (expected nothing or --all)" >&2; exit 2 ;;
esac

packages=(
  build-essential cmake ninja-build git pkg-config ccache
  nlohmann-json3-dev libcli11-dev libfmt-dev libboost-context-dev
  python3 python3-dev python3-numpy pybind11-dev
  python3-torch                            # torch CPU tensors: Python tests of Triton programs (test_tutorials.py)
)
test_packages=(
  clang llvm-14-tools libclang-rt-14-dev   # FileCheck + lit for compiler tests; libFuzzer
  libgtest-dev libgmock-dev googletest libbenchmark-dev python3-pytest
  python3-onnx                             # ONNX import of the graph compiler (test/e2e/graph_import)
)
if ((all)); then packages+=("${test_packages[@]}"); fi

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
tests_flag=$([ "$all" = 1 ] && echo ON || echo OFF)
if [ ! -f "$build_dir/build.ninja" ]; then
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-$([ "$sanitize" = 1 ] && echo RelWithDebInfo || echo Release)}" \
    -DTM_SANITIZE="$san_flag" -DTM_BUILD_TESTS="$tests_flag" -DPython3_EXECUTABLE=/usr/bin/python3
elif ((all)) && grep -q '^TM_BUILD_TESTS:BOOL=OFF$' "$build_dir/CMakeCache.txt"; then
  cmake -B "$build_dir" -DTM_BUILD_TESTS=ON   # a build folder made by the first command: add the tests
fi
if ((all)); then
  cmake --build "$build_dir" -j "$(nproc)"
else
  cmake --build "$build_dir" -j "$(nproc)" --target tm_main
fi
