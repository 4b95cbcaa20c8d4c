// Public API of triton-metal's graph level: operator graphs loaded from JSON (docs/graph-format.md),
// validated and shape-inferred, optimized by graph passes, laid out and fused into kernel groups for one
// Apple GPU target, memory-planned, and executed: by the float64 reference, or as compiled Metal kernels
// on a runtime::Device (DeviceGroupRunner).
//
// Typical use:
//   auto g = tmetal::graph::load_graph_file("model.json");          // throws GraphError on bad graphs
//   auto plan = tmetal::graph::compile_graph(g, tmetal::graph::GraphTarget::from_name("m3"));
//   std::puts(tmetal::graph::format_report(plan).c_str());
#pragma once

#include "triton_metal/target.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace tmetal {
struct CompiledKernel;
namespace runtime {
class Device;
}
}  // namespace tmetal

namespace tmetal::graph {

// ---- element types and shapes ----------------------------------------------------------------------
enum class DType { F32, F16, BF16, I32, I64, I8, U8, Bool };
std::optional<DType> parse_dtype(std::string_view name);
std::string dtype_name(DType dtype);
int64_t dtype_bytes(DType dtype);
bool is_float(DType dtype);
// The value `x` as stored in `dtype` (f16/bf16/f32 rounding to nearest even, integer truncation).
double round_to_dtype(double x, DType dtype);

using Shape = std::vector<int64_t>;
int64_t numel(const Shape& shape);
std::string shape_str(const Shape& shape);  // "[2,3]"

// Any error in a graph a user wrote: the message names the file and the node and field at fault.
class GraphError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// ---- graph IR --------------------------------------------------------------------------------------
struct Tensor {
  std::string name;
  Shape shape;
  DType dtype = DType::F32;
  std::optional<std::vector<double>> data;  // constant value (weight or folded), row-major, numel values
};

struct Node {
  std::string name;
  std::string op;
  std::vector<std::string> inputs;
  std::vector<std::string> outputs;
  nlohmann::json attrs = nlohmann::json::object();
};

struct Graph {
  std::string name;
  std::string source = "graph";  // file name used in messages
  std::map<std::string, Tensor> tensors;
  std::vector<Node> nodes;  // always in a topological order
  std::vector<std::string> inputs;
  std::vector<std::string> outputs;

  const Tensor& tensor(const std::string& name) const;
  Tensor& tensor(const std::string& name);
  bool is_constant(const std::string& name) const;
  bool is_output(const std::string& name) const;
  // tensor name -> indices of the nodes reading it (a node reading it twice appears twice)
  std::map<std::string, std::vector<size_t>> consumers() const;
  // tensor name -> index of the node writing it
  std::map<std::string, size_t> producers() const;
  std::string fresh_name(const std::string& base) const;  // a tensor/node name not yet used
};

// Loads and validates a graph: JSON syntax (file:line:column), references, cycles, op names, attributes,
// per-op shape and dtype rules, weights (inline, .npy side files, or one safetensors file).
Graph load_graph_file(const std::filesystem::path& path);
Graph parse_graph(const std::string& text, const std::string& source_name, const std::filesystem::path& base_dir);
// Re-runs shape inference over a graph (after a pass) and sorts its nodes topologically.
void validate_graph(Graph& graph);
// Textual dump, one line per tensor declaration and per node (used by --dump and lit tests).
std::string print_graph(const Graph& graph);
// Serializes a graph back to the JSON format (constants inline).
nlohmann::json graph_to_json(const Graph& graph);

// ---- float64 reference executor --------------------------------------------------------------------
struct TensorValue {
  Shape shape;
  std::vector<double> data;
};
using Values = std::map<std::string, TensorValue>;

// Runs every node with straightforward float64 loops; returns the value of every tensor.
Values run_reference(const Graph& graph, const Values& inputs);
// Deterministic random values for the graph inputs (floats uniform in [-1,1), integer ids in range).
Values random_inputs(const Graph& graph, uint64_t seed);
// Evaluates one node on given input values (used by the executor and by constant folding).
std::vector<TensorValue> evaluate_node(const Graph& graph, const Node& node, const std::vector<const TensorValue*>& in);

// Writes values as a NumPy .npy file of `dtype` (C order, little-endian, format version 1).
void write_npy(const std::filesystem::path& path, const Shape& shape, DType dtype, const std::vector<double>& values);

// ---- target ----------------------------------------------------------------------------------------
using Generation = tmetal::target::Generation;  // generation_name(g) comes from the hardware model

// The few hardware facts the graph level consults, built in one place (graph_target.cpp) from the
// hardware model (tmetal::target::Target), so every graph decision traces back to it.
struct GraphTarget {
  std::string name;  // e.g. "apple-m3"
  Generation generation = Generation::M3;
  int64_t threadgroup_memory_bytes = 32768;
  int simd_width = 32;
  int max_threads_per_threadgroup = 1024;
  bool has_dynamic_caching = true;
  bool supports_bfloat = true;       // the MSL bfloat type exists
  bool has_native_bfloat = false;    // bf16 arithmetic runs natively (else computed in f32)
  bool supports_simdgroup_matrix = true;
  int register_budget_per_thread = 64;  // 32-bit registers a thread may use without losing occupancy
  int matmul_block_m = 64, matmul_block_n = 64, matmul_block_k = 32;  // threadgroup tile for dot

