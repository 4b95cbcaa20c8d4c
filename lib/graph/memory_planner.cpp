// Liveness-based buffer reuse for a plan's intermediates (see memory_planner.h).
#include "memory_planner.h"

#include <algorithm>
#include <map>
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
  // Sweep over groups in order, O((groups + tensors) log buffers): a tensor's bytes join the live sum at
  // its first group and leave after its last; free buffers are kept ordered by size for best fit.
  std::vector<std::vector<std::string>> ends_at(groups.size());
  std::vector<int64_t> starts_bytes(groups.size(), 0), ends_bytes(groups.size(), 0);
  for (const auto& [name, range] : live) {
    int64_t bytes = tensor_bytes(graph.tensor(name));
    starts_bytes[range.first] += bytes;
    ends_bytes[range.second] += bytes;
    ends_at[range.second].push_back(name);
  }
  std::set<std::pair<int64_t, int>> free_by_size;  // (bytes, buffer) of the free buffers
  std::map<std::string, int> buffer_of;
  int64_t live_now = 0;
  for (size_t gi = 0; gi < groups.size(); ++gi) {
    std::vector<std::string> roots;
    for (const auto& out : groups[gi].outputs)
      if (!std::count(roots.begin(), roots.end(), root(out))) roots.push_back(root(out));
    for (const auto& out : roots) {
      auto lit = live.find(out);
      if (lit == live.end() || lit->second.first != gi || buffer_of.count(out)) continue;
      int64_t bytes = tensor_bytes(graph.tensor(out));
      int best = -1;
      // the smallest free buffer that fits, else the largest free one (grown), else a new buffer
      // (ties go to the lowest buffer index)
      if (auto it = free_by_size.lower_bound({bytes, -1}); it != free_by_size.end()) {
        best = it->second;
        free_by_size.erase(it);
      } else if (!free_by_size.empty()) {
        auto largest = free_by_size.lower_bound({std::prev(free_by_size.end())->first, -1});
        best = largest->second;
        free_by_size.erase(largest);
      } else {
        plan.buffer_bytes.push_back(bytes);
        best = static_cast<int>(plan.buffer_bytes.size()) - 1;
      }
      plan.buffer_bytes[best] = std::max(plan.buffer_bytes[best], bytes);
      buffer_of[out] = best;
      plan.assignments.push_back({out, best, bytes, lit->second.first, lit->second.second});
      plan.unplanned_bytes += bytes;
    }
    live_now += starts_bytes[gi];
    plan.peak_live_bytes = std::max(plan.peak_live_bytes, live_now);
    live_now -= ends_bytes[gi];
    for (const auto& name : ends_at[gi])
      if (auto b = buffer_of.find(name); b != buffer_of.end()) free_by_size.insert({plan.buffer_bytes[b->second], b->second});
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
