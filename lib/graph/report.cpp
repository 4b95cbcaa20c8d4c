// Human-readable reports of a plan: passes, fusions applied and refused, layouts, kernels, memory and
// traffic (--report), and every layout decision with its reason (--explain).
#include "fusion_patterns.h"

#include <fmt/core.h>

namespace tmetal::graph {
namespace {
std::string kib(int64_t bytes) { return fmt::format("{} B ({:.1f} KiB)", bytes, static_cast<double>(bytes) / 1024.0); }
std::string list(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}
}  // namespace

std::string format_report(const Plan& plan) {
  const Graph& g = plan.graph;
  std::string out = fmt::format("graph {} on {} ({})\n", g.name, plan.target.name, generation_name(plan.target.generation));
  out += "passes:\n";
  for (const auto& p : plan.passes) {
    out += fmt::format("  {}: {} change{}\n", p.pass, p.changes.size(), p.changes.size() == 1 ? "" : "s");
    for (const auto& c : p.changes) out += "    " + c + "\n";
  }
  out += "fusion patterns:\n";
  for (const auto& pat : fusion_patterns())
    out += fmt::format("  {:<16} min_generation {}  {}\n", pat.name, generation_name(pat.min_generation), pat.structure);
  out += "fusions:\n";
  if (plan.fusions.empty()) out += "  (none matched)\n";
  for (const auto& f : plan.fusions)
    out += fmt::format("  {} {} [{}]: {}\n", f.applied ? "applied" : "refused", f.pattern, list(f.nodes), f.reason);
  out += fmt::format("layouts: {} view{} (no kernel), {} conversion kernel{}\n", plan.views.size(), plan.views.size() == 1 ? "" : "s",
                     plan.layout_conversions, plan.layout_conversions == 1 ? "" : "s");
  for (const auto& d : plan.layouts) out += fmt::format("  {}: {}; {}\n", d.tensor, d.storage, d.access);
  out += "kernels:\n";
  for (const auto& grp : plan.groups) {
    if (!grp.launches_kernel) continue;
    std::vector<std::string> names;
    for (size_t n : grp.nodes) names.push_back(g.nodes[n].name);
    out += fmt::format("  {} [{}] template {} reads {} writes {}\n", grp.name, list(names), grp.kernel_template, list(grp.inputs), list(grp.outputs));
  }
  const auto& m = plan.memory;
  out += fmt::format("memory: intermediates {} in {} pooled buffer{} (without reuse {}); peak live intermediates {}; inputs+weights+outputs {}\n",
                     kib(m.intermediate_bytes), m.buffer_bytes.size(), m.buffer_bytes.size() == 1 ? "" : "s", kib(m.unplanned_bytes),
                     kib(m.peak_live_bytes), kib(m.io_bytes));
  const auto& t = plan.traffic;
  auto ratio = [&](int64_t b) { return t.minimum_bytes ? static_cast<double>(b) / static_cast<double>(t.minimum_bytes) : 0.0; };
  out += fmt::format("traffic: fused {} ({:.2f}x minimum), unfused {} ({:.2f}x minimum), minimum {}\n", kib(t.fused_bytes), ratio(t.fused_bytes),
                     kib(t.unfused_bytes), ratio(t.unfused_bytes), kib(t.minimum_bytes));
  out += fmt::format("kernels launched: fused {}, unfused {}\n", t.fused_kernels, t.unfused_kernels);
  out += fmt::format("predicted time on {}: {:.3g} us (cost model, {} kernels)\n", plan.target.name, predict_plan_seconds(plan) * 1e6,
                     t.fused_kernels);
  return out;
}

std::string format_layout_explanation(const Plan& plan) {
  std::string out = fmt::format("layout decisions on {}:\n", plan.target.name);
  for (const auto& d : plan.layouts) out += fmt::format("  {}: storage {}; access {}\n    because {}\n", d.tensor, d.storage, d.access, d.reason);
  return out;
}

}  // namespace tmetal::graph
