// What the MSL front end of the runtime understands about a Metal source file: its kernels (entry
// points), their parameters with address spaces and binding attributes, `[[host_name]]` template
// instantiations, and function-constant declarations. Shared by the emulator and the CUDA proxy; it
// knows nothing about the C++ the emulator emits.
#pragma once

#include "runtime/msl/token.h"

#include <optional>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace tmetal::msl {

enum class AddressSpace { None, Device, Constant, Threadgroup, Thread };

// A kernel parameter's binding, from its attribute.
enum class ParamRole {
  Buffer,       // [[buffer(i)]]
  Threadgroup,  // [[threadgroup(i)]]
  Position,     // a thread-position attribute such as [[thread_position_in_grid]]
};

struct KernelParam {
  std::string name;
  std::string type_text;  // MSL spelling of the type, e.g. "device const float4*"
  AddressSpace space = AddressSpace::None;
  bool is_pointer = false;
  bool is_reference = false;
  bool is_const = false;
  ParamRole role = ParamRole::Buffer;
  int index = 0;              // buffer/threadgroup index, or the position attribute's id
  std::string attribute;      // attribute name, e.g. "buffer" or "thread_position_in_grid"
  bool implicit_index = false;  // a buffer without [[buffer(i)]]: Metal assigns the lowest free index
  std::vector<std::string> array_dims;  // `constant int shape[2] [[buffer(3)]]`: {"2"} (passed as a pointer)
  size_t begin_token = 0, end_token = 0;  // the parameter's tokens in Module::tokens: [begin, end)
  size_t name_token = 0;                  // its name
  int line = 0, col = 0;
};

struct KernelDecl {
  std::string name;
  bool is_template = false;
  unsigned max_total_threads = 0;  // [[max_total_threads_per_threadgroup(N)]], 0 when absent
  std::vector<KernelParam> params;
  int line = 0, col = 0;
};

// A callable entry point: a non-template kernel, or a [[host_name("...")]] instantiation of a template.
struct EntryPoint {
  std::string name;        // the name a pipeline is created with
  std::string function;    // C++ expression naming the function, e.g. "gemm<float, 8>"
  const KernelDecl* kernel = nullptr;
};

struct FunctionConstantDecl {
  std::string name;
  std::string type_text;
  int index = 0;
  int line = 0, col = 0;
};

struct Module {
  std::string file_name;
  std::vector<Token> tokens;
  std::vector<KernelDecl> kernels;
  std::vector<EntryPoint> entries;
  std::vector<FunctionConstantDecl> function_constants;
  // True when the source names a barrier or a simd/quad-group function: such kernels need one fiber per
  // thread; the others run their threads as a plain loop.
  bool uses_synchronization = false;

  const EntryPoint* find_entry(const std::string& name) const;
};

// Position attributes the runtime provides, in the order of their ids (the emulator's ABI uses the ids).
const std::vector<std::string>& position_attributes();
std::optional<int> position_attribute_id(const std::string& name);

// Tokenizes and scans a source file. Throws SyntaxError for malformed kernel signatures.
Module parse_module(const std::string& source, const std::string& file_name = "kernel.metal");

// Index of the token that closes the bracket opened at tokens[open] ('(' '[' '{'); tokens.size()-1 if none.
size_t matching_close(const std::vector<Token>& tokens, size_t open);

// The value given for the function constant declared as `name`, looked up in `values` by its index ("0") and
// then by its name; nullopt when the launch leaves it undefined.
std::optional<std::string> function_constant_value(const Module& module, const std::map<std::string, std::string>& values,
                                                   const std::string& name);

// Names of the data members that the source's structs and classes declare (a member spelled like a swizzle,
// `xy`, must not be rewritten as one).
std::set<std::string> struct_field_names(const std::vector<Token>& tokens);

// Component indices of a vector swizzle of two to four components ("zyx" -> {2,1,0}, "rg" -> {0,1}); empty
// when `name` is not one.
std::vector<int> swizzle_components(const std::string& name);

}  // namespace tmetal::msl
