// Every examples/*.py kernel compiles to MSL for every target of the hardware model; the metadata names the
// target and its MSL version, and the MSL declares the kernel.
#include "kernel_test_support.h"

#include "triton_metal/target.h"

namespace tmetal::test {
namespace {

struct Example {
  const char* file;
  const char* kernel;
  const char* signature;
  const char* constexprs;
};

const Example kExamples[] = {
    {"vector_add", "add_kernel", "x_ptr=*fp32:16, y_ptr=*fp32:16, out_ptr=*fp32:16, n_elements=i32", "BLOCK_SIZE=1024"},
    {"fused_softmax", "softmax_kernel", "out_ptr=*fp32:16, in_ptr=*fp32:16, in_row_stride=i32, out_row_stride=i32, n_rows=i32, n_cols=i32", "BLOCK_SIZE=1024"},
    {"matmul", "matmul_kernel", "a_ptr=*fp16:16, b_ptr=*fp16:16, c_ptr=*fp16:16, M=i32, N=i32, K=i32, stride_am=i32:16, stride_ak=i32, stride_bk=i32:16, stride_bn=i32, stride_cm=i32:16, stride_cn=i32", "BLOCK_M=64, BLOCK_N=64, BLOCK_K=32, GROUP_M=8"},
    {"matmul_bias_act", "matmul_bias_act_kernel", "a_ptr=*fp16:16, b_ptr=*fp16:16, bias_ptr=*fp32:16, c_ptr=*fp16:16, M=i32, N=i32, K=i32, stride_am=i32:16, stride_ak=i32, stride_bk=i32:16, stride_bn=i32, stride_cm=i32:16, stride_cn=i32", "BLOCK_M=64, BLOCK_N=64, BLOCK_K=32, GROUP_M=8, ACTIVATION=leaky_relu"},
    {"matmul_block_ptr", "matmul_block_ptr_kernel", "a_ptr=*fp16:16, b_ptr=*fp16:16, c_ptr=*fp32:16, M=i32, N=i32, K=i32, stride_am=i32:16, stride_ak=i32, stride_bk=i32:16, stride_bn=i32, stride_cm=i32:16, stride_cn=i32", "BLOCK_M=64, BLOCK_N=64, BLOCK_K=32"},
    {"flash_attention", "attn_fwd", "q_ptr=*fp16:16, k_ptr=*fp16:16, v_ptr=*fp16:16, o_ptr=*fp16:16, sm_scale=fp32, seq_len=i32, stride_bh=i32:16, stride_s=i32:16", "BLOCK_M=64, BLOCK_N=64, HEAD_DIM=64, CAUSAL=True"},
    {"layer_norm", "layer_norm_fwd", "x_ptr=*fp32:16, y_ptr=*fp32:16, w_ptr=*fp32:16, b_ptr=*fp32:16, mean_ptr=*fp32:16, rstd_ptr=*fp32:16, row_stride=i32:16, n_cols=i32, eps=fp32", "BLOCK_SIZE=1024"},
    {"layer_norm", "layer_norm_bwd", "dy_ptr=*fp32:16, x_ptr=*fp32:16, w_ptr=*fp32:16, mean_ptr=*fp32:16, rstd_ptr=*fp32:16, dx_ptr=*fp32:16, dw_ptr=*fp32:16, db_ptr=*fp32:16, row_stride=i32:16, n_cols=i32", "BLOCK_SIZE=1024"},
    {"rms_norm", "rms_norm_kernel", "x_ptr=*fp16:16, w_ptr=*fp16:16, y_ptr=*fp16:16, row_stride=i32:16, n_cols=i32, eps=fp32", "BLOCK_SIZE=512"},
    {"cumsum_rows", "cumsum_rows_kernel", "x_ptr=*fp32:16, y_ptr=*fp32:16, n_rows=i32, n_cols=i32, row_stride=i32:16", "BLOCK_ROWS=16, BLOCK_COLS=256"},
    {"histogram", "histogram_kernel", "values_ptr=*i32:16, bins_ptr=*i32:16, n_values=i32, n_bins=i32", "BLOCK_SIZE=1024"},
    {"transpose", "transpose_kernel", "in_ptr=*fp32:16, out_ptr=*fp32:16, M=i32, N=i32, stride_in=i32:16, stride_out=i32:16", "BLOCK=32"},
};

TEST(CompileAll, EveryExampleForEveryTarget) {
  int compiled = 0;
  for (const std::string& target : target::target_names()) {
    target::Target t = target::resolve_target(target);
    for (const Example& e : kExamples) {
      SCOPED_TRACE(std::string(e.kernel) + " for " + target);
      CompiledKernel k = compile_example(e.file, e.kernel, e.signature, e.constexprs, target);
      EXPECT_NE(k.msl.find(std::string("kernel void ") + e.kernel + "("), std::string::npos);
      EXPECT_NE(k.metadata_json.find("\"target\": \"" + t.name() + "\""), std::string::npos);
      EXPECT_NE(k.metadata_json.find("\"msl_version\": \"" + t.msl_version() + "\""), std::string::npos);
      EXPECT_LE(k.threadgroup_memory_bytes, t.threadgroup_memory_bytes());
      ++compiled;
    }
  }
  EXPECT_GE(compiled, 12 * 5);
}

}  // namespace
}  // namespace tmetal::test
