// Launch metadata of a compiled kernel as JSON (nlohmann): entry, buffers with dtype and role, scalar
// arguments, threads per threadgroup, the program_id → grid mapping, threadgroup memory, target, MSL
// version, the specialization key.
#pragma once

#include "codegen/msl_emitter.h"
#include "triton_metal/kernel.h"

#include <nlohmann/json.hpp>

namespace tmetal::codegen {

std::vector<KernelParam> kernel_params(const EmitResult& r);
nlohmann::json launch_metadata(const CompiledKernel& k, const EmitResult& r);

}  // namespace tmetal::codegen
