// Typed access to a node's attributes with errors that name the attribute ("attribute 'axis' must be
// an integer") and range helpers for axes.
#pragma once

#include "op_registry.h"

namespace tmetal::graph::attr {

int64_t get_int(const Node& node, const char* key, int64_t fallback);
double get_float(const Node& node, const char* key, double fallback);
bool get_bool(const Node& node, const char* key, bool fallback);
std::string get_string(const Node& node, const char* key, const std::string& fallback);
std::vector<int64_t> get_ints(const Node& node, const char* key, std::vector<int64_t> fallback);
// Pair attributes like stride: a single integer n means [n, n]; must have exactly `count` entries.
std::vector<int64_t> get_pair(const Node& node, const char* key, int64_t fallback, size_t count = 2);
// Normalizes a possibly negative axis for a tensor of `rank`; throws naming the attribute.
int64_t normalize_axis(int64_t axis, size_t rank, const char* key);

}  // namespace tmetal::graph::attr
