#!/usr/bin/env bash
# Sets up and builds everything (scripts/setup.sh --all: tests and benchmarks included) and runs the whole
# test suite: unit tests, lit tests, end-to-end and Python tests, all through CTest. TM_SANITIZE=1 runs it
# under ASan+UBSan in build-asan/.
set -euo pipefail
if [ "$(uname -s)" = Darwin ]; then nproc() { sysctl -n hw.ncpu; }; fi  # macOS has no nproc
cd "$(dirname "$(readlink -f "$0")")/.."
bash scripts/setup.sh --all
build_dir=${BUILD_DIR:-$([ "${TM_SANITIZE:-0}" = 1 ] && echo build-asan || echo build)}
ctest --test-dir "$build_dir" --output-on-failure -j "$(nproc)" "$@"
