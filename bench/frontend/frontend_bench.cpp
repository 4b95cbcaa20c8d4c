// Compile latency of stages 1–2 (parse + semantic analysis + verification + the tile pass pipeline)
// for each example kernel, with the specialization from the example's header. Reports the median of
// repeated runs: `bench_frontend --benchmark_repetitions=20 --benchmark_report_aggregates_only=true`.
// Target: the matmul kernel under 2 ms.
#include "triton_metal/compile.h"

#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>

namespace {

struct Example {
  const char* file;
  const char* kernel;
  const char* signature;
  const char* constexprs;
};

const Example kExamples[] = {
    {"vector_add.py", "add_kernel", "x_ptr=*fp32:16, y_ptr=*fp32:16, out_ptr=*fp32:16, n_elements=i32", "BLOCK_SIZE=1024"},
    {"fused_softmax.py", "softmax_kernel", "out_ptr=*fp32:16, in_ptr=*fp32:16, in_row_stride=i32, out_row_stride=i32, n_rows=i32, n_cols=i32", "BLOCK_SIZE=1024"},
    {"matmul.py", "matmul_kernel", "a_ptr=*fp16:16, b_ptr=*fp16:16, c_ptr=*fp16:16, M=i32, N=i32, K=i32, stride_am=i32:16, stride_ak=i32, stride_bk=i32:16, stride_bn=i32, stride_cm=i32:16, stride_cn=i32", "BLOCK_M=64,BLOCK_N=64,BLOCK_K=32,GROUP_M=8"},
    {"matmul_bias_act.py", "matmul_bias_act_kernel", "a_ptr=*fp16:16, b_ptr=*fp16:16, bias_ptr=*fp32:16, c_ptr=*fp16:16, M=i32, N=i32, K=i32, stride_am=i32:16, stride_ak=i32, stride_bk=i32:16, stride_bn=i32, stride_cm=i32:16, stride_cn=i32", "BLOCK_M=64,BLOCK_N=64,BLOCK_K=32,GROUP_M=8,ACTIVATION=leaky_relu"},
    {"matmul_block_ptr.py", "matmul_block_ptr_kernel", "a_ptr=*fp16:16, b_ptr=*fp16:16, c_ptr=*fp32:16, M=i32, N=i32, K=i32, stride_am=i32:16, stride_ak=i32, stride_bk=i32:16, stride_bn=i32, stride_cm=i32:16, stride_cn=i32", "BLOCK_M=64,BLOCK_N=64,BLOCK_K=32"},
    {"layer_norm.py", "layer_norm_fwd", "x_ptr=*fp32:16, y_ptr=*fp32:16, w_ptr=*fp32:16, b_ptr=*fp32:16, mean_ptr=*fp32:16, rstd_ptr=*fp32:16, row_stride=i32:16, n_cols=i32, eps=fp32", "BLOCK_SIZE=1024"},
    {"layer_norm.py", "layer_norm_bwd", "dy_ptr=*fp32:16, x_ptr=*fp32:16, w_ptr=*fp32:16, mean_ptr=*fp32:16, rstd_ptr=*fp32:16, dx_ptr=*fp32:16, dw_ptr=*fp32:16, db_ptr=*fp32:16, row_stride=i32:16, n_cols=i32", "BLOCK_SIZE=1024"},
    {"rms_norm.py", "rms_norm_kernel", "x_ptr=*fp16:16, w_ptr=*fp16:16, y_ptr=*fp16:16, row_stride=i32:16, n_cols=i32, eps=fp32", "BLOCK_SIZE=512"},
    {"flash_attention.py", "attn_fwd", "q_ptr=*fp16:16, k_ptr=*fp16:16, v_ptr=*fp16:16, o_ptr=*fp16:16, sm_scale=fp32, seq_len=i32, stride_bh=i32:16, stride_s=i32:16", "BLOCK_M=64,BLOCK_N=64,HEAD_DIM=64,CAUSAL=True"},
    {"cumsum_rows.py", "cumsum_rows_kernel", "x_ptr=*fp32:16, y_ptr=*fp32:16, n_rows=i32, n_cols=i32, row_stride=i32:16", "BLOCK_ROWS=16,BLOCK_COLS=256"},
    {"histogram.py", "histogram_kernel", "values_ptr=*i32:16, bins_ptr=*i32:16, n_values=i32, n_bins=i32", "BLOCK_SIZE=1024"},
    {"transpose.py", "transpose_kernel", "in_ptr=*fp32:16, out_ptr=*fp32:16, M=i32, N=i32, stride_in=i32:16, stride_out=i32:16", "BLOCK=32"},
};

std::string read(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void compile_example(benchmark::State& state, const Example& ex) {
  std::string source = read(std::string(TM_EXAMPLES_DIR) + "/" + ex.file);
  tmetal::Specialization spec;
  spec.parse_signature(ex.signature);
  spec.parse_constexpr(ex.constexprs);
  tmetal::CompileOptions options;
  options.verify_each = false;  // what a user's compile pays; verification is measured separately below
  for (auto _ : state) {
    auto result = tmetal::compile_tile_ir(source, ex.file, ex.kernel, spec, options);
    benchmark::DoNotOptimize(result.ir.data());
  }
}

void compile_example_verified(benchmark::State& state, const Example& ex) {
  std::string source = read(std::string(TM_EXAMPLES_DIR) + "/" + ex.file);
  tmetal::Specialization spec;
  spec.parse_signature(ex.signature);
  spec.parse_constexpr(ex.constexprs);
  for (auto _ : state) {
    auto result = tmetal::compile_tile_ir(source, ex.file, ex.kernel, spec, {});
    benchmark::DoNotOptimize(result.ir.data());
  }
}

int register_all() {
  for (const Example& ex : kExamples) {
    benchmark::RegisterBenchmark((std::string("stage1+2/") + ex.kernel).c_str(), compile_example, ex)->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark((std::string("stage1+2+verify-each/") + ex.kernel).c_str(), compile_example_verified, ex)->Unit(benchmark::kMicrosecond);
  }
  return 0;
}
const int kRegistered = register_all();

}  // namespace

BENCHMARK_MAIN();
