// The `#gpu.blocked<...>` encoding: printing, parsing and registration with the tile-IR type parser.
#include "gpu/layout_encoding.h"

#include "gpu/convert_layout_op.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <regex>
#include <stdexcept>
#include <string>

namespace tmetal::gpu {

std::string BlockedEncoding::body() const {
  return fmt::format("spt=[{}], lanes=[{}], simds=[{}], order=[{}]", fmt::join(layout_.size_per_thread, ","),
                     fmt::join(layout_.lanes_per_simd, ","), fmt::join(layout_.simds_per_group, ","),
                     fmt::join(layout_.order, ","));
}

bool BlockedEncoding::equals(const ir::Encoding& other) const {
  auto* o = dynamic_cast<const BlockedEncoding*>(&other);
  return o && o->layout_ == layout_;
}

std::string SimdgroupMatrixEncoding::body() const { return fmt::format("simds=[{},{}]", layout_.simds_m, layout_.simds_n); }

bool SimdgroupMatrixEncoding::equals(const ir::Encoding& other) const {
  auto* o = dynamic_cast<const SimdgroupMatrixEncoding*>(&other);
  return o && o->layout_ == layout_;
}

std::string SimdgroupMatrixSliceEncoding::body() const {
  return fmt::format("dim={}, simds=[{},{}]", layout_.dim, layout_.parent.simds_m, layout_.parent.simds_n);
}

bool SimdgroupMatrixSliceEncoding::equals(const ir::Encoding& other) const {
  auto* o = dynamic_cast<const SimdgroupMatrixSliceEncoding*>(&other);
  return o && o->layout_ == layout_;
}

namespace {
std::vector<int64_t> parse_list(const std::string& body, const std::string& key) {
  std::regex re(key + R"(\s*=\s*\[([0-9,\s]*)\])");
  std::smatch m;
  if (!std::regex_search(body, m, re)) throw std::runtime_error(fmt::format("#gpu.blocked needs '{}=[...]'", key));
  std::vector<int64_t> out;
  std::string items = m[1].str();
  size_t pos = 0;
  while (pos < items.size()) {
    size_t comma = items.find(',', pos);
    std::string item = items.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    if (item.find_first_not_of(" \t") != std::string::npos) out.push_back(std::stoll(item));
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return out;
}
}  // namespace

BlockedLayout parse_blocked_body(std::string_view body) {
  std::string text(body);
  BlockedLayout l;
  l.size_per_thread = parse_list(text, "spt");
  l.lanes_per_simd = parse_list(text, "lanes");
  l.simds_per_group = parse_list(text, "simds");
  for (int64_t v : parse_list(text, "order")) l.order.push_back(static_cast<int>(v));
  size_t r = l.order.size();
  if (r == 0 || l.size_per_thread.size() != r || l.lanes_per_simd.size() != r || l.simds_per_group.size() != r)
    throw std::runtime_error("#gpu.blocked lists must all have the tensor's rank");
  return l;
}

void register_layout_encodings() {
  static bool done = [] {
    ir::register_encoding_parser("gpu.blocked", [](std::string_view body) -> ir::EncodingPtr {
      return std::make_shared<BlockedEncoding>(parse_blocked_body(body));
    });
    ir::register_encoding_parser("gpu.simdgroup_matrix", [](std::string_view body) -> ir::EncodingPtr {
      std::vector<int64_t> simds = parse_list(std::string(body), "simds");
      if (simds.size() != 2 || simds[0] < 1 || simds[1] < 1)
        throw std::runtime_error("#gpu.simdgroup_matrix needs 'simds=[M,N]' with two positive counts");
      return std::make_shared<SimdgroupMatrixEncoding>(SimdgroupMatrixLayout{simds[0], simds[1]});
    });
    ir::register_encoding_parser("gpu.simdgroup_matrix_slice", [](std::string_view body) -> ir::EncodingPtr {
      std::string text(body);
      std::vector<int64_t> simds = parse_list(text, "simds");
      std::smatch m;
      std::regex dim_re(R"(dim\s*=\s*([01])\b)");
      if (!std::regex_search(text, m, dim_re)) throw std::runtime_error("#gpu.simdgroup_matrix_slice needs 'dim=0' or 'dim=1'");
      if (simds.size() != 2 || simds[0] < 1 || simds[1] < 1)
        throw std::runtime_error("#gpu.simdgroup_matrix_slice needs 'simds=[M,N]' with two positive counts");
      return std::make_shared<SimdgroupMatrixSliceEncoding>(
          SimdgroupMatrixSliceLayout{std::stoi(m[1].str()), SimdgroupMatrixLayout{simds[0], simds[1]}});
    });
    return true;
  }();
  (void)done;
  register_gpu_ops();  // GPU IR also holds gpu.convert_layout
}

const BlockedLayout* blocked_layout_of(const ir::Type& type) {
  if (!type.is_tensor() || !type.encoding()) return nullptr;
  auto* e = dynamic_cast<const BlockedEncoding*>(type.encoding().get());
  return e ? &e->layout() : nullptr;
}

}  // namespace tmetal::gpu

namespace tmetal::gpu {

const SimdgroupMatrixLayout* simdgroup_matrix_layout_of(const ir::Type& type) {
  if (!type.is_tensor() || !type.encoding()) return nullptr;
  auto* e = dynamic_cast<const SimdgroupMatrixEncoding*>(type.encoding().get());
  return e ? &e->layout() : nullptr;
}

}  // namespace tmetal::gpu

namespace tmetal::gpu {

const SimdgroupMatrixSliceLayout* simdgroup_matrix_slice_layout_of(const ir::Type& type) {
  if (!type.is_tensor() || !type.encoding()) return nullptr;
  auto* e = dynamic_cast<const SimdgroupMatrixSliceEncoding*>(type.encoding().get());
  return e ? &e->layout() : nullptr;
}

bool fragment_family(const ir::Type& type) { return simdgroup_matrix_layout_of(type) || simdgroup_matrix_slice_layout_of(type); }

}  // namespace tmetal::gpu
