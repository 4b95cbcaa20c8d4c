// .npy reader and writer (see npy.h). Header: magic "\x93NUMPY", version byte pair, little-endian
// header length (2 bytes in v1, 4 bytes in v2/v3), then a Python dict literal with 'descr',
// 'fortran_order' and 'shape', padded with spaces and a newline.
#include "npy.h"

#include "file_confinement.h"
#include "tensor_size.h"

#include <fmt/core.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>

namespace tmetal::graph {
namespace {

struct DescrRow {
  const char* descr;
  DType dtype;
};
// Byte order marks '<' (little) and '|' (not applicable) are accepted; '=' means native, little here.
const DescrRow kDescr[] = {{"f4", DType::F32}, {"f2", DType::F16}, {"u2", DType::BF16}, {"i4", DType::I32},
                           {"i8", DType::I64}, {"i1", DType::I8},  {"u1", DType::U8},   {"b1", DType::Bool}};

template <typename T>
T load(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}
}  // namespace

double half_bits_to_double(uint16_t bits) {
  int sign = bits >> 15, exp = (bits >> 10) & 0x1f, frac = bits & 0x3ff;
  double v;
  if (exp == 0) v = std::ldexp(frac, -24);
  else if (exp == 31) v = frac ? NAN : INFINITY;
  else v = std::ldexp(frac | 0x400, exp - 25);
  return sign ? -v : v;
}

uint16_t double_to_half_bits(double x) {
  double r = round_to_dtype(x, DType::F16);
  uint16_t sign = std::signbit(r) ? 0x8000 : 0;
  r = std::fabs(r);
  if (std::isnan(r)) return 0x7e00;
  if (std::isinf(r)) return sign | 0x7c00;
  if (r == 0) return sign;
  int e = 0;
  std::frexp(r, &e);  // r = m 2^e, m in [0.5,1): biased exponent e - 1 + 15
  if (e - 1 < -14) return sign | static_cast<uint16_t>(std::ldexp(r, 24));
  auto frac = static_cast<uint16_t>(std::ldexp(r, 11 - e) - 1024);
  return sign | static_cast<uint16_t>((e - 1 + 15) << 10) | frac;
}

std::string npy_descr(DType dtype) {
  for (const auto& d : kDescr)
    if (d.dtype == dtype) return (dtype_bytes(dtype) == 1 ? "|" : "<") + std::string(d.descr);
  return "<f4";
}

std::vector<double> decode_elements(const char* p, size_t count, DType dtype) {
  std::vector<double> out(count);
  size_t w = static_cast<size_t>(dtype_bytes(dtype));
  for (size_t i = 0; i < count; ++i, p += w) {
    switch (dtype) {
      case DType::F32: out[i] = load<float>(p); break;
      case DType::F16: out[i] = half_bits_to_double(load<uint16_t>(p)); break;
      case DType::BF16: {
        uint32_t bits = static_cast<uint32_t>(load<uint16_t>(p)) << 16;
        out[i] = load<float>(reinterpret_cast<const char*>(&bits));
        break;
      }
      case DType::I32: out[i] = load<int32_t>(p); break;
      case DType::I64: out[i] = static_cast<double>(load<int64_t>(p)); break;
      case DType::I8: out[i] = load<int8_t>(p); break;
      case DType::U8: out[i] = load<uint8_t>(p); break;
      case DType::Bool: out[i] = *p ? 1.0 : 0.0; break;
    }
  }
  return out;
}

NpyArray read_npy(const std::filesystem::path& path) {
  require_regular_file(path, "weight file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw GraphError(fmt::format("{}: cannot open weight file", path.string()));
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto fail = [&](const std::string& why) { throw GraphError(fmt::format("{}: not a valid .npy file: {}", path.string(), why)); };
  if (bytes.size() < 10 || bytes.compare(0, 6, "\x93NUMPY") != 0) fail("missing \\x93NUMPY magic");
  int major = static_cast<unsigned char>(bytes[6]);
  size_t header_len = 0, header_start = 0;
  if (major == 1) {
    header_len = load<uint16_t>(bytes.data() + 8);
    header_start = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) fail("truncated header");
    header_len = load<uint32_t>(bytes.data() + 8);
    header_start = 12;
  } else {
    fail(fmt::format("unsupported format version {}", major));
  }
  if (header_len > bytes.size() - header_start) fail("truncated header");
  std::string header = bytes.substr(header_start, header_len);
  NpyArray arr;
  // value text after 'key': in the header's dict literal ("" when absent)
  auto field = [&](const std::string& key) -> std::string {
    auto p = header.find("'" + key + "'");
    if (p == std::string::npos) return "";
    p = header.find(':', p);
    if (p == std::string::npos) return "";
    p = header.find_first_not_of(" ", p + 1);
    if (p == std::string::npos) return "";
    char open = header[p];
    if (open == '\'' || open == '(') {
      auto end = header.find(open == '(' ? ')' : '\'', p + 1);
      return end == std::string::npos ? "" : header.substr(p + 1, end - p - 1);
    }
    return header.substr(p, header.find_first_of(",}", p) - p);
  };
  arr.descr = field("descr");
  if (arr.descr.empty()) fail("header has no 'descr'");
  if (field("fortran_order").rfind("True", 0) == 0) fail("Fortran order is not supported (save C-order arrays)");
  if (header.find("'shape'") == std::string::npos) fail("header has no 'shape'");
  std::stringstream dims(field("shape"));
  for (std::string tok; std::getline(dims, tok, ',');) {
    tok.erase(0, tok.find_first_not_of(" \t"));
    if (tok.empty()) continue;
    tok.erase(tok.find_last_not_of(" \t") + 1);
    int64_t d = 0;
    auto [ptr, ec] = std::from_chars(tok.data(), tok.data() + tok.size(), d);
    if (ec != std::errc() || ptr != tok.data() + tok.size() || d < 0)
      fail(fmt::format("malformed 'shape': '{}' is not a non-negative integer that fits 64 bits", tok));
    if (arr.shape.size() == 16) fail("'shape' has more than 16 dimensions");
    arr.shape.push_back(d);
  }
  if (arr.descr.size() != 3 || arr.descr[0] == '>') fail(fmt::format("unsupported dtype '{}' (little-endian only)", arr.descr));
  std::optional<DType> dtype;
  for (const auto& d : kDescr)
    if (arr.descr.substr(1) == d.descr) dtype = d.dtype;
  if (!dtype) fail(fmt::format("unsupported dtype '{}'", arr.descr));
  if (auto why = tensor_size_problem(arr.shape, *dtype); !why.empty()) fail("'shape': " + why);
  size_t count = static_cast<size_t>(*checked_numel(arr.shape));
  size_t data_start = header_start + header_len;
  size_t need = count * static_cast<size_t>(dtype_bytes(*dtype));  // bounded by tensor_size_problem
  if (bytes.size() - data_start != need)
    fail(fmt::format("holds {} data bytes, shape {} of '{}' needs {}", bytes.size() - data_start, shape_str(arr.shape), arr.descr, need));
  arr.data = decode_elements(bytes.data() + data_start, count, *dtype);
  return arr;
}

void write_npy(const std::filesystem::path& path, const Shape& shape, DType dtype, const std::vector<double>& values) {
  std::string dims;
  for (int64_t d : shape) dims += std::to_string(d) + ", ";
  if (shape.size() > 1) dims.resize(dims.size() - 2);
  std::string header = fmt::format("{{'descr': '{}', 'fortran_order': False, 'shape': ({}), }}", npy_descr(dtype), dims);
  while ((10 + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::ofstream out(path, std::ios::binary);
  if (!out) throw GraphError(fmt::format("{}: cannot write", path.string()));
  out.write("\x93NUMPY\x01\x00", 8);
  auto len = static_cast<uint16_t>(header.size());
  out.write(reinterpret_cast<const char*>(&len), 2);
  out << header;
  for (double v : values) {
    auto put = [&](auto x) { out.write(reinterpret_cast<const char*>(&x), sizeof(x)); };
    switch (dtype) {
      case DType::F32: put(static_cast<float>(v)); break;
      case DType::F16: put(double_to_half_bits(v)); break;
      case DType::BF16: {
        auto f = static_cast<float>(round_to_dtype(v, DType::BF16));
        uint32_t bits;
        std::memcpy(&bits, &f, 4);
        put(static_cast<uint16_t>(bits >> 16));
        break;
      }
      case DType::I32: put(static_cast<int32_t>(v)); break;
      case DType::I64: put(static_cast<int64_t>(v)); break;
      case DType::I8: put(static_cast<int8_t>(v)); break;
      case DType::U8: put(static_cast<uint8_t>(v)); break;
      case DType::Bool: put(static_cast<uint8_t>(v != 0)); break;
    }
  }
}

}  // namespace tmetal::graph
