#!/usr/bin/env bash
# CUDA proxy on an NVIDIA GPU machine, in one go: builds the proxy driver (lib/runtime/msl +
# lib/runtime/cuda + the emulator's preprocessor driver + bench/cuda_proxy, with g++ and NVRTC only: no CMake deps, fmt header-only), checks
# every MSL kernel of the emulator's e2e suite against its float64 / exact reference, runs them under
# compute-sanitizer memcheck, racecheck and synccheck, times them (CUDA events, warm-up, median) beside PyTorch
# equivalents, and prints the table (bench/cuda_proxy/make_table.py).
#
# Needs: g++ (C++20), the CUDA toolkit (nvcc on PATH or CUDA_HOME), compute-sanitizer, python3 with torch,
# and the fmt headers: system ones, or FMT_INCLUDE, or <repo>/.deps/include (copy /usr/include/fmt there).
# Environment: OUT (default ./cuda_proxy_out): logs, JSON and table.md land there.
set -uo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
OUT=${OUT:-$PWD/cuda_proxy_out}
mkdir -p "$OUT"
BUILD=$(mktemp -d /tmp/cuda_proxy_build.XXXX)
CUDA=${CUDA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v nvcc)")")")}
KDIR=$ROOT/test/e2e/emulator/kernels
export PYTHONUNBUFFERED=1

echo "== machine"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
g++ --version | head -1
echo "CUDA: $CUDA"

fmt_inc=""
if ! echo '#include <fmt/core.h>' | g++ -x c++ -E - >/dev/null 2>&1; then
  fmt_inc="-I${FMT_INCLUDE:-$ROOT/.deps/include}"
  echo "fmt: using $fmt_inc"
fi

echo "== build"
# The shared sources from the one list CI builds (driver_sources.txt), with this driver instead of triton_proxy.
mapfile -t srcs < <(grep -v '^#' "$ROOT/bench/cuda_proxy/driver_sources.txt" | sed 's/^cuda: //' | grep . | grep -v triton_proxy.cpp)
srcs+=(bench/cuda_proxy/proxy_bench.cpp bench/cuda_proxy/proxy_kernels_memory.cpp bench/cuda_proxy/proxy_kernels_compute.cpp)
flags=(-std=c++20 -O2 -DFMT_HEADER_ONLY -DTM_HAVE_CUDA=1 "-DTM_CUDA_STDLIB_DIR=\"$ROOT/lib/runtime/cuda/include\""
       "-DTM_CUDA_TOOLKIT_INCLUDE_DIR=\"$CUDA/include\"" "-DTM_EMULATOR_INCLUDE_DIR=\"$ROOT/lib/runtime/emulator/include\"" -I"$ROOT/include" -I"$ROOT/lib" -I"$ROOT/bench/cuda_proxy"
       -isystem "$CUDA/include" $fmt_inc)
pids=()
for s in "${srcs[@]}"; do
  g++ "${flags[@]}" -c "$ROOT/$s" -o "$BUILD/$(basename "$s").o" 2>"$BUILD/$(basename "$s").log" &
  pids+=($!)
done
ok=1
for p in "${pids[@]}"; do wait "$p" || ok=0; done
cat "$BUILD"/*.log
[ $ok = 1 ] || { echo "build failed"; exit 1; }
g++ "$BUILD"/*.o -L"$CUDA/lib64" -lnvrtc -ldl -Wl,-rpath,"$CUDA/lib64" -o "$BUILD/proxy_bench" || { echo "link failed"; exit 1; }

echo "== memcheck (check sizes)"
compute-sanitizer --tool memcheck --error-exitcode 9 "$BUILD/proxy_bench" "$KDIR" --check-only >"$OUT/memcheck.log" 2>&1
echo "memcheck exit $?"; tail -n 4 "$OUT/memcheck.log"
echo "== racecheck (check sizes)"
compute-sanitizer --tool racecheck --error-exitcode 9 "$BUILD/proxy_bench" "$KDIR" --check-only >"$OUT/racecheck.log" 2>&1
echo "racecheck exit $?"; tail -n 4 "$OUT/racecheck.log"

echo "== synccheck (check sizes)"
compute-sanitizer --tool synccheck --error-exitcode 9 "$BUILD/proxy_bench" "$KDIR" --check-only >"$OUT/synccheck.log" 2>&1
echo "synccheck exit $?"; tail -n 4 "$OUT/synccheck.log"

echo "== proxy: checks and timings"
"$BUILD/proxy_bench" "$KDIR" --json "$OUT/proxy.jsonl" 2>&1 | tee "$OUT/proxy.log"
echo "== pytorch: equivalents, copy bandwidth, matmul peaks"
python3 "$ROOT/bench/cuda_proxy/torch_bench.py" "$OUT/torch.json" 2>&1 | tail -n 30
echo "== table"
python3 "$ROOT/bench/cuda_proxy/make_table.py" "$OUT" | tee "$OUT/table.md"
