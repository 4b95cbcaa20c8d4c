// Helpers of the graph unit tests: parse a graph from a JSON literal, load an example graph, compare two
// graphs' outputs on random inputs with the float64 reference.
#pragma once

#include "triton_metal/graph.h"

#include <gtest/gtest.h>

namespace tmetal::graph::testing {

Graph parse(const std::string& json);
Graph example(const std::string& name);  // examples/graphs/NAME.json
// Max |a - b| / max|a| over the outputs of two graphs with the same inputs and outputs.
double relative_difference(const Graph& before, const Graph& after, uint64_t seed = 7);
// The message of the GraphError parsing `json` throws ("" when it does not throw).
std::string parse_error(const std::string& json);

}  // namespace tmetal::graph::testing
