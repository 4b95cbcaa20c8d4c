// The execution plan as JSON (written by --emit-dir): target, tensors with buffers and views, groups in
// execution order with their template, entry, parameters, inputs and outputs, the memory plan and
// the traffic totals. The lead's runtime executes this plan on a Device.
#include "triton_metal/graph.h"

namespace tmetal::graph {

nlohmann::json plan_to_json(const Plan& plan) {
  const Graph& g = plan.graph;
  nlohmann::json j;
  j["format"] = "triton-metal-plan";
  j["version"] = 1;
  j["graph"] = g.name;
  j["target"] = {{"name", plan.target.name}, {"generation", generation_name(plan.target.generation)}};
  j["inputs"] = g.inputs;
  j["outputs"] = g.outputs;
  std::map<std::string, int> buffer;
  for (const auto& a : plan.memory.assignments) buffer[a.tensor] = a.buffer;
  j["tensors"] = nlohmann::json::object();
  for (const auto& [name, t] : g.tensors) {
    nlohmann::json tj{{"shape", t.shape}, {"dtype", dtype_name(t.dtype)}};
    if (t.data) tj["role"] = "weight";
    else if (std::count(g.inputs.begin(), g.inputs.end(), name)) tj["role"] = "input";
    else if (g.is_output(name)) tj["role"] = "output";
    else tj["role"] = "intermediate";
    if (buffer.count(name)) tj["buffer"] = buffer[name];
    if (auto v = plan.views.find(name); v != plan.views.end())
      tj["view"] = {{"root", v->second.root}, {"offset", v->second.offset}, {"strides", v->second.strides}};
    j["tensors"][name] = tj;
  }
  j["buffers"] = plan.memory.buffer_bytes;
  j["groups"] = nlohmann::json::array();
  for (const auto& grp : plan.groups) {
    nlohmann::json nodes = nlohmann::json::array();
    for (size_t n : grp.nodes) nodes.push_back(g.nodes[n].name);
    j["groups"].push_back({{"name", grp.name}, {"kind", grp.kind}, {"launches_kernel", grp.launches_kernel}, {"template", grp.kernel_template},
                           {"nodes", nodes}, {"inputs", grp.inputs}, {"outputs", grp.outputs}, {"params", grp.params}});
  }
  nlohmann::json fusions = nlohmann::json::array();
  for (const auto& f : plan.fusions) fusions.push_back({{"pattern", f.pattern}, {"applied", f.applied}, {"nodes", f.nodes}, {"reason", f.reason}});
  j["fusions"] = fusions;
  const auto& m = plan.memory;
  j["memory"] = {{"intermediate_bytes", m.intermediate_bytes}, {"peak_live_bytes", m.peak_live_bytes}, {"io_bytes", m.io_bytes},
                 {"unplanned_bytes", m.unplanned_bytes}};
  const auto& t = plan.traffic;
  j["traffic"] = {{"fused_bytes", t.fused_bytes}, {"unfused_bytes", t.unfused_bytes}, {"minimum_bytes", t.minimum_bytes},
                  {"fused_kernels", t.fused_kernels}, {"unfused_kernels", t.unfused_kernels}};
  return j;
}

}  // namespace tmetal::graph
