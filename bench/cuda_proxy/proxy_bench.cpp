// CUDA proxy driver: runs every MSL kernel of the emulator's e2e suite on an NVIDIA GPU through
// make_cuda_device, checks each against its float64 / exact reference, and (unless --check-only) times the
// compute kernels at sizes that fill the GPU. Usage: proxy_bench KERNEL_DIR [--check-only] [--json FILE].
// Exit status 1 when any check fails. Run by bench/cuda_proxy/run_on_gpu.sh.
#include "proxy_kernels.h"

#include <cstdio>
#include <exception>

int main(int argc, char** argv) {
  using namespace tmetal::proxy;
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s KERNEL_DIR [--check-only] [--json FILE]\n", argv[0]);
    return 2;
  }
  Env env;
  env.kernel_dir = argv[1];
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--check-only") env.check_only = true;
    else if (a == "--json" && i + 1 < argc) env.json = std::fopen(argv[++i], "w");
    else {
      std::fprintf(stderr, "unknown argument %s\n", a.c_str());
      return 2;
    }
  }
  try {
    env.dev = tmetal::runtime::cuda::make_cuda_device({});
    std::printf("GPU: %s (%s)\n", env.dev->gpu_name().c_str(), env.dev->arch().c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  void (*all[])(Env&) = {vector_add, reduce_sum, softmax, layer_norm, block_scan, histogram, scaled_activation, matmul_tiled,
                         simdgroup_gemm, stdlib_math, stdlib_vector_integer, stdlib_half_bfloat, positions, features};
  for (auto f : all) {
    try {
      f(env);
    } catch (const std::exception& e) {
      std::printf("error: %s\n", e.what());
      ++env.failures;
    }
  }
  if (env.json) std::fclose(env.json);
  std::printf("%d failure(s)\n", env.failures);
  return env.failures ? 1 : 0;
}
