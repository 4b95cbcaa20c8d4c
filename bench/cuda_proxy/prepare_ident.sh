#!/usr/bin/env bash
# Development machine (no GPU): inputs and emulator outputs of the probes at check sizes in /tmp/tm_ident, for
# run_gpu_bench.sh's byte-for-byte comparison of the CUDA proxy with the emulator (the inputs travel as files,
# so both machines run on the same bits whatever their numpy). Usage: prepare_ident.sh BUILD_DIR
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
BUILD=$(readlink -f "${1:-$ROOT/build}")
D=/tmp/tm_ident
rm -rf "$D"
/usr/bin/python3 "$ROOT/bench/cuda_proxy/triton_bench.py" prepare check "$D" /nonexistent probes
"$BUILD/bin/cuda_proxy_triton" "$D/check/manifest.json" "$D/check/emulator.jsonl" --device emulator --no-time
/usr/bin/python3 "$ROOT/bench/cuda_proxy/triton_bench.py" compare check "$D"
mv "$D/check/out" "$D/emu_out"
echo "emulator reference outputs in $D/emu_out"
