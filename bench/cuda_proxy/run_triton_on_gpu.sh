#!/usr/bin/env bash
# examples/*.py on an NVIDIA GPU machine, in one go: our compiler's MSL (compiled beforehand by
# compile_ours.py into KERNELS/NAME/{K.metal,K.json}, since the compiler needs Debian packages the GPU machine
# lacks) runs on the CUDA proxy (MSL -> CUDA -> NVRTC) through triton_proxy; the same kernels run under the
# real Triton installed there, and PyTorch equivalents beside them; every output is checked against float64;
# compute-sanitizer memcheck, racecheck and synccheck run over our kernels at check sizes; the table is printed.
# Usage: run_triton_on_gpu.sh KERNELS   (env OUT: results folder, default ./triton_proxy_out; DEPS: extra
# include folder holding fmt/ and nlohmann/ when the system has none)
set -uo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
KERNELS=$(readlink -f "$1")
OUT=${OUT:-$PWD/triton_proxy_out}
mkdir -p "$OUT"
WORK=${WORK:-/tmp/triton_proxy_work}
rm -rf "$WORK"; mkdir -p "$WORK"
BUILD=$(mktemp -d /tmp/triton_proxy_build.XXXX)
CUDA=${CUDA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v nvcc)")")")}
export PYTHONUNBUFFERED=1
PY="python3 $ROOT/bench/cuda_proxy/triton_bench.py"

echo "== machine"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
echo "CUDA: $CUDA"; g++ --version | head -1
python3 -c "import torch, triton, numpy; print('torch', torch.__version__, 'triton', triton.__version__, 'numpy', numpy.__version__)"

echo "== build triton_proxy"
srcs=(lib/runtime/msl/tokenizer.cpp lib/runtime/msl/module.cpp lib/runtime/emulator/compiler.cpp lib/runtime/cuda/translate.cpp
      lib/runtime/cuda/nvrtc_compiler.cpp lib/runtime/cuda/driver_api.cpp lib/runtime/cuda/cuda_device.cpp bench/cuda_proxy/triton_proxy.cpp)
flags=(-std=c++20 -O2 -DFMT_HEADER_ONLY -DTM_HAVE_CUDA=1 -DTM_PROXY_CUDA_ONLY=1 "-DTM_CUDA_STDLIB_DIR=\"$ROOT/lib/runtime/cuda/include\""
       "-DTM_CUDA_TOOLKIT_INCLUDE_DIR=\"$CUDA/include\"" "-DTM_EMULATOR_INCLUDE_DIR=\"$ROOT/lib/runtime/emulator/include\""
       -I"$ROOT/include" -I"$ROOT/lib" -isystem "$CUDA/include" ${DEPS:+-isystem "$DEPS"})
pids=()
for s in "${srcs[@]}"; do
  g++ "${flags[@]}" -c "$ROOT/$s" -o "$BUILD/$(basename "$s").o" 2>"$BUILD/$(basename "$s").log" & pids+=($!)
done
ok=1; for p in "${pids[@]}"; do wait "$p" || ok=0; done
cat "$BUILD"/*.log
[ $ok = 1 ] || { echo "build failed"; exit 1; }
g++ "$BUILD"/*.o -L"$CUDA/lib64" -lnvrtc -ldl -Wl,-rpath,"$CUDA/lib64" -o "$BUILD/triton_proxy" || { echo "link failed"; exit 1; }
PROXY=$BUILD/triton_proxy
san_pids=()

echo "== check sizes: proxy run, float64 check, compute-sanitizer"
$PY prepare check "$WORK" "$KERNELS"
"$PROXY" "$WORK/check/manifest.json" "$WORK/check/proxy.jsonl" --no-time
$PY compare check "$WORK"
# the three sanitizers at once (separate processes, check sizes), while the bench inputs are written
for tool in memcheck racecheck synccheck; do
  timeout 240 compute-sanitizer --tool $tool --error-exitcode 9 "$PROXY" "$WORK/check/manifest.json" "$WORK/check/$tool.jsonl" --no-time >"$WORK/$tool.log" 2>&1 &
  san_pids+=($!)
done
$PY prepare bench "$WORK" "$KERNELS"
i=0
for tool in memcheck racecheck synccheck; do
  wait "${san_pids[$i]}"; echo "$tool exit $?"; grep -E "SUMMARY" "$WORK/$tool.log" | tail -n 2; i=$((i+1))
done

echo "== bench sizes: proxy run + timing, float64 check"
"$PROXY" "$WORK/bench/manifest.json" "$WORK/bench/proxy.jsonl"
$PY compare bench "$WORK"
rm -f "$WORK"/bench/*.bin; rm -rf "$WORK/bench/out" "$WORK/check/out" "$WORK"/check/*.bin

echo "== real Triton and PyTorch"
$PY triton "$WORK" "$KERNELS/compile_ours.json"

echo "== table"
$PY table "$WORK" "$KERNELS/compile_ours.json" | tee "$OUT/table.md"
cp "$WORK"/*.log "$WORK"/triton.json "$OUT/" 2>/dev/null
tar czf "$OUT/results.tar.gz" -C "$WORK" --exclude='triton_cache' . 2>/dev/null
ls -la "$OUT"
