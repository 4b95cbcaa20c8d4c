// Helpers of the graph unit tests (see test_graphs.h).
#include "test_graphs.h"

#include <cmath>

namespace tmetal::graph::testing {

Graph parse(const std::string& json) { return parse_graph(json, "test.json", TM_SOURCE_DIR); }

Graph example(const std::string& name) {
  return load_graph_file(std::filesystem::path(TM_SOURCE_DIR) / "examples" / "graphs" / (name + ".json"));
}

double relative_difference(const Graph& before, const Graph& after, uint64_t seed) {
  auto inputs = random_inputs(before, seed);
  auto a = run_reference(before, inputs);
  auto b = run_reference(after, inputs);
  double worst = 0;
  for (const auto& name : before.outputs) {
    const auto& x = a.at(name).data;
    const auto& y = b.at(name).data;
    EXPECT_EQ(x.size(), y.size()) << name;
    double scale = 1e-30, diff = 0;
    for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
      if (std::isinf(x[i]) && x[i] == y[i]) continue;
      scale = std::max(scale, std::fabs(x[i]));
      diff = std::max(diff, std::fabs(x[i] - y[i]));
    }
    worst = std::max(worst, diff / scale);
  }
  return worst;
}

std::string parse_error(const std::string& json) {
  try {
    parse(json);
  } catch (const GraphError& e) {
    return e.what();
  }
  return "";
}

}  // namespace tmetal::graph::testing
