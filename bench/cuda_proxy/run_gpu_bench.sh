#!/usr/bin/env bash
# The GPU benchmark, in ONE call on an NVIDIA machine: builds the driver (bench/cuda_proxy/driver_sources.txt,
# g++ + NVRTC), checks the CUDA proxy bit for bit against the emulator (the probes' outputs computed on the
# development machine by prepare_ident.sh), checks every case against float64 at small and at bench sizes,
# runs compute-sanitizer over the small ones, times our kernels (MSL compiled beforehand by compile_ours.py:
# our compiler cannot run there), the hand-written probes (bench/probes), real Triton and PyTorch, the
# roofs (cuBLAS SGEMM with TF32 off, copy bandwidth), and prints the table.
# Usage: run_gpu_bench.sh KERNELS [IDENT]
#   KERNELS  compile_ours.py's output folder;  IDENT  prepare_ident.sh's folder (copied to /tmp/tm_ident)
# Environment: OUT (results folder; default ./gpu_bench_out), CASES (triton_bench.py names: default all),
#   STAGES (default "ident check sanitize bench triton table"), DEPS (folder with fmt/ and nlohmann/
#   headers when the system has none), PROXY (a driver an earlier call built: skips the build).
set -uo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
KERNELS=$(readlink -f "$1")
IDENT=${2:-}
OUT=${OUT:-$PWD/gpu_bench_out}
CASES=${CASES:-all}
STAGES=" ${STAGES:-ident check sanitize bench triton table} "
mkdir -p "$OUT"
WORK=${WORK:-/tmp/gpu_bench_work}
rm -rf "$WORK"; mkdir -p "$WORK"
BUILD=$(mktemp -d /tmp/gpu_bench_build.XXXX)
CUDA=${CUDA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v nvcc)")")")}
export PYTHONUNBUFFERED=1
PY="python3 $ROOT/bench/cuda_proxy/triton_bench.py"
has() { [[ "$STAGES" == *" $1 "* ]]; }

echo "== machine"
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.max.sm --format=csv,noheader
echo "CUDA: $CUDA"; g++ --version | head -1
python3 -c "import torch, triton, numpy; print('torch', torch.__version__, 'triton', triton.__version__, 'numpy', numpy.__version__)"

if [ -n "${PROXY:-}" ]; then
  echo "== driver: $PROXY (built by an earlier call)"
else
  echo "== build the driver from bench/cuda_proxy/driver_sources.txt"
  mapfile -t srcs < <(grep -v '^#' "$ROOT/bench/cuda_proxy/driver_sources.txt" | sed 's/^cuda: //' | grep .)
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
fi
export TRITON_METAL_CUDA_DUMP=$WORK/cuda; mkdir -p "$WORK/cuda"   # translated CUDA + ptxas resource reports

if has ident && [ -n "$IDENT" ]; then
  echo "== bit-identity: the probes on the proxy vs the emulator's outputs"
  rm -rf /tmp/tm_ident; cp -r "$(readlink -f "$IDENT")" /tmp/tm_ident
  "$PROXY" /tmp/tm_ident/check/manifest.json /tmp/tm_ident/check/proxy.jsonl --no-time
  if ! $PY identical check /tmp/tm_ident /tmp/tm_ident/emu_out; then
    echo "== not identical: again with NVRTC --fmad=false (no contraction of the kernel's own a*b+c, as the emulator's host build)"
    TRITON_METAL_CUDA_NVRTC_OPTIONS=--fmad=false "$PROXY" /tmp/tm_ident/check/manifest.json /tmp/tm_ident/check/proxy_nofmad.jsonl --no-time
    $PY identical check /tmp/tm_ident /tmp/tm_ident/emu_out nofmad
  fi
  $PY compare check /tmp/tm_ident
fi

if has check; then
  echo "== check sizes: proxy run, float64 check"
  $PY prepare check "$WORK" "$KERNELS" "$CASES"
  "$PROXY" "$WORK/check/manifest.json" "$WORK/check/proxy.jsonl" --no-time
  $PY compare check "$WORK"
fi
san_pids=()
if has sanitize && has check; then
  # conv2d's geometry is constexpr (its check size is its bench size): too slow under the sanitizers.
  $PY subset check "$WORK" "$(python3 -c "import sys; sys.path.insert(0, '$ROOT/bench/cuda_proxy'); import triton_bench as t; print(','.join(n for n in t.select('$CASES') if n != 'conv2d'))")" san
  for tool in memcheck racecheck synccheck; do
    timeout 300 compute-sanitizer --tool $tool --error-exitcode 9 "$PROXY" "$WORK/check/manifest_san.json" "$WORK/check/$tool.jsonl" --no-time >"$WORK/$tool.log" 2>&1 &
    san_pids+=($!)
  done
fi
if has bench; then
  $PY prepare bench "$WORK" "$KERNELS" "$CASES"
fi
i=0
for tool in memcheck racecheck synccheck; do
  [ ${#san_pids[@]} -gt $i ] || break
  wait "${san_pids[$i]}"; echo "$tool exit $?"; grep -E "SUMMARY" "$WORK/$tool.log" | tail -n 2; i=$((i+1))
done

if has bench; then
  echo "== bench sizes: proxy run + timing, float64 check"
  "$PROXY" "$WORK/bench/manifest.json" "$WORK/bench/proxy.jsonl"
  $PY compare bench "$WORK"
  rm -f "$WORK"/bench/*.bin; rm -rf "$WORK"/bench/out* "$WORK"/check/out* "$WORK"/check/*.bin
fi

if has triton; then
  echo "== real Triton and PyTorch; roofs"
  $PY triton "$WORK" "$KERNELS/compile_ours.json"
fi

if has table; then
  echo "== table"
  $PY table "$WORK" "$KERNELS/compile_ours.json" | tee "$OUT/table.md"
fi
cp /tmp/tm_ident/check/identical*.json "$WORK/" 2>/dev/null
grep -h -A2 "Function properties" "$WORK"/cuda/*.log 2>/dev/null | grep -v '^--' | paste - - - | sed 's/ptxas info *: //g' > "$WORK/ptxas_resources.txt"
# One archive per run: logs, JSON results, the exact MSL that ran, its CUDA translation and ptxas reports.
cp -r "$KERNELS" "$WORK/kernels" 2>/dev/null
tar czf "$OUT/results.tar.gz" -C "$WORK" --exclude='triton_cache' . 2>/dev/null
ls -la "$OUT"
