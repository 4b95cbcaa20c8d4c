// NumPy .npy files (format versions 1, 2 and 3; C order, little-endian) for weights in side files, and
// the bit conversions for half and bfloat16 they need.
#pragma once

#include "triton_metal/graph.h"

namespace tmetal::graph {

struct NpyArray {
  Shape shape;
  std::string descr;  // e.g. "<f4"
  std::vector<double> data;
};

// Reads an .npy file; throws GraphError naming the file on any format problem.
NpyArray read_npy(const std::filesystem::path& path);
// Writes values as an .npy file of `dtype` (version 1 header).
void write_npy(const std::filesystem::path& path, const Shape& shape, DType dtype, const std::vector<double>& values);
// The .npy descr string numpy uses for a dtype ("<f4", "<f2", ...; bf16 is stored as "<u2" bit patterns).
std::string npy_descr(DType dtype);
// Decodes raw little-endian element bytes of `dtype` (as found in .npy or safetensors) to doubles.
std::vector<double> decode_elements(const char* bytes, size_t count, DType dtype);
double half_bits_to_double(uint16_t bits);
uint16_t double_to_half_bits(double x);

}  // namespace tmetal::graph
