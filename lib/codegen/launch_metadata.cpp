// Launch metadata JSON of a compiled kernel.
#include "codegen/launch_metadata.h"

namespace tmetal::codegen {

std::vector<KernelParam> kernel_params(const EmitResult& r) {
  std::vector<KernelParam> out;
  for (const auto& a : r.args) {
    KernelParam p;
    p.name = a.name;
    p.buffer_index = a.index;
    p.pointer = a.pointer;
    p.dtype = a.dtype;
    p.role = !a.pointer ? "scalar" : a.read && a.written ? "inout" : a.written ? "output" : a.read ? "input" : "unused";
    p.max_elements = a.max_elements;
    out.push_back(p);
  }
  return out;
}

nlohmann::json launch_metadata(const CompiledKernel& k, const EmitResult& r) {
  nlohmann::json j;
  j["entry"] = k.name;
  j["target"] = k.target;
  j["msl_version"] = k.msl_version;
  j["num_warps"] = k.num_warps;
  j["threads_per_threadgroup"] = {k.threads_per_threadgroup, 1, 1};
  j["threadgroup_memory_bytes"] = k.threadgroup_memory_bytes;
  j["grid"] = {{"dispatch", "threadgroups"},
               {"program_id", {{"0", "threadgroup_position_in_grid.x"}, {"1", "threadgroup_position_in_grid.y"}, {"2", "threadgroup_position_in_grid.z"}}},
               {"num_programs", "threadgroups_per_grid"},
               {"rule", "one threadgroup per Triton program: the Triton grid (X, Y, Z) is the threadgroup grid"}};
  nlohmann::json buffers = nlohmann::json::array(), scalars = nlohmann::json::array();
  for (const auto& p : k.params) {
    nlohmann::json e = {{"name", p.name}, {"index", p.buffer_index}, {"dtype", p.dtype}};
    if (p.pointer) {
      e["role"] = p.role;
      if (p.max_elements > 0) e["max_elements"] = p.max_elements;  // 32-bit element offsets
      buffers.push_back(e);
    } else {
      e["msl"] = "constant T& (setBytes)";
      scalars.push_back(e);
    }
  }
  j["buffers"] = buffers;
  j["scalars"] = scalars;
  j["specialization"] = k.specialization_key;
  if (!k.bf16_mode.empty()) j["bf16"] = k.bf16_mode;
  if (!r.matmul_tiles.empty()) j["matmul_tiles"] = r.matmul_tiles;
  if (r.address_map_buffer >= 0)
    j["address_map"] = {{"index", r.address_map_buffer},
                        {"msl", "const device ulong* tm_addr_map: {count,0,0} then {host_lo, host_hi, device_base} per resident array"}};
  return j;
}

}  // namespace tmetal::codegen
