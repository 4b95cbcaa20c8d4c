// Loads the JSON graph format (docs/graph-format.md) into a Graph: checks the JSON syntax (reported as
// file:line:column), the fields of every tensor and node, loads weights (inline "data", "file" .npy side
// files, or "safetensors" keys into the graph's one safetensors file), then validates references,
// cycles and per-op shapes and dtypes (graph_validate.cpp).
#include "file_confinement.h"
#include "npy.h"
#include "safetensors.h"
#include "tensor_size.h"

#include <fmt/core.h>

#include <fstream>
#include <memory>
#include <set>
#include <sstream>

namespace tmetal::graph {
namespace {

[[noreturn]] void fail(const std::string& source, const std::string& where, const std::string& what) {
  throw GraphError(fmt::format("{}: {}: {}", source, where, what));
}

void check_keys(const nlohmann::json& obj, const std::set<std::string>& allowed, const std::string& source,
                const std::string& where) {
  for (const auto& [key, value] : obj.items())
    if (!allowed.count(key)) fail(source, where, fmt::format("unknown field '{}'", key));
}

std::vector<std::string> string_list(const nlohmann::json& obj, const char* key, const std::string& source,
                                     const std::string& where, bool required) {
  if (!obj.contains(key)) {
    if (required) fail(source, where, fmt::format("field '{}' is missing", key));
    return {};
  }
  const auto& v = obj.at(key);
  if (!v.is_array()) fail(source, where, fmt::format("field '{}' must be a list of tensor names", key));
  std::vector<std::string> out;
  for (const auto& e : v) {
    if (!e.is_string()) fail(source, where, fmt::format("field '{}' must be a list of tensor names, found {}", key, e.dump()));
    out.push_back(e.get<std::string>());
  }
  return out;
}

// Nesting depth is bounded by the parser (kMaxJsonDepth), so the recursion is too.
void flatten_numbers(const nlohmann::json& v, std::vector<double>& out, bool& ok) {
  if (v.is_array())
    for (const auto& e : v) flatten_numbers(e, out, ok);
  else if (v.is_number())
    out.push_back(v.get<double>());
  else
    ok = false;
}

constexpr int kMaxJsonDepth = 64;

// Thrown from the parser callback: a duplicate key or too deep nesting.
struct JsonStructureError {
  std::string what;
};

// Parses JSON rejecting duplicate keys in any object (nlohmann would silently keep the last) and nesting
// deeper than kMaxJsonDepth; the path of the offending object is named ("tensors.w").
nlohmann::json parse_strict_json(const std::string& text) {
  struct Frame {
    std::string path;
    std::set<std::string> keys;
    bool object;
  };
  std::vector<Frame> stack;
  std::string pending_key;
  auto cb = [&](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) -> bool {
    using E = nlohmann::json::parse_event_t;
    if (depth > kMaxJsonDepth) throw JsonStructureError{fmt::format("nested deeper than {} levels", kMaxJsonDepth)};
    switch (event) {
      case E::object_start:
      case E::array_start: {
        std::string parent = stack.empty() ? "" : stack.back().path;
        std::string here = stack.empty() ? "" : !stack.back().object ? parent + "[]" : parent.empty() ? pending_key : parent + "." + pending_key;
        stack.push_back({here, {}, event == E::object_start});
        break;
      }
      case E::object_end:
      case E::array_end:
        if (!stack.empty()) stack.pop_back();
        break;
      case E::key: {
        pending_key = parsed.get<std::string>();
        if (!stack.empty() && !stack.back().keys.insert(pending_key).second)
          throw JsonStructureError{fmt::format("duplicate key '{}' in {}", pending_key, stack.back().path.empty() ? "the top-level object" : "'" + stack.back().path + "'")};
        break;
      }
      case E::value: break;
    }
    return true;
  };
  return nlohmann::json::parse(text, cb);
}

Tensor load_tensor(const std::string& name, const nlohmann::json& j, const std::string& source,
                   const std::filesystem::path& base_dir, const SafetensorsFile* weights) {
  std::string where = fmt::format("tensor '{}'", name);
  if (!j.is_object()) fail(source, where, "must be an object with 'shape' and 'dtype'");
  check_keys(j, {"shape", "dtype", "data", "file", "safetensors", "doc"}, source, where);
  Tensor t;
  t.name = name;
  if (!j.contains("shape") || !j["shape"].is_array()) fail(source, where, "field 'shape' must be a list of extents");
  for (const auto& d : j["shape"]) {
    if (!d.is_number_integer() || (d.is_number_unsigned() && d.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) || d.get<int64_t>() < 1)
      fail(source, where, fmt::format("field 'shape' must hold positive integers, found {}", d.dump()));
    t.shape.push_back(d.get<int64_t>());
  }
  if (t.shape.size() > 16) fail(source, where, fmt::format("field 'shape' has {} dimensions (at most 16)", t.shape.size()));
  if (!j.contains("dtype") || !j["dtype"].is_string()) fail(source, where, "field 'dtype' must be a dtype name such as \"f32\"");
  auto dtype = parse_dtype(j["dtype"].get<std::string>());
  if (!dtype) fail(source, where, fmt::format("field 'dtype': unknown dtype '{}'", j["dtype"].get<std::string>()));
  t.dtype = *dtype;
  if (auto why = tensor_size_problem(t.shape, t.dtype); !why.empty()) fail(source, where, "field 'shape': " + why);
  int sources = j.contains("data") + j.contains("file") + j.contains("safetensors");
  if (sources > 1) fail(source, where, "give at most one of 'data', 'file' and 'safetensors'");
  size_t need = static_cast<size_t>(numel(t.shape));
  if (j.contains("data")) {
    std::vector<double> data;
    bool ok = true;
    flatten_numbers(j["data"], data, ok);
    if (!ok) fail(source, where, "field 'data' must hold only numbers");
    if (data.size() != need)
      fail(source, where, fmt::format("field 'data' has {} values, shape {} needs {}", data.size(), shape_str(t.shape), need));
    for (auto& v : data) v = round_to_dtype(v, t.dtype);
    t.data = std::move(data);
  } else if (j.contains("file")) {
    if (!j["file"].is_string()) fail(source, where, "field 'file' must be a path to an .npy file");
    NpyArray arr;
    try {
      arr = read_npy(confined_input_file(base_dir, j["file"].get<std::string>(), "weight file"));
    } catch (const GraphError& e) {
      fail(source, where + ": field 'file'", e.what());
    }
    if (arr.shape != t.shape)
      fail(source, where + ": field 'file'", fmt::format("{} holds shape {}, expected {}", j["file"].get<std::string>(), shape_str(arr.shape), shape_str(t.shape)));
    if (arr.descr.substr(1) != npy_descr(t.dtype).substr(1))
      fail(source, where + ": field 'file'", fmt::format("{} holds dtype '{}', expected '{}' for {}", j["file"].get<std::string>(), arr.descr,
                                                         npy_descr(t.dtype), dtype_name(t.dtype)));
    t.data = std::move(arr.data);
  } else if (j.contains("safetensors")) {
    if (!weights) fail(source, where, "field 'safetensors' needs the graph's top-level 'weights' file");
    if (!j["safetensors"].is_string()) fail(source, where, "field 'safetensors' must be a key string");
    std::string key = j["safetensors"].get<std::string>();
    if (!weights->contains(key)) fail(source, where + ": field 'safetensors'", fmt::format("key '{}' is not in the weights file", key));
    SafetensorsEntry e;
    try {
      e = weights->read(key);
    } catch (const GraphError& err) {
      fail(source, where + ": field 'safetensors'", err.what());
    }
    if (e.shape != t.shape || e.dtype != t.dtype)
      fail(source, where + ": field 'safetensors'", fmt::format("key '{}' holds {} {}, expected {} {}", key, shape_str(e.shape), dtype_name(e.dtype),
                                                                shape_str(t.shape), dtype_name(t.dtype)));
    t.data = std::move(e.data);
  }
  return t;
}

Node load_node(size_t index, const nlohmann::json& j, const std::string& source) {
  std::string where = fmt::format("node #{}", index);
  if (!j.is_object()) fail(source, where, "must be an object");
  if (!j.contains("name") || !j["name"].is_string()) fail(source, where, "field 'name' must be a string");
  Node node;
  node.name = j["name"].get<std::string>();
  where = fmt::format("node '{}'", node.name);
  if (!j.contains("op") || !j["op"].is_string()) fail(source, where, "field 'op' must be a string");
  node.op = j["op"].get<std::string>();
  where = fmt::format("node '{}' ({})", node.name, node.op);
  check_keys(j, {"name", "op", "inputs", "outputs", "attrs", "doc"}, source, where);
  node.inputs = string_list(j, "inputs", source, where, false);
  node.outputs = string_list(j, "outputs", source, where, true);
  if (j.contains("attrs")) {
    if (!j["attrs"].is_object()) fail(source, where, "field 'attrs' must be an object");
    node.attrs = j["attrs"];
  }
  return node;
}

std::pair<size_t, size_t> line_column(const std::string& text, size_t byte) {
  size_t line = 1, col = 1;
  for (size_t i = 0; i < std::min(byte, text.size()); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return {line, col};
}

}  // namespace

Graph parse_graph(const std::string& text, const std::string& source, const std::filesystem::path& base_dir) {
  nlohmann::json j;
  try {
    j = parse_strict_json(text);
  } catch (const JsonStructureError& e) {
    throw GraphError(fmt::format("{}: malformed JSON: {}", source, e.what));
  } catch (const nlohmann::json::parse_error& e) {
    auto [line, col] = line_column(text, e.byte > 0 ? e.byte - 1 : 0);
    std::string what = e.what();
    if (auto p = what.find(": "); p != std::string::npos) what = what.substr(p + 2);
    throw GraphError(fmt::format("{}:{}:{}: malformed JSON: {}", source, line, col, what));
  } catch (const nlohmann::json::exception& e) {  // e.g. out_of_range.406 "number overflow parsing '1e400'"
    std::string what = e.what();
    if (auto p = what.find("] "); p != std::string::npos) what = what.substr(p + 2);
    throw GraphError(fmt::format("{}: malformed JSON: {}", source, what));
  }
  if (!j.is_object()) throw GraphError(fmt::format("{}: the graph must be a JSON object", source));
  check_keys(j, {"format", "version", "name", "doc", "weights", "inputs", "outputs", "tensors", "nodes"}, source, "graph");
  Graph g;
  g.source = source;
  if (j.contains("name") && !j["name"].is_string()) fail(source, "graph", "field 'name' must be a string");
  g.name = j.value("name", std::filesystem::path(source).stem().string());
  std::unique_ptr<SafetensorsFile> weights;
  if (j.contains("weights")) {
    if (!j["weights"].is_string()) fail(source, "graph", "field 'weights' must be the path of a safetensors file");
    try {
      weights = std::make_unique<SafetensorsFile>(confined_input_file(base_dir, j["weights"].get<std::string>(), "weights file"));
    } catch (const GraphError& e) {
      fail(source, "field 'weights'", e.what());
    }
  }
  if (!j.contains("tensors") || !j["tensors"].is_object()) fail(source, "graph", "field 'tensors' must be an object of tensor declarations");
  for (const auto& [name, tj] : j["tensors"].items()) g.tensors[name] = load_tensor(name, tj, source, base_dir, weights.get());
  g.inputs = string_list(j, "inputs", source, "graph", true);
  g.outputs = string_list(j, "outputs", source, "graph", true);
  if (g.outputs.empty()) fail(source, "field 'outputs'", "the graph has no outputs");
  for (const auto& in : g.inputs) {
    auto it = g.tensors.find(in);
    if (it == g.tensors.end()) fail(source, "field 'inputs'", fmt::format("graph input '{}' is not declared in 'tensors'", in));
    if (it->second.data) fail(source, "field 'inputs'", fmt::format("graph input '{}' has weight data; list it only in 'tensors'", in));
  }
  if (!j.contains("nodes") || !j["nodes"].is_array()) fail(source, "graph", "field 'nodes' must be a list of nodes");
  for (size_t i = 0; i < j["nodes"].size(); ++i) g.nodes.push_back(load_node(i, j["nodes"][i], source));
  validate_graph(g);
  return g;
}

Graph load_graph_file(const std::filesystem::path& path) {
  require_regular_file(path, "graph file");
  std::ifstream in(path);
  if (!in) throw GraphError(fmt::format("{}: cannot open graph file", path.string()));
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_graph(ss.str(), path.filename().string(), path.parent_path());
}

}  // namespace tmetal::graph
