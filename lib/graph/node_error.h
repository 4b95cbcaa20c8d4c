// Formatting of messages about one node: "file: node 'name' (op): ".
#pragma once

#include "triton_metal/graph.h"

namespace tmetal::graph {
std::string node_prefix(const Graph& graph, const Node& node);
}
