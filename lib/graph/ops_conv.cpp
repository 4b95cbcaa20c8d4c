// Convolution and pooling op family: conv2d (stride, padding, dilation, groups; layout NCHW or NHWC;
// weight always [Cout, Cin/groups, KH, KW]; optional bias [Cout]), max_pool2d and avg_pool2d (kernel,
// stride, padding; avg_pool2d divides by the number of in-bounds elements).
// Shape rule: out = (in + 2*pad - dilation*(k-1) - 1) / stride + 1 per spatial dimension.
#include "attrs.h"
#include "op_registry.h"

#include <fmt/core.h>

#include <limits>

namespace tmetal::graph {
namespace {

struct Geometry {
  bool nhwc;
  int64_t n, c, h, w;
  std::vector<int64_t> stride, pad, dil;
};

Geometry geometry(const Node& node, const TensorType& x) {
  std::string layout = attr::get_string(node, "layout", "NCHW");
  if (layout != "NCHW" && layout != "NHWC")
    throw OpError(fmt::format("attribute 'layout' = '{}', expected \"NCHW\" or \"NHWC\"", layout));
  if (x.shape.size() != 4)
    throw OpError(fmt::format("input '{}' has shape {}, expected rank 4 ({})", node.inputs[0], shape_str(x.shape), layout));
  if (!is_float(x.dtype))
    throw OpError(fmt::format("input '{}' has dtype {}, expected a floating-point dtype", node.inputs[0],
                              dtype_name(x.dtype)));
  Geometry g;
  g.nhwc = layout == "NHWC";
  g.n = x.shape[0];
  g.c = g.nhwc ? x.shape[3] : x.shape[1];
  g.h = g.nhwc ? x.shape[1] : x.shape[2];
  g.w = g.nhwc ? x.shape[2] : x.shape[3];
  g.stride = attr::get_pair(node, "stride", 1);
  g.pad = attr::get_pair(node, "padding", 0);
  g.dil = attr::get_pair(node, "dilation", 1);
  for (int i = 0; i < 2; ++i) {
    if (g.stride[i] < 1) throw OpError("attribute 'stride' must be >= 1");
    if (g.dil[i] < 1) throw OpError("attribute 'dilation' must be >= 1");
    if (g.pad[i] < 0) throw OpError("attribute 'padding' must be >= 0");
  }
  return g;
}

int64_t out_extent(int64_t in, int64_t pad, int64_t dil, int64_t k, int64_t stride, const char* what) {
  int64_t span = in + 2 * pad - dil * (k - 1) - 1;
  if (span < 0)
    throw OpError(fmt::format("kernel {} extent {} (dilated) exceeds padded input {}", what, dil * (k - 1) + 1, in + 2 * pad));
  return span / stride + 1;
}

Shape make_shape(const Geometry& g, int64_t c, int64_t h, int64_t w) {
  return g.nhwc ? Shape{g.n, h, w, c} : Shape{g.n, c, h, w};
}
int64_t at(const Geometry& g, int64_t c_total, int64_t h_total, int64_t w_total, int64_t n, int64_t c, int64_t h, int64_t w) {
  return g.nhwc ? ((n * h_total + h) * w_total + w) * c_total + c : ((n * c_total + c) * h_total + h) * w_total + w;
}

std::vector<TensorType> infer_conv(const Node& node, const std::vector<TensorType>& in) {
  auto g = geometry(node, in[0]);
  int64_t groups = attr::get_int(node, "groups", 1);
  const Shape& w = in[1].shape;
  if (in[1].dtype != in[0].dtype)
    throw OpError(fmt::format("input '{}' has dtype {}, expected {}", node.inputs[1], dtype_name(in[1].dtype), dtype_name(in[0].dtype)));
  if (w.size() != 4)
    throw OpError(fmt::format("input '{}' has shape {}, expected [Cout, Cin/groups, KH, KW]", node.inputs[1], shape_str(w)));
  if (groups < 1 || g.c % groups != 0 || w[0] % groups != 0)
    throw OpError(fmt::format("attribute 'groups' = {} must divide input channels {} and output channels {}", groups, g.c, w[0]));
  if (w[1] != g.c / groups)
    throw OpError(fmt::format("input '{}' has shape {}, expected {} input channels per group (input '{}' has {} channels, groups {})",
                              node.inputs[1], shape_str(w), g.c / groups, node.inputs[0], g.c, groups));
  if (in.size() == 3) {
    if (in[2].shape != Shape{w[0]})
      throw OpError(fmt::format("input '{}' (bias) has shape {}, expected [{}]", node.inputs[2], shape_str(in[2].shape), w[0]));
    if (in[2].dtype != in[0].dtype)
      throw OpError(fmt::format("input '{}' has dtype {}, expected {}", node.inputs[2], dtype_name(in[2].dtype), dtype_name(in[0].dtype)));
  }
  int64_t oh = out_extent(g.h, g.pad[0], g.dil[0], w[2], g.stride[0], "height");
  int64_t ow = out_extent(g.w, g.pad[1], g.dil[1], w[3], g.stride[1], "width");
  return {{make_shape(g, w[0], oh, ow), in[0].dtype}};
}

std::vector<TensorValue> eval_conv(const Node& node, const std::vector<const TensorValue*>& in,
                                   const std::vector<TensorType>& out) {
  auto g = geometry(node, {in[0]->shape, DType::F32});
  int64_t groups = attr::get_int(node, "groups", 1);
  const Shape& ws = in[1]->shape;
  int64_t cout = ws[0], cin_g = ws[1], kh = ws[2], kw = ws[3], cout_g = cout / groups;
  const Shape& os = out[0].shape;
  int64_t oh = g.nhwc ? os[1] : os[2], ow = g.nhwc ? os[2] : os[3];
  TensorValue r{os, std::vector<double>(static_cast<size_t>(numel(os)))};
  const auto& x = in[0]->data;
  const auto& w = in[1]->data;
  for (int64_t n = 0; n < g.n; ++n)
    for (int64_t co = 0; co < cout; ++co)
      for (int64_t y = 0; y < oh; ++y)
        for (int64_t xo = 0; xo < ow; ++xo) {
          double acc = in.size() == 3 ? in[2]->data[co] : 0.0;
          int64_t grp = co / cout_g;
          for (int64_t ci = 0; ci < cin_g; ++ci)
            for (int64_t i = 0; i < kh; ++i)
              for (int64_t j = 0; j < kw; ++j) {
                int64_t hy = y * g.stride[0] - g.pad[0] + i * g.dil[0];
                int64_t wx = xo * g.stride[1] - g.pad[1] + j * g.dil[1];
                if (hy < 0 || hy >= g.h || wx < 0 || wx >= g.w) continue;
                acc += x[at(g, g.c, g.h, g.w, n, grp * cin_g + ci, hy, wx)] * w[((co * cin_g + ci) * kh + i) * kw + j];
              }
          r.data[at(g, cout, oh, ow, n, co, y, xo)] = acc;
        }
  return {r};
}

std::vector<TensorType> infer_pool(const Node& node, const std::vector<TensorType>& in) {
  auto g = geometry(node, in[0]);
  auto k = attr::get_pair(node, "kernel", 0);
  if (k[0] < 1 || k[1] < 1) throw OpError("attribute 'kernel' is required (an integer or [kh, kw] >= 1)");
  if (!node.attrs.contains("stride")) g.stride = k;
  int64_t oh = out_extent(g.h, g.pad[0], g.dil[0], k[0], g.stride[0], "height");
  int64_t ow = out_extent(g.w, g.pad[1], g.dil[1], k[1], g.stride[1], "width");
  return {{make_shape(g, g.c, oh, ow), in[0].dtype}};
}

std::vector<TensorValue> eval_pool(const Node& node, const std::vector<const TensorValue*>& in,
                                   const std::vector<TensorType>& out, bool is_max) {
  auto g = geometry(node, {in[0]->shape, DType::F32});
  auto k = attr::get_pair(node, "kernel", 0);
  if (!node.attrs.contains("stride")) g.stride = k;
  const Shape& os = out[0].shape;
  int64_t oh = g.nhwc ? os[1] : os[2], ow = g.nhwc ? os[2] : os[3];
  TensorValue r{os, std::vector<double>(static_cast<size_t>(numel(os)))};
  for (int64_t n = 0; n < g.n; ++n)
    for (int64_t c = 0; c < g.c; ++c)
      for (int64_t y = 0; y < oh; ++y)
        for (int64_t xo = 0; xo < ow; ++xo) {
          double acc = is_max ? -std::numeric_limits<double>::infinity() : 0.0;
          int64_t count = 0;
          for (int64_t i = 0; i < k[0]; ++i)
            for (int64_t j = 0; j < k[1]; ++j) {
              int64_t hy = y * g.stride[0] - g.pad[0] + i * g.dil[0];
              int64_t wx = xo * g.stride[1] - g.pad[1] + j * g.dil[1];
              if (hy < 0 || hy >= g.h || wx < 0 || wx >= g.w) continue;
              double v = in[0]->data[at(g, g.c, g.h, g.w, n, c, hy, wx)];
              acc = is_max ? std::max(acc, v) : acc + v;
              ++count;
            }
          r.data[at(g, g.c, oh, ow, n, c, y, xo)] = is_max ? acc : (count ? acc / count : 0.0);
        }
  return {r};
}

}  // namespace

std::vector<OpDef> conv_ops() {
  return {
      {"conv2d", OpKind::Conv, 2, 3, infer_conv, eval_conv, 2},
      {"max_pool2d", OpKind::Pool, 1, 1, infer_pool,
       [](const Node& n, const std::vector<const TensorValue*>& in, const std::vector<TensorType>& o) {
         return eval_pool(n, in, o, true);
       }},
      {"avg_pool2d", OpKind::Pool, 1, 1, infer_pool,
       [](const Node& n, const std::vector<const TensorValue*>& in, const std::vector<TensorType>& o) {
         return eval_pool(n, in, o, false);
       }},
  };
}

}  // namespace tmetal::graph
