#!/usr/bin/env bash
# macOS (Apple silicon) counterpart of scripts/setup.sh, which runs this on macOS: installs the build's
# dependencies with Homebrew, a Python virtual environment (.venv: numpy, pytest, lit from PyPI) for the
# package and the tests, then configures and builds triton-metal. Non-interactive and idempotent.
#
# Environment (as scripts/setup.sh, plus):
#   TM_VENV    the virtual environment (default .venv)
#   TM_WERROR  ON makes warnings errors (the macOS workflow sets it); default OFF on a Mac, where AppleClang
#              may warn about code only ever built with GCC so far (docs/macos.md)
set -euo pipefail
cd "$(cd "$(dirname "$0")" && pwd)/.."

all=0  # as scripts/setup.sh: --all also configures and builds the tests and benchmarks
case "${1:-}" in
  --all) all=1 ;;
  "") ;;
  *) echo "setup: unknown argument '$1' (expected nothing or --all)" >&2; exit 2 ;;
esac

if [ "$(uname -m)" != arm64 ]; then
  echo "setup: triton-metal's Metal device needs an Apple-silicon Mac (this one is $(uname -m))" >&2
fi
if ! command -v brew >/dev/null 2>&1; then
  echo "setup: Homebrew is needed to install the build's dependencies: see https://brew.sh" >&2
  exit 1
fi

formulae=(cmake ninja pkg-config llvm fmt nlohmann-json cli11 googletest google-benchmark boost pybind11 python@3.12)
missing=()
for f in "${formulae[@]}"; do
  brew list --formula "$f" >/dev/null 2>&1 || missing+=("$f")
done
if ((${#missing[@]})); then
  echo "setup: brew install ${missing[*]}"
  HOMEBREW_NO_AUTO_UPDATE=1 brew install "${missing[@]}"
fi
prefix=$(brew --prefix)

venv=${TM_VENV:-.venv}
if [ ! -x "$venv/bin/python" ]; then
  "$(brew --prefix python@3.12)/bin/python3.12" -m venv "$venv"
fi
if ! "$venv/bin/python" -c 'import numpy, pytest, lit' >/dev/null 2>&1; then
  "$venv/bin/python" -m pip install --quiet numpy pytest lit
fi

sanitize=${TM_SANITIZE:-0}
build_dir=${BUILD_DIR:-$([ "$sanitize" = 1 ] && echo build-asan || echo build)}
san_flag=$([ "$sanitize" = 1 ] && echo ON || echo OFF)
tests_flag=$([ "$all" = 1 ] && echo ON || echo OFF)
if [ ! -f "$build_dir/build.ninja" ]; then
  # FileCheck from Homebrew's llvm (not put on PATH: AppleClang stays the compiler); lit from the venv.
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" \
    -DTM_SANITIZE="$san_flag" -DTM_BUILD_TESTS="$tests_flag" -DTM_WERROR="${TM_WERROR:-OFF}" -DCMAKE_PREFIX_PATH="$prefix" \
    -DPython3_EXECUTABLE="$PWD/$venv/bin/python" -DTM_FILECHECK="$(brew --prefix llvm)/bin/FileCheck" \
    -DTM_LIT="$PWD/$venv/bin/lit"
elif ((all)) && grep -q '^TM_BUILD_TESTS:BOOL=OFF$' "$build_dir/CMakeCache.txt"; then
  cmake -B "$build_dir" -DTM_BUILD_TESTS=ON   # a build folder made by the first command: add the tests
fi
if ((all)); then
  cmake --build "$build_dir" -j "$(sysctl -n hw.ncpu)"
else
  cmake --build "$build_dir" -j "$(sysctl -n hw.ncpu)" --target tm_main
fi
