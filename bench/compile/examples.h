// The examples/*.py kernels the compile benchmarks measure: file, kernel, specialization, and a
// representative problem (its FLOPs and bytes) for the cost model's predictions.
#pragma once

#include "triton_metal/dtype.h"

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace tmetal::bench {

struct BenchExample {
  std::string file, kernel, signature, constexprs;
  std::string problem;  // the problem the FLOPs and bytes describe
  double flops = 0;     // FMA = 2
  double bytes = 0;     // unified-memory traffic (reads + writes)
  DType dtype = DType::f32;
  bool matrix = false;  // dominated by simdgroup_matrix dot products
};

inline std::vector<BenchExample> bench_examples() {
  const double n = 1 << 24, rows = 4096, cols = 4096, mm = 4096;
  return {
      {"vector_add", "add_kernel", "x_ptr=*fp32:16, y_ptr=*fp32:16, out_ptr=*fp32:16, n_elements=i32:16", "BLOCK_SIZE=1024",
       "n = 2^24 f32", n, 12 * n, DType::f32, false},
      {"fused_softmax", "softmax_kernel", "out_ptr=*fp32:16, in_ptr=*fp32:16, in_row_stride=i32:16, out_row_stride=i32:16, n_rows=i32, n_cols=i32",
       "BLOCK_SIZE=4096", "4096 x 4096 f32", 5 * rows * cols, 8 * rows * cols, DType::f32, false},
      {"matmul", "matmul_kernel",
       "a_ptr=*fp16:16, b_ptr=*fp16:16, c_ptr=*fp16:16, M=i32, N=i32, K=i32, stride_am=i32:16, stride_ak=i32, stride_bk=i32:16, stride_bn=i32, stride_cm=i32:16, stride_cn=i32",
       "BLOCK_M=64, BLOCK_N=64, BLOCK_K=32, GROUP_M=8", "4096^3 f16 -> f32 acc", 2 * mm * mm * mm, 3 * 2 * mm * mm, DType::f16, true},
      {"matmul_bias_act", "matmul_bias_act_kernel",
       "a_ptr=*fp16:16, b_ptr=*fp16:16, bias_ptr=*fp32:16, c_ptr=*fp16:16, M=i32, N=i32, K=i32, stride_am=i32:16, stride_ak=i32, stride_bk=i32:16, stride_bn=i32, stride_cm=i32:16, stride_cn=i32",
       "BLOCK_M=64, BLOCK_N=64, BLOCK_K=32, GROUP_M=8, ACTIVATION=gelu", "4096^3 f16 + bias + gelu", 2 * mm * mm * mm + 10 * mm * mm, 3 * 2 * mm * mm, DType::f16, true},
      {"matmul_block_ptr", "matmul_block_ptr_kernel",
       "a_ptr=*fp16:16, b_ptr=*fp16:16, c_ptr=*fp32:16, M=i32, N=i32, K=i32, stride_am=i32:16, stride_ak=i32, stride_bk=i32:16, stride_bn=i32, stride_cm=i32:16, stride_cn=i32",
       "BLOCK_M=64, BLOCK_N=64, BLOCK_K=32", "4096^3 f16 -> f32", 2 * mm * mm * mm, 2 * 2 * mm * mm + 4 * mm * mm, DType::f16, true},
      {"flash_attention", "attn_fwd",
       "q_ptr=*fp16:16, k_ptr=*fp16:16, v_ptr=*fp16:16, o_ptr=*fp16:16, sm_scale=fp32, seq_len=i32, stride_bh=i32:16, stride_s=i32:16",
       "BLOCK_M=64, BLOCK_N=64, HEAD_DIM=64, CAUSAL=False", "32 heads x 4096 seq x 64 f16", 4.0 * 32 * 4096 * 4096 * 64, 4 * 2.0 * 32 * 4096 * 64, DType::f16, true},
      {"layer_norm", "layer_norm_fwd",
       "x_ptr=*fp32:16, y_ptr=*fp32:16, w_ptr=*fp32:16, b_ptr=*fp32:16, mean_ptr=*fp32:16, rstd_ptr=*fp32:16, row_stride=i32:16, n_cols=i32, eps=fp32",
       "BLOCK_SIZE=1024", "4096 x 1024 f32", 8 * rows * 1024, 8 * rows * 1024, DType::f32, false},
      {"rms_norm", "rms_norm_kernel", "x_ptr=*fp16:16, w_ptr=*fp16:16, y_ptr=*fp16:16, row_stride=i32:16, n_cols=i32, eps=fp32", "BLOCK_SIZE=512",
       "4096 x 4096 f16", 5 * rows * cols, 3 * 2 * rows * cols, DType::f16, false},
      {"cumsum_rows", "cumsum_rows_kernel", "x_ptr=*fp32:16, y_ptr=*fp32:16, n_rows=i32, n_cols=i32, row_stride=i32:16",
       "BLOCK_ROWS=16, BLOCK_COLS=256", "65536 x 256 f32", 65536.0 * 256, 8 * 65536.0 * 256, DType::f32, false},
      {"histogram", "histogram_kernel", "values_ptr=*i32:16, bins_ptr=*i32:16, n_values=i32, n_bins=i32", "BLOCK_SIZE=1024",
       "2^24 values", 3 * n, 4 * n + 8 * n, DType::i32, false},
      {"transpose", "transpose_kernel", "in_ptr=*fp32:16, out_ptr=*fp32:16, M=i32, N=i32, stride_in=i32:16, stride_out=i32:16", "BLOCK=32",
       "4096 x 4096 f32", 0, 8 * rows * cols, DType::f32, false},
  };
}

inline std::string read_example(const std::string& file) {
  std::ifstream in(std::string(TM_EXAMPLES_DIR) + "/" + file + ".py");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace tmetal::bench
