// Liveness-based buffer reuse for a plan's intermediates (see memory_planner.h).
#include "memory_planner.h"

#include <set>

namespace tmetal::graph {

int64_t tensor_bytes(const Tensor& t) { return numel(t.shape) * dtype_bytes(t.dtype); }

MemoryPlan plan_memory(const Graph& graph, const std::vector<FusedGroup>& groups, const std::map<std::string, TensorView>& views) {
  MemoryPlan plan;
  auto root = [&](const std::string& t) {
    auto it = views.find(t);
    return it == views.end() ? t : it->second.root;
  };
  std::set<std::string> io(graph.inputs.begin(), graph.inputs.end());
  io.insert(graph.outputs.begin(), graph.outputs.end());
  for (const auto& [name, t] : graph.tensors)
    if (t.data) io.insert(name);
  for (const auto& name : io)
    if (graph.tensors.count(name) && !views.count(name)) plan.io_bytes += tensor_bytes(graph.tensor(name));
  // liveness of every intermediate root
  std::map<std::string, std::pair<size_t, size_t>> live;
  for (size_t gi = 0; gi < groups.size(); ++gi) {
    if (!groups[gi].launches_kernel) continue;
    for (const auto& out : groups[gi].outputs)  // a kernel may write its output as a view of a later tensor
      if (!io.count(out) && !io.count(root(out)) && !live.count(root(out))) live[root(out)] = {gi, gi};
  }
  for (size_t gi = 0; gi < groups.size(); ++gi)
    for (const auto& in : groups[gi].inputs) {
      auto it = live.find(root(in));
      if (it != live.end()) it->second.second = std::max(it->second.second, gi);
    }
  std::vector<bool> free_buffer;
  std::map<std::string, int> buffer_of;
  for (size_t gi = 0; gi < groups.size(); ++gi) {
    std::vector<std::string> roots;
    for (const auto& out : groups[gi].outputs)
      if (!std::count(roots.begin(), roots.end(), root(out))) roots.push_back(root(out));
    for (const auto& out : roots) {
      if (!live.count(out) || live[out].first != gi || buffer_of.count(out)) continue;
      int64_t bytes = tensor_bytes(graph.tensor(out));
      int best = -1;
      for (size_t b = 0; b < plan.buffer_bytes.size(); ++b)
        if (free_buffer[b] && plan.buffer_bytes[b] >= bytes && (best < 0 || plan.buffer_bytes[b] < plan.buffer_bytes[best])) best = static_cast<int>(b);
      if (best < 0)
        for (size_t b = 0; b < plan.buffer_bytes.size(); ++b)
          if (free_buffer[b] && (best < 0 || plan.buffer_bytes[b] > plan.buffer_bytes[best])) best = static_cast<int>(b);
      if (best < 0) {
        plan.buffer_bytes.push_back(bytes);
        free_buffer.push_back(false);
        best = static_cast<int>(plan.buffer_bytes.size()) - 1;
      }
      plan.buffer_bytes[best] = std::max(plan.buffer_bytes[best], bytes);
      free_buffer[best] = false;
      buffer_of[out] = best;
      plan.assignments.push_back({out, best, bytes, live[out].first, live[out].second});
      plan.unplanned_bytes += bytes;
    }
    int64_t live_now = 0;
    for (const auto& [name, range] : live)
      if (range.first <= gi && gi <= range.second) live_now += tensor_bytes(graph.tensor(name));
    plan.peak_live_bytes = std::max(plan.peak_live_bytes, live_now);
    for (const auto& [name, range] : live)
      if (range.second == gi && buffer_of.count(name)) free_buffer[buffer_of[name]] = true;
  }
  for (const auto& [name, v] : views)
    if (buffer_of.count(v.root)) plan.assignments.push_back({name, buffer_of[v.root], 0, live[v.root].first, live[v.root].second});
  for (int64_t b : plan.buffer_bytes) plan.intermediate_bytes += b;
  return plan;
}

TrafficReport account_traffic(const Graph& unfused_graph, const Graph& graph, const std::vector<FusedGroup>& groups,
                              const std::map<std::string, TensorView>&) {
  TrafficReport r;
  std::set<std::string> touched(unfused_graph.inputs.begin(), unfused_graph.inputs.end());
  touched.insert(unfused_graph.outputs.begin(), unfused_graph.outputs.end());
  for (const auto& node : unfused_graph.nodes)
    for (const auto& in : node.inputs)
      if (unfused_graph.is_constant(in)) touched.insert(in);
  for (const auto& name : touched) r.minimum_bytes += tensor_bytes(unfused_graph.tensor(name));
  for (const auto& node : unfused_graph.nodes) {
    if (node.op == "reshape") continue;
    ++r.unfused_kernels;
    std::set<std::string> reads(node.inputs.begin(), node.inputs.end());
    for (const auto& in : reads) r.unfused_bytes += tensor_bytes(unfused_graph.tensor(in));
    for (const auto& out : node.outputs) r.unfused_bytes += tensor_bytes(unfused_graph.tensor(out));
  }
  for (const auto& grp : groups) {
    if (!grp.launches_kernel) continue;
    ++r.fused_kernels;
    for (const auto& in : grp.inputs) r.fused_bytes += tensor_bytes(graph.tensor(in));
    for (const auto& out : grp.outputs) r.fused_bytes += tensor_bytes(graph.tensor(out));
  }
  return r;
}

}  // namespace tmetal::graph
