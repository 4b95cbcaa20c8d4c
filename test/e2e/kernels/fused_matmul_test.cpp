// matmul_bias_act (bias and activation epilogue, nested @jit helpers, tl.swizzle2d), matmul_block_ptr
// (block pointers with boundary checks) and flash attention (two dots per step, online softmax, causal
// masking) on the emulator vs float64 C++ references, ragged shapes.
#include "kernel_test_support.h"

namespace tmetal::test {
namespace {

const char* kMatmulSig =
    "a_ptr=*fp16:16, b_ptr=*fp16:16, {}c_ptr=*{}:16, M=i32, N=i32, K=i32, stride_am=i32:16, stride_ak=i32, "
    "stride_bk=i32:16, stride_bn=i32, stride_cm=i32:16, stride_cn=i32";

class FusedMatmul : public ::testing::TestWithParam<std::string> {};

TEST_P(FusedMatmul, BiasAndActivation) {
  std::string target = GetParam();
  for (std::string act : {"leaky_relu", "relu", "gelu"}) {
    auto k = compile_example("matmul_bias_act", "matmul_bias_act_kernel", fmt::format(fmt::runtime(kMatmulSig), "bias_ptr=*fp32:16, ", "fp16"),
                             "BLOCK_M=32, BLOCK_N=32, BLOCK_K=32, GROUP_M=2, ACTIVATION=" + act, target);
    const int M = 70, N = 45, K = 50, lda = 64, ldb = 48, ldc = 48;
    interp::HostArray a("f16", M * lda), b("f16", K * ldb), bias("f32", N), c("f16", M * ldc);
    a.fill_random(81);
    b.fill_random(82);
    bias.fill_random(83);
    c.fill_random(84);
    interp::HostArray c0 = c;
    launch(k, emulator(), {6, 1, 1},
           {arg(a), arg(b), arg(bias), arg(c), KernelArg::scalar(M), KernelArg::scalar(N), KernelArg::scalar(K), KernelArg::scalar(lda),
            KernelArg::scalar(1), KernelArg::scalar(ldb), KernelArg::scalar(1), KernelArg::scalar(ldc), KernelArg::scalar(1)});
    std::vector<double> want(M * ldc);
    for (int i = 0; i < M * ldc; ++i) want[i] = c0.get(i);
    for (int i = 0; i < M; ++i)
      for (int j = 0; j < N; ++j) {
        double s = bias.get(j);
        for (int p = 0; p < K; ++p) s += a.get(i * lda + p) * b.get(p * ldb + j);
        if (act == "leaky_relu") s = s >= 0 ? s : 0.01 * s;
        if (act == "relu") s = std::max(s, 0.0);
        if (act == "gelu") s = 0.5 * s * (1 + std::erf(s / std::sqrt(2.0)));
        want[i * ldc + j] = s;
      }
    EXPECT_TRUE(matches(c, want, tolerance("f16", 2))) << target << " " << act;
  }
}

TEST_P(FusedMatmul, BlockPointers) {
  std::string target = GetParam();
  for (std::string in : {"f16", "bf16"}) {
    std::string sig = fmt::format(fmt::runtime(kMatmulSig), "", "fp32");
    if (in == "bf16") {
      sig.replace(sig.find("a_ptr=*fp16"), 11, "a_ptr=*bf16");
      sig.replace(sig.find("b_ptr=*fp16"), 11, "b_ptr=*bf16");
    }
    auto k = compile_example("matmul_block_ptr", "matmul_block_ptr_kernel", sig, "BLOCK_M=32, BLOCK_N=32, BLOCK_K=32", target);
    const int M = 70, N = 45, K = 50, lda = 64, ldb = 48, ldc = 48;
    interp::HostArray a(in, M * lda), b(in, K * ldb), c("f32", M * ldc);
    a.fill_random(91);
    b.fill_random(92);
    c.fill_random(93);
    interp::HostArray c0 = c;
    launch(k, emulator(), {3, 2, 1},
           {arg(a), arg(b), arg(c), KernelArg::scalar(M), KernelArg::scalar(N), KernelArg::scalar(K), KernelArg::scalar(lda), KernelArg::scalar(1),
            KernelArg::scalar(ldb), KernelArg::scalar(1), KernelArg::scalar(ldc), KernelArg::scalar(1)});
    std::vector<double> want(M * ldc);
    for (int i = 0; i < M * ldc; ++i) want[i] = c0.get(i);
    for (int i = 0; i < M; ++i)
      for (int j = 0; j < N; ++j) {
        double s = 0;
        for (int p = 0; p < K; ++p) s += a.get(i * lda + p) * b.get(p * ldb + j);
        want[i * ldc + j] = s;
      }
    EXPECT_TRUE(matches(c, want, 1e-5)) << target << " " << in;
  }
}

TEST_P(FusedMatmul, FlashAttention) {
  std::string target = GetParam();
  for (bool causal : {true, false}) {
    auto k = compile_example(
        "flash_attention", "attn_fwd",
        "q_ptr=*fp16:16, k_ptr=*fp16:16, v_ptr=*fp16:16, o_ptr=*fp16:16, sm_scale=fp32, seq_len=i32, stride_bh=i32:16, stride_s=i32:16",
        std::string("BLOCK_M=32, BLOCK_N=32, HEAD_DIM=32, CAUSAL=") + (causal ? "True" : "False"), target);
    const int bh = 2, seq = 70, d = 32, ss = 32, sbh = 80 * 32;
    const double scale = 0.3;
    interp::HostArray q("f16", bh * sbh), kk("f16", bh * sbh), v("f16", bh * sbh), o("f16", bh * sbh);
    q.fill_random(101, -2, 2);
    kk.fill_random(102, -2, 2);
    v.fill_random(103);
    o.fill_random(104);
    interp::HostArray o0 = o;
    launch(k, emulator(), {3, bh, 1},
           {arg(q), arg(kk), arg(v), arg(o), KernelArg::scalar_real(scale), KernelArg::scalar(seq), KernelArg::scalar(sbh), KernelArg::scalar(ss)});
    std::vector<double> want(bh * sbh);
    for (int i = 0; i < bh * sbh; ++i) want[i] = o0.get(i);
    for (int h = 0; h < bh; ++h)
      for (int i = 0; i < seq; ++i) {
        std::vector<double> s(seq, -INFINITY);
        double m = -INFINITY;
        for (int j = 0; j < seq; ++j) {
          if (causal && j > i) continue;
          double dot = 0;
          for (int e = 0; e < d; ++e) dot += q.get(h * sbh + i * ss + e) * kk.get(h * sbh + j * ss + e);
          s[j] = dot * scale;
          m = std::max(m, s[j]);
        }
        double l = 0;
        for (int j = 0; j < seq; ++j) l += std::exp(s[j] - m);
        for (int e = 0; e < d; ++e) {
          double acc = 0;
          for (int j = 0; j < seq; ++j) acc += std::exp(s[j] - m) / l * v.get(h * sbh + j * ss + e);
          want[h * sbh + i * ss + e] = acc;
        }
      }
    // P is rounded to f16 before the second dot, as the kernel does.
    EXPECT_TRUE(matches(o, want, tolerance("f16", 2))) << target << " causal=" << causal;
  }
}

INSTANTIATE_TEST_SUITE_P(Targets, FusedMatmul, ::testing::Values("m1", "m3", "m4-max"));

}  // namespace
}  // namespace tmetal::test
