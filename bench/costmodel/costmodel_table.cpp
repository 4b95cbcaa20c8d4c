// Prints the roofline cost model's predictions for the standard workloads on every chip of the table, as
// a Markdown table (time and bound per workload), for docs and for comparison with measurements.
#include "triton_metal/target_cost_model.h"

#include <fmt/format.h>

int main() {
  namespace tt = tmetal::target;
  const auto workloads = tt::standard_workloads();
  fmt::print("| chip |");
  for (const auto& w : workloads) fmt::print(" {} |", w.name);
  fmt::print("\n| --- |");
  for (std::size_t i = 0; i < workloads.size(); ++i) fmt::print(" --- |");
  fmt::print("\n");
  for (const auto& row : tt::chip_table()) {
    const tt::Target t(row);
    fmt::print("| {} |", t.name());
    for (const auto& w : workloads) {
      const auto p = tt::predict(t, w);
      fmt::print(" {:.1f} us ({}) |", p.seconds * 1e6, tt::bound_name(p.bound));
    }
    fmt::print("\n");
  }
  return 0;
}
