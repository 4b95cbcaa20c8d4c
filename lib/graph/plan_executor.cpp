// Executes a plan group by group with a GroupRunner (the hook where compiled kernels on a Device plug
// in). Intermediates live in the memory plan's pooled buffers: when a group writes a buffer, what it
// held before is gone, and a group reading a tensor whose buffer was taken over fails loudly, so
// running a plan also checks the memory planner. ReferenceGroupRunner evaluates nodes in float64.
#include "triton_metal/graph.h"

#include <fmt/core.h>

#include <set>

namespace tmetal::graph {

void ReferenceGroupRunner::run_group(const Plan& plan, const FusedGroup& group, Values& buffers) {
  std::set<std::string> produced;
  for (size_t n : group.nodes) {
    const Node& node = plan.graph.nodes[n];
    std::vector<const TensorValue*> in;
    for (const auto& name : node.inputs) {
      auto it = buffers.find(name);
      if (it == buffers.end()) throw std::logic_error(fmt::format("group {}: input '{}' has no value", group.name, name));
      in.push_back(&it->second);
    }
    auto out = evaluate_node(plan.graph, node, in);
    for (size_t i = 0; i < out.size(); ++i) {
      buffers[node.outputs[i]] = std::move(out[i]);
      produced.insert(node.outputs[i]);
    }
  }
  for (const auto& t : produced)
    if (!std::count(group.outputs.begin(), group.outputs.end(), t)) buffers.erase(t);  // fused away: never in device memory
}

Values execute_plan(const Plan& plan, const Values& inputs, GroupRunner& runner) {
  const Graph& g = plan.graph;
  Values values;
  for (const auto& name : g.inputs) {
    auto it = inputs.find(name);
    if (it == inputs.end()) throw GraphError(fmt::format("{}: no value given for graph input '{}'", g.source, name));
    values[name] = it->second;
  }
  for (const auto& [name, t] : g.tensors)
    if (t.data) values[name] = {t.shape, *t.data};
  std::map<std::string, int> buffer_of;
  for (const auto& a : plan.memory.assignments) buffer_of[a.tensor] = a.buffer;
  auto root = [&](const std::string& t) {
    auto it = plan.views.find(t);
    return it == plan.views.end() ? t : it->second.root;
  };
  std::map<int, std::string> occupant;  // buffer -> root tensor stored in it
  for (const auto& grp : plan.groups) {
    for (const auto& in : grp.inputs) {
      auto b = buffer_of.find(in);
      if (b == buffer_of.end() || b->second < 0) continue;
      if (occupant[b->second] != root(in))
        throw std::logic_error(fmt::format("memory plan error: group {} reads '{}' from buffer {}, which now holds '{}'", grp.name, in, b->second,
                                           occupant[b->second]));
    }
    runner.run_group(plan, grp, values);
    for (const auto& out : grp.outputs) {
      const std::string r = root(out);
      auto b = buffer_of.find(r);
      if (b == buffer_of.end() || b->second < 0) continue;
      const std::string old = occupant[b->second];
      if (!old.empty() && old != r) {  // the previous occupant and its views are overwritten
        for (auto it = values.begin(); it != values.end();)
          it = (root(it->first) == old) ? values.erase(it) : std::next(it);
      }
      occupant[b->second] = r;
    }
  }
  Values outputs;
  for (const auto& name : g.outputs) {
    auto it = values.find(name);
    if (it == values.end()) throw std::logic_error(fmt::format("plan did not produce graph output '{}'", name));
    outputs[name] = it->second;
  }
  return outputs;
}

}  // namespace tmetal::graph
