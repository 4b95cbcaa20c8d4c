// Public C++ API of the whole compiler: a Triton-language kernel → Metal Shading Language plus launch
// metadata (stages 1–5), and launching the result on a runtime::Device with host arrays.
//
//   tmetal::Specialization spec;
//   spec.parse_signature("x_ptr=*fp32:16, y_ptr=*fp32:16, out_ptr=*fp32:16, n_elements=i32");
//   spec.parse_constexpr("BLOCK_SIZE=1024");
//   tmetal::CompiledKernel k = tmetal::compile(source, "vector_add.py", "add_kernel", spec, {.target = "m3"});
//   auto dev = tmetal::runtime::make_device("emulator");
//   tmetal::launch(k, *dev, {blocks, 1, 1}, {tmetal::KernelArg::array(x), ..., tmetal::KernelArg::scalar(n)});
#pragma once

#include "triton_metal/compile.h"
#include "triton_metal/runtime.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace tmetal {

struct KernelOptions {
  std::string target;      // hardware-model name ("m1", "m3-max", ...); empty: target::default_target()
  int num_warps = 4;       // simdgroups per threadgroup (Triton's num_warps)
  int num_stages = 0;      // software-pipelining depth of dot K loops (Triton's num_stages); 0: the target's default
  CompileOptions tile;     // stage 1–2 options (print-after, verification, ...)
};

// One runtime argument of the compiled kernel, in parameter order.
struct KernelParam {
  std::string name;
  int buffer_index = 0;   // [[buffer(i)]]
  bool pointer = false;
  std::string dtype;      // tile-IR element type: f32, f16, bf16, i32, ...
  std::string role;       // pointers: "input", "output", "inout" or "unused"; scalars: "scalar"
  // Pointers: the kernel addresses the array with 32-bit element offsets, so a launch refuses an array of
  // this many elements or more (0: no limit).
  std::int64_t max_elements = 0;
};

struct CompiledKernel {
  std::string name;                  // kernel (and MSL entry) name
  std::string target;                // canonical target name
  std::string msl_version;
  std::string msl;                   // the Metal source
  std::string metadata_json;         // launch metadata (see docs/lowering.md)
  std::string tile_ir_raw, tile_ir, gpu_ir;  // every stage's IR text
  std::vector<KernelParam> params;
  int num_warps = 4;
  int threads_per_threadgroup = 128;
  std::int64_t threadgroup_memory_bytes = 0;
  std::string bf16_mode;             // "native", "emulated-f32" or "" (no bf16 in the kernel)
  std::string specialization_key;
  // >= 0: the kernel makes pointers from integers (x.to(tl.pointer_type(...))) and takes the launch's address
  // map at this [[buffer(i)]] (after its parameters); launch() binds it from its `addressable` arrays.
  int address_map_buffer = -1;
};

// The GPU lowering passes, in the order they run (names for --print-after).
const std::vector<std::string>& gpu_pass_names();

// Compiles `kernel` of `source` (`filename` is used in diagnostics). Throws CompileFailure for every user
// error (front end, a construct not lowered, a dot that cannot be tiled, threadgroup memory over the
// target's limit), naming the kernel and source location; target::UnknownTargetError for a bad target;
// std::invalid_argument for a bad option.
CompiledKernel compile(const std::string& source, const std::string& filename, const std::string& kernel,
                       const Specialization& spec, const KernelOptions& options = {});

// A launch argument: a host array for a pointer parameter (caller-owned, bytes in the parameter's dtype),
// or a scalar value converted to the parameter's dtype.
struct KernelArg {
  void* data = nullptr;
  std::size_t bytes = 0;
  bool is_array = false;
  double real = 0;
  std::int64_t integer = 0;
  bool is_real = false;
  static KernelArg array(void* data, std::size_t bytes) { return {data, bytes, true, 0, 0, false}; }
  template <class T> static KernelArg array(std::vector<T>& v) { return array(v.data(), v.size() * sizeof(T)); }
  static KernelArg scalar(std::int64_t v) { return {nullptr, 0, false, 0, v, false}; }
  static KernelArg scalar_real(double v) { return {nullptr, 0, false, v, 0, true}; }
};

// Launches `kernel` over a Triton grid (program ids along up to 3 axes; one threadgroup per program) with
// `args` in parameter order. Throws std::invalid_argument for a wrong argument list and runtime::Error for
// device failures (compile errors, out-of-bounds accesses).
//
// `addressable`: host arrays the kernel may reach by address (KernelArg::array; the integers it casts to pointers
// are addresses inside them, e.g. torch data_ptr() values); with the array arguments themselves they are made
// resident for the launch and form its address map. An address inside none of them is a LaunchError on the
// emulator (never an access outside them). Ignored by kernels that make no pointer from an integer.
runtime::LaunchStats launch(const CompiledKernel& kernel, runtime::Device& device, std::array<std::uint32_t, 3> grid,
                            const std::vector<KernelArg>& args, const std::vector<KernelArg>& addressable = {});

}  // namespace tmetal
