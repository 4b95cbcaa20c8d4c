// DeviceGroupRunner: runs each fused group of a plan as a compiled Metal kernel. The group's Triton
// source (template or generated, kernel_source_for) goes through the whole compiler (front end, tile-IR
// passes, GPU lowering, MSL emission) for the plan's target and is launched on a runtime::Device.
// Pointers bind by the group's `args` (templates) or inputs then outputs (generated kernels); a view is
// passed as its root buffer with the view's offset and strides; the scalars and the grid of each
// template follow the template's header comment. Helpers a template imports from another kernels/ module
// (`from epilogue import ...`) are inlined, because the front end compiles one module.
#include "triton_metal/graph.h"
#include "triton_metal/kernel.h"

#include "shape_math.h"

#include <fmt/core.h>
#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>

namespace tmetal::graph {
namespace {

int64_t cdiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

std::string sig_type(DType d) {
  switch (d) {
    case DType::F32: return "fp32";
    case DType::F16: return "fp16";
    case DType::BF16: return "bf16";
    case DType::I32: return "i32";
    case DType::I64: return "i64";
    case DType::I8: return "i8";
    case DType::U8: return "u8";
    case DType::Bool: return "i1";
  }
  return "fp32";
}

uint16_t to_half(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  uint32_t sign = (x >> 16) & 0x8000u;
  int32_t exp = static_cast<int32_t>((x >> 23) & 0xff) - 127 + 15;
  uint32_t mant = x & 0x7fffffu;
  if (((x >> 23) & 0xff) == 0xff) return static_cast<uint16_t>(sign | 0x7c00u | (mant ? 0x200u : 0));
  if (exp >= 31) return static_cast<uint16_t>(sign | 0x7c00u);
  if (exp <= 0) {
    if (exp < -10) return static_cast<uint16_t>(sign);
    mant |= 0x800000u;
    uint32_t shift = static_cast<uint32_t>(14 - exp);
    uint32_t h = mant >> shift, rem = mant & ((1u << shift) - 1), half = 1u << (shift - 1);
    if (rem > half || (rem == half && (h & 1))) ++h;
    return static_cast<uint16_t>(sign | h);
  }
  uint32_t h = (static_cast<uint32_t>(exp) << 10) | (mant >> 13), rem = mant & 0x1fffu;
  if (rem > 0x1000u || (rem == 0x1000u && (h & 1))) ++h;
  return static_cast<uint16_t>(sign | h);
}

float from_half(uint16_t h) {
  uint32_t sign = (h & 0x8000u) << 16, exp = (h >> 10) & 0x1f, mant = h & 0x3ffu;
  float v;
  if (exp == 0) v = std::ldexp(static_cast<float>(mant), -24);
  else if (exp == 31) v = mant ? NAN : INFINITY;
  else v = std::ldexp(static_cast<float>(mant | 0x400u), static_cast<int>(exp) - 25);
  return sign ? -v : v;
}

// Host bytes of `values` stored as `dtype`.
std::vector<unsigned char> encode(const std::vector<double>& values, DType dtype) {
  std::vector<unsigned char> out(values.size() * static_cast<size_t>(dtype_bytes(dtype)));
  for (size_t i = 0; i < values.size(); ++i) {
    unsigned char* p = out.data() + i * static_cast<size_t>(dtype_bytes(dtype));
    double v = values[i];
    switch (dtype) {
      case DType::F32: { float f = static_cast<float>(v); std::memcpy(p, &f, 4); break; }
      case DType::F16: { uint16_t h = to_half(static_cast<float>(v)); std::memcpy(p, &h, 2); break; }
      case DType::BF16: {
        float f = static_cast<float>(round_to_dtype(v, DType::BF16));
        uint32_t x;
        std::memcpy(&x, &f, 4);
        uint16_t b = static_cast<uint16_t>(x >> 16);
        std::memcpy(p, &b, 2);
        break;
      }
      case DType::I32: { int32_t x = static_cast<int32_t>(v); std::memcpy(p, &x, 4); break; }
      case DType::I64: { int64_t x = static_cast<int64_t>(v); std::memcpy(p, &x, 8); break; }
      case DType::I8: { int8_t x = static_cast<int8_t>(v); std::memcpy(p, &x, 1); break; }
      case DType::U8: case DType::Bool: { uint8_t x = static_cast<uint8_t>(v); std::memcpy(p, &x, 1); break; }
    }
  }
  return out;
}

std::vector<double> decode(const std::vector<unsigned char>& bytes, DType dtype) {
  size_t n = bytes.size() / static_cast<size_t>(dtype_bytes(dtype));
  std::vector<double> out(n);
  for (size_t i = 0; i < n; ++i) {
    const unsigned char* p = bytes.data() + i * static_cast<size_t>(dtype_bytes(dtype));
    switch (dtype) {
      case DType::F32: { float f; std::memcpy(&f, p, 4); out[i] = f; break; }
      case DType::F16: { uint16_t h; std::memcpy(&h, p, 2); out[i] = from_half(h); break; }
      case DType::BF16: {
        uint16_t b;
        std::memcpy(&b, p, 2);
        uint32_t x = static_cast<uint32_t>(b) << 16;
        float f;
        std::memcpy(&f, &x, 4);
        out[i] = f;
        break;
      }
      case DType::I32: { int32_t x; std::memcpy(&x, p, 4); out[i] = x; break; }
      case DType::I64: { int64_t x; std::memcpy(&x, p, 8); out[i] = static_cast<double>(x); break; }
      case DType::I8: { int8_t x; std::memcpy(&x, p, 1); out[i] = x; break; }
      case DType::U8: case DType::Bool: { uint8_t x; std::memcpy(&x, p, 1); out[i] = x; break; }
    }
  }
  return out;
}

// The front end compiles one module: replace `from epilogue import ...` with the helper module's body.
std::string inline_imports(std::string source, const std::filesystem::path& kernels_dir) {
  static const std::regex import_line(R"(^from ([A-Za-z_][A-Za-z0-9_]*) import [^\n]*\n)", std::regex::multiline);
  std::smatch m;
  while (std::regex_search(source, m, import_line)) {
    std::ifstream in(kernels_dir / (m[1].str() + ".py"));
    if (!in) throw GraphError(fmt::format("kernel helper module '{}.py' not found in {}", m[1].str(), kernels_dir.string()));
    std::stringstream ss;
    ss << in.rdbuf();
    std::string body = ss.str();
    // Drop the helper's docstring and imports (the template already imports triton).
    std::string kept;
    std::istringstream lines(body);
    bool in_doc = false, seen_code = false;
    for (std::string line; std::getline(lines, line);) {
      if (!seen_code && line.rfind("\"\"\"", 0) == 0) {
        size_t close = line.find("\"\"\"", 3);
        if (close == std::string::npos) in_doc = !in_doc;
        continue;
      }
      if (in_doc) {
        if (line.find("\"\"\"") != std::string::npos) in_doc = false;
        continue;
      }
      if (line.rfind("import ", 0) == 0 || line.rfind("from ", 0) == 0) continue;
      if (!line.empty()) seen_code = true;
      kept += line + "\n";
    }
    source = m.prefix().str() + "# inlined from " + m[1].str() + ".py\n" + kept + "\n" + m.suffix().str();
  }
  return source;
}

std::string constexpr_text(const nlohmann::json& v) {
  if (v.is_boolean()) return v.get<bool>() ? "True" : "False";
  if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
  if (v.is_number()) return fmt::format("{:.17g}", v.get<double>());
  return v.get<std::string>();
}

// One launch: its arguments by parameter name, the grid.
struct LaunchSpec {
  std::map<std::string, std::string> tensor_of;  // pointer parameter -> tensor
  std::map<std::string, int64_t> ints;
  std::map<std::string, double> reals;
  std::array<uint32_t, 3> grid{1, 1, 1};
};

// Offset and element strides through which a kernel reads `tensor` (a view: its root's buffer).
TensorView access_of(const Plan& plan, const std::string& tensor) {
  auto v = plan.views.find(tensor);
  if (v != plan.views.end()) return v->second;
  const Tensor& t = plan.graph.tensor(tensor);
  return {tensor, 0, t.shape, strides_of(t.shape)};
}

// [batch..., rows, cols] of a view as (batch stride, row stride, col stride); the batch dims must
// collapse into one stride (size-1 dims are skipped).
std::array<int64_t, 3> strides3(const Plan& plan, const std::string& tensor, const std::string& group) {
  TensorView v = access_of(plan, tensor);
  size_t r = v.shape.size();
  if (r < 2) return {0, 0, r ? v.strides[0] : 0};
  int64_t batch_stride = 0, expect = -1, covered = 1;
  for (size_t d = r - 2; d-- > 0;) {
    if (v.shape[d] == 1) continue;
    if (expect < 0) batch_stride = v.strides[d];
    else if (v.strides[d] != expect)
      throw GraphError(fmt::format("group {}: the batch dimensions of '{}' (shape {}) are not one stride apart", group, tensor, shape_str(v.shape)));
    covered *= v.shape[d];
    expect = batch_stride * covered;
  }
  return {batch_stride, v.strides[r - 2], v.strides[r - 1]};
}

// strided_copy_fwd for a transpose, a slice or a reshape that is not a view: Out (contiguous, the op's
// logical shape, up to 4 dimensions) gathered from X's buffer through the element strides that the op
// composes with X's own view (a transpose permutes them, a slice scales them by its steps and starts at
// its offset, a reshape reads X in its logical order, which needs X's own 4-d shape).
void bind_strided_copy(const Plan& plan, const FusedGroup& grp, LaunchSpec& s) {
  const Graph& g = plan.graph;
  const Node& n = g.nodes[grp.nodes.front()];
  if (grp.nodes.size() != 1 || n.inputs.size() != 1)
    throw GraphError(fmt::format("group {}: the device runner has no binding for '{}' as a strided copy", grp.name, n.op));
  TensorView x = access_of(plan, n.inputs[0]);
  const Shape& out = g.tensor(n.outputs[0]).shape;
  std::vector<int64_t> dims, strides;
  int64_t offset = 0;
  if (n.op == "transpose") {
    std::vector<int64_t> perm;
    if (n.attrs.contains("perm")) perm = n.attrs["perm"].get<std::vector<int64_t>>();
    else
      for (size_t i = x.shape.size(); i-- > 0;) perm.push_back(static_cast<int64_t>(i));
    for (auto& d : perm) {
      if (d < 0) d += static_cast<int64_t>(x.shape.size());
      dims.push_back(x.shape[static_cast<size_t>(d)]);
      strides.push_back(x.strides[static_cast<size_t>(d)]);
    }
  } else if (n.op == "slice") {
    dims = out;
    strides = x.strides;
    auto axes = n.attrs.value("axes", std::vector<int64_t>{}), starts = n.attrs.value("starts", std::vector<int64_t>{});
    auto steps = n.attrs.value("steps", std::vector<int64_t>(axes.size(), 1));
    for (size_t k = 0; k < axes.size(); ++k) {
      int64_t a = axes[k] < 0 ? axes[k] + static_cast<int64_t>(x.shape.size()) : axes[k];
      int64_t start = starts[k] < 0 ? std::max<int64_t>(starts[k] + x.shape[static_cast<size_t>(a)], 0) : std::min(starts[k], x.shape[static_cast<size_t>(a)]);
      offset += start * x.strides[static_cast<size_t>(a)];
      strides[static_cast<size_t>(a)] *= k < steps.size() ? steps[k] : 1;
    }
  } else if (n.op == "reshape") {
    dims = x.shape;
    strides = x.strides;
  } else {
    throw GraphError(fmt::format("group {}: the device runner has no binding for '{}' as a strided copy", grp.name, n.op));
  }
  TensorView o = access_of(plan, n.outputs[0]);
  if (o.strides != strides_of(o.shape))  // the template writes Out contiguously
    throw GraphError(fmt::format("group {}: the strided copy's output '{}' is a strided view; not supported on the device", grp.name, n.outputs[0]));
  while (dims.size() < 4) dims.insert(dims.begin(), 1), strides.insert(strides.begin(), 0);
  if (dims.size() > 4) throw GraphError(fmt::format("group {}: a strided copy of more than 4 dimensions is not supported on the device", grp.name));
  s.tensor_of = {{"X", n.inputs[0]}, {"Out", n.outputs[0]}};
  s.ints = {{"NUMEL", numel(out)}, {"offset", offset}, {"d1", dims[1]}, {"d2", dims[2]}, {"d3", dims[3]},
            {"s0", strides[0]}, {"s1", strides[1]}, {"s2", strides[2]}, {"s3", strides[3]}};
  s.grid[0] = static_cast<uint32_t>(cdiv(numel(out), grp.params["BLOCK"].get<int64_t>()));
}

// Pointer parameters, scalars and grid of a group's kernel, per the template's header comment.
LaunchSpec bind(const Plan& plan, const FusedGroup& grp) {
  const auto& p = grp.params;
  const Graph& g = plan.graph;
  LaunchSpec s;
  const std::string& entry = p.value("entry", "");
  if (grp.kernel_template.rfind("generated:", 0) == 0) {
    for (size_t i = 0; i < grp.inputs.size(); ++i) s.tensor_of[fmt::format("in{}_ptr", i)] = grp.inputs[i];
    for (size_t i = 0; i < grp.outputs.size(); ++i) s.tensor_of[fmt::format("out{}_ptr", i)] = grp.outputs[i];
    if (entry == "fused_elementwise") {
      s.ints["NUMEL"] = p["NUMEL"].get<int64_t>();
      s.grid[0] = static_cast<uint32_t>(cdiv(p["NUMEL"].get<int64_t>(), p["BLOCK"].get<int64_t>()));
    } else {
      s.grid[0] = static_cast<uint32_t>(p["ROWS"].get<int64_t>());
    }
    return s;
  }
  for (const auto& [param, tensor] : p["args"].items()) s.tensor_of[param] = tensor.get<std::string>();
  auto arg = [&](const char* name) { return p["args"].value(name, std::string()); };
  if (entry == "matmul_epilogue_fwd") {
    int64_t M = p["M"], N = p["N"], K = p["K"];
    s.ints = {{"M", M}, {"N", N}, {"K", K}};
    auto a = strides3(plan, arg("A"), grp.name), b = strides3(plan, arg("B"), grp.name), c = strides3(plan, arg("C"), grp.name);
    if (p.value("TRANS_A", false)) std::swap(a[1], a[2]);
    if (p.value("TRANS_B", false)) std::swap(b[1], b[2]);
    s.ints["stride_ab"] = a[0], s.ints["stride_am"] = a[1], s.ints["stride_ak"] = a[2];
    s.ints["stride_bb"] = b[0], s.ints["stride_bk"] = b[1], s.ints["stride_bn"] = b[2];
    s.ints["stride_cb"] = c[0], s.ints["stride_cm"] = c[1], s.ints["stride_cn"] = c[2];
    std::array<int64_t, 3> o{0, 0, 0};
    if (!arg("Other").empty()) o = strides3(plan, arg("Other"), grp.name);
    s.ints["stride_ob"] = o[0], s.ints["stride_om"] = o[1], s.ints["stride_on"] = o[2];
    s.reals["alpha"] = p.value("ALPHA", 1.0);
    s.reals["norm_eps"] = p.value("NORM_EPS", 1e-6);
    s.grid = {static_cast<uint32_t>(cdiv(M, p["BLOCK_M"])), static_cast<uint32_t>(cdiv(N, p["BLOCK_N"])), static_cast<uint32_t>(p["BATCH"].get<int64_t>())};
  } else if (entry == "swiglu_fwd") {
    int64_t M = p["M"], N = p["N"], K = p["K"];
    s.ints = {{"M", M}, {"N", N}, {"K", K}};
    auto x = strides3(plan, arg("X"), grp.name), w = strides3(plan, arg("W1"), grp.name), o = strides3(plan, arg("Out"), grp.name);
    if (p.value("TRANS_B", false)) std::swap(w[1], w[2]);
    if (strides3(plan, arg("W3"), grp.name) != strides3(plan, arg("W1"), grp.name))
      throw GraphError(fmt::format("group {}: W1 and W3 must share strides", grp.name));
    s.ints["stride_xm"] = x[1], s.ints["stride_xk"] = x[2], s.ints["stride_wk"] = w[1], s.ints["stride_wn"] = w[2];
    s.ints["stride_om"] = o[1], s.ints["stride_on"] = o[2];
    s.reals["norm_eps"] = p.value("NORM_EPS", 1e-6);
    s.grid = {static_cast<uint32_t>(cdiv(M, p["BLOCK_M"])), static_cast<uint32_t>(cdiv(N, p["BLOCK_N"])), 1};
  } else if (entry == "flash_attention_fwd") {
    auto q = strides3(plan, arg("Q"), grp.name), k = strides3(plan, arg("K"), grp.name), v = strides3(plan, arg("V"), grp.name);
    auto o = strides3(plan, arg("Out"), grp.name);
    // The template reads K as [B, SEQ_K, HEAD_DIM]; without transpose_b the graph gives K^T [B, HEAD_DIM, SEQ_K].
    if (!p.value("TRANSPOSE_K", false)) std::swap(k[1], k[2]);
    std::array<int64_t, 3> m{0, 0, 0};
    if (!arg("Mask").empty()) m = strides3(plan, arg("Mask"), grp.name);  // one mask for all batches: stride 0
    const char* names[5] = {"q", "k", "v", "o", "m"};
    const char* axes[5][3] = {{"b", "m", "d"}, {"b", "n", "d"}, {"b", "n", "d"}, {"b", "m", "d"}, {"b", "m", "n"}};
    std::array<int64_t, 3>* all[5] = {&q, &k, &v, &o, &m};
    for (int i = 0; i < 5; ++i)
      for (int j = 0; j < 3; ++j) s.ints[fmt::format("stride_{}{}", names[i], axes[i][j])] = (*all[i])[static_cast<size_t>(j)];
    s.reals["sm_scale"] = p["sm_scale"].get<double>();
    s.reals["rope_base"] = p.value("ROPE_BASE", 10000.0);
    s.ints["SEQ_Q"] = p["SEQ_Q"], s.ints["SEQ_K"] = p["SEQ_K"];
    s.grid = {static_cast<uint32_t>(cdiv(p["SEQ_Q"], p["BLOCK_M"])), static_cast<uint32_t>(p["BATCH"].get<int64_t>()), 1};
  } else if (entry == "conv2d_igemm_fwd") {
    bool nhwc = p.value("NHWC", false);
    auto nchw_strides = [&](const std::string& t) {
      TensorView v = access_of(plan, t);
      auto& st = v.strides;  // logical dims in the tensor's layout; return n, c, h, w
      return nhwc ? std::array<int64_t, 4>{st[0], st[3], st[1], st[2]} : std::array<int64_t, 4>{st[0], st[1], st[2], st[3]};
    };
    auto x = nchw_strides(arg("X")), o = nchw_strides(arg("Out"));
    if (!arg("Residual").empty() && nchw_strides(arg("Residual")) != o)
      throw GraphError(fmt::format("group {}: the residual must have the output's strides", grp.name));
    s.ints = {{"N", p["N"]}, {"C", p["C"]}, {"H", p["H"]}, {"W_in", p["W"]}, {"K", p["K"]}, {"R", p["R"]}, {"S", p["S"]},
              {"OH", p["OH"]}, {"OW", p["OW"]}, {"stride_h", p["stride"][0]}, {"stride_w", p["stride"][1]},
              {"pad_h", p["padding"][0]}, {"pad_w", p["padding"][1]}, {"dil_h", p["dilation"][0]}, {"dil_w", p["dilation"][1]},
              {"sxn", x[0]}, {"sxc", x[1]}, {"sxh", x[2]}, {"sxw", x[3]}, {"son", o[0]}, {"sok", o[1]}, {"soh", o[2]}, {"sow", o[3]}};
    s.reals["bn_eps"] = 1e-5;
    if (p.contains("captures") && p["captures"].contains("bn"))
      for (const auto& n : g.nodes)
        if (n.name == p["captures"]["bn"].get<std::string>()) s.reals["bn_eps"] = n.attrs.value("eps", 1e-5);
    int64_t groups = p["GROUPS"];
    s.grid = {static_cast<uint32_t>(cdiv(p["N"].get<int64_t>() * p["OH"].get<int64_t>() * p["OW"].get<int64_t>(), p["BLOCK_M"])),
              static_cast<uint32_t>(cdiv(p["K"].get<int64_t>() / groups, p["BLOCK_N"])), static_cast<uint32_t>(groups)};
  } else if (entry == "rope_fwd") {
    const Node& n = g.nodes[grp.nodes.front()];
    TensorView x = access_of(plan, arg("X"));
    int64_t dim = x.shape.back(), seq = x.shape[x.shape.size() - 2], rows = numel(x.shape) / dim;
    // Rows of X are [outer, heads, seq] through strides (see rope_fwd): up to two outer dims.
    std::vector<int64_t> dims(x.shape.begin(), x.shape.end() - 2), strides(x.strides.begin(), x.strides.end() - 2);
    while (dims.size() < 2) dims.insert(dims.begin(), 1), strides.insert(strides.begin(), 0);
    if (dims.size() > 2) throw GraphError(fmt::format("group {}: rope input '{}' has more than 4 dimensions", grp.name, arg("X")));
    s.ints = {{"ROWS", rows}, {"SEQ", seq}, {"offset", n.attrs.value("offset", 0)}, {"H", dims[1]},
              {"sx0", strides[0]}, {"sx1", strides[1]}, {"sxs", x.strides[x.strides.size() - 2]}, {"sxd", x.strides.back()}};
    s.reals["base"] = n.attrs.value("base", 10000.0);
    s.grid[0] = static_cast<uint32_t>(cdiv(rows, p["BLOCK_R"]));
  } else if (entry == "embedding_fwd") {
    const Shape& table = g.tensor(arg("Table")).shape;
    for (const char* name : {"Table", "Ids", "Out"})
      if (access_of(plan, arg(name)).strides != strides_of(access_of(plan, arg(name)).shape))
        throw GraphError(fmt::format("group {}: embedding operand '{}' must be contiguous", grp.name, arg(name)));
    int64_t ids = numel(g.tensor(arg("Ids")).shape);
    s.ints = {{"NUM_IDS", ids}, {"VOCAB", table[0]}};
    s.grid[0] = static_cast<uint32_t>(ids);
  } else if (entry == "strided_copy_fwd") {
    bind_strided_copy(plan, grp, s);
  } else if (entry == "pool2d_fwd") {
    const Node& n = g.nodes[grp.nodes.front()];
    auto pair = [&](const char* name, int64_t def) {
      std::vector<int64_t> v = n.attrs.contains(name) ? (n.attrs[name].is_array() ? n.attrs[name].get<std::vector<int64_t>>()
                                                                                  : std::vector<int64_t>(2, n.attrs[name].get<int64_t>()))
                                                      : std::vector<int64_t>(2, def);
      return v;
    };
    auto kernel = pair("kernel", 1), stride = n.attrs.contains("stride") ? pair("stride", 1) : kernel, pad = pair("padding", 0), dil = pair("dilation", 1);
    if (dil != std::vector<int64_t>{1, 1}) throw GraphError(fmt::format("group {}: pooling with dilation is not supported on the device", grp.name));
    bool nhwc = n.attrs.value("layout", std::string("NCHW")) == "NHWC";
    TensorView x = access_of(plan, arg("X")), o = access_of(plan, arg("Out"));
    auto nchw = [&](const std::vector<int64_t>& v) { return nhwc ? std::array<int64_t, 4>{v[0], v[3], v[1], v[2]} : std::array<int64_t, 4>{v[0], v[1], v[2], v[3]}; };
    auto xs = nchw(x.shape), xst = nchw(x.strides), os = nchw(o.shape), ost = nchw(o.strides);
    s.ints = {{"NUMEL", numel(o.shape)}, {"C", xs[1]}, {"H", xs[2]}, {"W_in", xs[3]}, {"OH", os[2]}, {"OW", os[3]}, {"KH", kernel[0]}, {"KW", kernel[1]},
              {"stride_h", stride[0]}, {"stride_w", stride[1]}, {"pad_h", pad[0]}, {"pad_w", pad[1]},
              {"sxn", xst[0]}, {"sxc", xst[1]}, {"sxh", xst[2]}, {"sxw", xst[3]}, {"son", ost[0]}, {"soc", ost[1]}, {"soh", ost[2]}, {"sow", ost[3]}};
    s.grid[0] = static_cast<uint32_t>(cdiv(numel(o.shape), p["BLOCK"].get<int64_t>()));
  } else if (entry == "fill_fwd") {
    const Node& n = g.nodes[grp.nodes.front()];
    const auto& v = n.attrs.at("value");
    std::vector<double> values = v.is_array() ? v.get<std::vector<double>>() : std::vector<double>{v.get<double>()};
    for (double x : values)
      if (x != values[0]) throw GraphError(fmt::format("group {}: a constant of distinct values is not filled on the device", grp.name));
    TensorView o = access_of(plan, n.outputs[0]);
    if (o.strides != strides_of(o.shape)) throw GraphError(fmt::format("group {}: a fill into a strided view is not supported on the device", grp.name));
    s.reals["value"] = values.empty() ? 0.0 : values[0];
    s.ints["NUMEL"] = p["NUMEL"].get<int64_t>();
    s.grid[0] = static_cast<uint32_t>(cdiv(p["NUMEL"].get<int64_t>(), p["BLOCK"].get<int64_t>()));
  } else {
    throw GraphError(fmt::format("group {}: the device runner has no binding for template entry '{}'", grp.name, entry));
  }
  return s;
}

}  // namespace

struct DeviceGroupRunner::Cache {
  std::map<std::string, CompiledKernel> kernels;  // by source + specialization
};

DeviceGroupRunner::DeviceGroupRunner(runtime::Device& device, std::filesystem::path kernels_dir)
    : device_(device), kernels_dir_(std::move(kernels_dir)), cache_(std::make_shared<Cache>()) {}

const CompiledKernel& DeviceGroupRunner::compile_group(const Plan& plan, const FusedGroup& group) {
  KernelSource ks = kernel_source_for(plan, group, kernels_dir_);
  std::string source = inline_imports(ks.source, kernels_dir_);
  LaunchSpec s = bind(plan, group);
  Specialization spec;
  std::string sig, cex;
  // Every runtime parameter of the entry: bound tensors, scalars, and placeholders for unused pointers.
  std::smatch m;
  std::regex def("def " + ks.entry + R"(\(([^)]*)\))");
  if (!std::regex_search(source, m, def)) throw GraphError(fmt::format("group {}: entry '{}' not found in its kernel source", group.name, ks.entry));
  std::string params = m[1].str();
  std::stringstream ps(params);
  for (std::string item; std::getline(ps, item, ',');) {
    item.erase(0, item.find_first_not_of(" \n\t"));
    item.erase(item.find_last_not_of(" \n\t") + 1);
    if (item.empty()) continue;
    auto colon = item.find(':');
    std::string name = item.substr(0, colon);
    name.erase(name.find_last_not_of(' ') + 1);
    if (colon != std::string::npos) {
      nlohmann::json value = ks.constexprs.contains(name) ? ks.constexprs[name]
                             : s.ints.count(name)        ? nlohmann::json(s.ints[name])
                             : group.params.contains(name) ? group.params[name]
                                                           : nlohmann::json();
      if (value.is_null()) throw GraphError(fmt::format("group {}: no value for constexpr '{}' of {}", group.name, name, ks.entry));
      cex += fmt::format("{}{}={}", cex.empty() ? "" : ",", name, constexpr_text(value));
      continue;
    }
    std::string type;
    if (s.tensor_of.count(name)) type = "*" + sig_type(plan.graph.tensor(s.tensor_of[name]).dtype);
    else if (s.ints.count(name)) type = "i32";
    else if (s.reals.count(name)) type = "fp32";
    else type = "*fp32";  // a pointer the constexprs leave unused
    sig += fmt::format("{}{}={}", sig.empty() ? "" : ", ", name, type);
  }
  spec.parse_signature(sig);
  if (!cex.empty()) spec.parse_constexpr(cex);
  std::string key = source + "\n#" + spec.key();
  auto it = cache_->kernels.find(key);
  if (it != cache_->kernels.end()) return it->second;
  KernelOptions options;
  options.target = plan.target.name;
  CompiledKernel k;
  try {
    k = tmetal::compile(source, ks.file_name, ks.entry, spec, options);
  } catch (const std::exception& e) {
    throw GraphError(fmt::format("group {} ({}): kernel {} does not compile: {}", group.name, group.kind, ks.entry, e.what()));
  }
  return cache_->kernels.emplace(key, std::move(k)).first->second;
}

void DeviceGroupRunner::run_group(const Plan& plan, const FusedGroup& group, Values& buffers) {
  if (!group.launches_kernel) {  // views: no kernel, the reference computes the view's logical value
    ReferenceGroupRunner().run_group(plan, group, buffers);
    return;
  }
  const CompiledKernel& k = compile_group(plan, group);
  LaunchSpec s = bind(plan, group);
  const Graph& g = plan.graph;
  const bool generated = group.kernel_template.rfind("generated:", 0) == 0;
  std::map<std::string, std::vector<unsigned char>> host;  // root tensor -> bytes
  std::vector<std::vector<unsigned char>> dummies;
  dummies.reserve(k.params.size());
  std::vector<KernelArg> args;
  std::vector<std::pair<std::string, std::string>> outputs;  // (tensor, root)
  for (const auto& param : k.params) {
    if (!param.pointer) {
      if (s.ints.count(param.name)) args.push_back(KernelArg::scalar(s.ints[param.name]));
      else if (s.reals.count(param.name)) args.push_back(KernelArg::scalar_real(s.reals[param.name]));
      else throw GraphError(fmt::format("group {}: no value for scalar '{}' of {}", group.name, param.name, k.name));
      continue;
    }
    auto t = s.tensor_of.find(param.name);
    if (t == s.tensor_of.end()) {
      dummies.emplace_back(16, 0);
      args.push_back(KernelArg::array(dummies.back().data(), dummies.back().size()));
      continue;
    }
    const std::string& tensor = t->second;
    TensorView view = access_of(plan, tensor);
    bool is_output = std::count(group.outputs.begin(), group.outputs.end(), tensor) > 0;
    auto& bytes = host[view.root];
    if (bytes.empty()) {
      const Tensor& root = g.tensor(view.root);
      auto v = buffers.find(view.root);
      if (v != buffers.end()) {
        bytes = encode(v->second.data, root.dtype);
      } else if (is_output) {  // a fresh buffer (an output view writes part of its root through strides)
        bytes.assign(static_cast<size_t>(numel(root.shape) * dtype_bytes(root.dtype)), 0);
      } else {
        throw std::logic_error(fmt::format("group {}: '{}' (holding '{}') has no value", group.name, view.root, tensor));
      }
    }
    if (is_output) outputs.emplace_back(tensor, view.root);
    // Generated kernels index views through the root buffer themselves; templates get a shifted pointer.
    size_t off = generated ? 0 : static_cast<size_t>(view.offset * dtype_bytes(g.tensor(view.root).dtype));
    args.push_back(KernelArg::array(bytes.data() + off, bytes.size() - off));
  }
  if (std::getenv("TM_GRAPH_TRACE")) {
    fmt::print(stderr, "launch {} ({}) grid {}x{}x{}:", group.name, k.name, s.grid[0], s.grid[1], s.grid[2]);
    for (const auto& [n, v] : s.ints) fmt::print(stderr, " {}={}", n, v);
    for (const auto& [n, v] : s.reals) fmt::print(stderr, " {}={}", n, v);
    for (const auto& [n, v] : s.tensor_of) fmt::print(stderr, " {}:{}", n, v);
    fmt::print(stderr, "\n");
  }
  try {
    runtime::LaunchStats stats = tmetal::launch(k, device_, s.grid, args);
    device_bytes_ += static_cast<int64_t>(stats.device_bytes_read + stats.device_bytes_written);
  } catch (const std::exception& e) {
    throw GraphError(fmt::format("group {} ({}): launching {} failed: {}", group.name, group.kind, k.name, e.what()));
  }
  ++launches_;
  for (const auto& [tensor, root] : outputs) {
    const Tensor& r = g.tensor(root);
    buffers[root] = {r.shape, decode(host[root], r.dtype)};
    if (root == tensor) continue;
    // The output view's logical value, gathered from its root through the view's offset and strides.
    TensorView view = access_of(plan, tensor);
    TensorValue value{view.shape, std::vector<double>(static_cast<size_t>(numel(view.shape)))};
    const auto& src = buffers[root].data;
    for (int64_t i = 0; i < numel(view.shape); ++i) {
      int64_t rest = i, at = view.offset;
      for (size_t d = view.shape.size(); d-- > 0;) {
        at += (rest % view.shape[d]) * view.strides[d];
        rest /= view.shape[d];
      }
      value.data[static_cast<size_t>(i)] = src.at(static_cast<size_t>(at));
    }
    buffers[tensor] = std::move(value);
  }
}

}  // namespace tmetal::graph