  static GraphTarget from_target(const tmetal::target::Target& target);
  // Any name the hardware model resolves ("m3", "apple-m3-10c", "M3 Max", ...); GraphError if unknown.
  static GraphTarget from_name(const std::string& name);
  // The largest base chip of a generation (what "m1".."m5" resolve to).
  static GraphTarget for_generation(Generation generation);
};

// ---- compilation: passes, layouts, fusion, memory plan ---------------------------------------------
struct PassLog {
  std::string pass;
  std::vector<std::string> changes;  // one line per rewrite
};

// A tensor that is a strided view of another tensor's buffer (reshape, slice, or a transpose the
// consumers read through strides): no kernel, no copy.
struct TensorView {
  std::string root;  // the materialized tensor whose buffer holds the elements
  int64_t offset = 0;
  Shape shape;
  std::vector<int64_t> strides;  // in elements
};

struct LayoutDecision {
  std::string tensor;
  std::string storage;  // "row-major" or a permuted order such as "NHWC"
  std::string access;   // e.g. "tiled(64x32)", "blocked(vec4)", "coalesced-rows", "tiles2d(8x8)"
  std::string reason;
};

struct FusionDecision {
  std::string pattern;
  bool applied = false;
  std::vector<std::string> nodes;  // the matched nodes
  std::string reason;              // why refused (or what was fused)
};

// One kernel of the plan: the nodes it runs, the template that implements it and its parameters.
struct FusedGroup {
  std::string name;
  std::string kind;             // pattern name or generic kind ("elementwise_chain", "row_reduction", ...)
  std::string kernel_template;  // file in kernels/ ("flash_attention.py") or "generated:<generator>"
  std::vector<size_t> nodes;    // indices into Plan::graph.nodes, in execution order
  std::vector<std::string> inputs;   // tensors read from device memory
  std::vector<std::string> outputs;  // tensors written to device memory
  nlohmann::json params = nlohmann::json::object();
  bool launches_kernel = true;  // false for pure views (reshape)
};

struct BufferAssignment {
  std::string tensor;
  int buffer = -1;  // index into MemoryPlan::buffer_bytes; -1 for inputs, weights and outputs
  int64_t bytes = 0;
  size_t first_group = 0, last_group = 0;
};

struct MemoryPlan {
  std::vector<BufferAssignment> assignments;
  std::vector<int64_t> buffer_bytes;  // pooled intermediate buffers
  int64_t io_bytes = 0;               // inputs + weights + outputs (each its own buffer)
  int64_t intermediate_bytes = 0;     // sum of pooled buffers
  int64_t peak_live_bytes = 0;        // max over groups of live intermediate bytes
  int64_t unplanned_bytes = 0;        // every intermediate its own buffer (no reuse)
};

struct TrafficReport {
  int64_t fused_bytes = 0, unfused_bytes = 0, minimum_bytes = 0;
  int64_t fused_kernels = 0, unfused_kernels = 0;
};

struct CompileOptions {
  bool fuse = true;
  bool optimize = true;              // run the graph passes
  std::vector<std::string> passes;   // names of the passes to run; empty: the whole pipeline
  std::function<void(const PassLog&, const Graph&)> after_pass;  // called after each pass (for --dump)
};

struct Plan {
  GraphTarget target;
  Graph graph;  // after passes
  std::vector<PassLog> passes;
  std::vector<LayoutDecision> layouts;
  std::map<std::string, TensorView> views;
  int layout_conversions = 0;  // transposes that stay kernels (consumers could not read them strided)
  std::vector<FusionDecision> fusions;
  std::vector<FusedGroup> groups;
  MemoryPlan memory;
  TrafficReport traffic;
};

Plan compile_graph(const Graph& graph, const GraphTarget& target, const CompileOptions& options = {});
std::string format_report(const Plan& plan);
// The cost model's predicted time (seconds) of the plan's kernels on its target, summed (cost_prediction.cpp).
double predict_plan_seconds(const Plan& plan);
std::string format_layout_explanation(const Plan& plan);
nlohmann::json plan_to_json(const Plan& plan);

// The Triton-language source of a group's kernel: the template file's text for template groups, or
// generated source for elementwise chains and row reductions. `kernels_dir` holds the templates.
struct KernelSource {
  std::string file_name;  // e.g. "g3_elementwise_chain.py"
  std::string source;
  std::string entry;       // @triton.jit function to compile
  nlohmann::json constexprs = nlohmann::json::object();
};
KernelSource kernel_source_for(const Plan& plan, const FusedGroup& group, const std::filesystem::path& kernels_dir);
// The repository's kernels/ folder (set at build time).
std::filesystem::path default_kernels_dir();

// ---- executing a plan ------------------------------------------------------------------------------
// Runs one group: DeviceGroupRunner compiles and launches its kernel on a Device; ReferenceGroupRunner
// evaluates the group's nodes in float64.
class GroupRunner {
 public:
  virtual ~GroupRunner() = default;
  // `buffers` maps every tensor of the group's inputs to its value; writes the group's outputs.
  virtual void run_group(const Plan& plan, const FusedGroup& group, Values& buffers) = 0;
};
class ReferenceGroupRunner : public GroupRunner {
 public:
  void run_group(const Plan& plan, const FusedGroup& group, Values& buffers) override;
};
// Runs each group as a compiled Metal kernel: kernel_source_for(group) (helpers imported from other
// kernels/ modules inlined) through the front end, GPU lowering and MSL emission for the plan's target,
// launched on `device`. Pointers bind by the group's `args` (templates) or inputs then outputs
// (generated kernels); a view is its root buffer plus the view's offset and strides. Compiled kernels
// are cached per source and specialization. Throws GraphError naming the group when a kernel does not
// compile or launch.
class DeviceGroupRunner : public GroupRunner {
 public:
  explicit DeviceGroupRunner(runtime::Device& device, std::filesystem::path kernels_dir = default_kernels_dir());
  void run_group(const Plan& plan, const FusedGroup& group, Values& buffers) override;
  // The compiled kernel of a group (compiles it on first use).
  const CompiledKernel& compile_group(const Plan& plan, const FusedGroup& group);
  int64_t launches() const { return launches_; }
  // Device-memory bytes the launched kernels read and wrote, as the Device measured them.
  int64_t device_bytes() const { return device_bytes_; }

 private:
  struct Cache;
  runtime::Device& device_;
  std::filesystem::path kernels_dir_;
  std::shared_ptr<Cache> cache_;
  int64_t launches_ = 0;
  int64_t device_bytes_ = 0;
};

// Executes the plan group by group, storing intermediates in the memory plan's pooled buffers (a buffer
// reused too early corrupts results, so running this checks the planner too). Returns graph outputs.
Values execute_plan(const Plan& plan, const Values& inputs, GroupRunner& runner);

}  // namespace tmetal::graph
