// The checks-and-timings of the CUDA proxy driver, one function per MSL kernel of the emulator's suite.
#pragma once

#include "proxy_support.h"

#include <initializer_list>

namespace tmetal::proxy {

inline std::string fmt_shape(std::initializer_list<std::uint64_t> dims) {
  std::string s;
  for (auto d : dims) s += (s.empty() ? "" : "x") + std::to_string(d);
  return s;
}

void vector_add(Env& env);
void reduce_sum(Env& env);
void softmax(Env& env);
void layer_norm(Env& env);
void block_scan(Env& env);
void histogram(Env& env);
void scaled_activation(Env& env);
void matmul_tiled(Env& env);
void simdgroup_gemm(Env& env);
void stdlib_math(Env& env);
void stdlib_vector_integer(Env& env);
void stdlib_half_bfloat(Env& env);
void positions(Env& env);
void features(Env& env);

}  // namespace tmetal::proxy
