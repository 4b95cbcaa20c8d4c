// `triton-metal emulate`: runs one MSL compute kernel on the Metal emulator with buffers described on the
// command line, prints per-launch counters and optionally dumps buffers (docs/emulator.md).
//
//   triton-metal emulate k.metal --entry vector_add --buffer 0=f32:1024:random --buffer 1=f32:1024:zeros
//       --buffer 2=u32:=1024 --grid 4 --threadgroup 256 --dump 1
#include "command_registry.h"
#include "kernel_cli.h"
#include "number_parse.h"

#include "runtime/emulator/compiler.h"
#include "runtime/half_bits.h"
#include "runtime/emulator/translate.h"
#include "runtime/msl/module.h"
#include "triton_metal/runtime.h"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <charconv>
#include <cstdio>
#include <cmath>
#include <limits>
#include <optional>
#include <cstring>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

namespace tmetal::cli {
namespace {

using runtime::Binding;
using runtime::from_bf16;
using runtime::from_f16;
using runtime::to_bf16;
using runtime::to_f16;
using runtime::Size3;

struct ElemType {
  std::string name;
  std::size_t size;
  bool is_float;
  bool is_signed;
};

const std::vector<ElemType> kTypes = {{"f32", 4, true, true},  {"f16", 2, true, true},  {"bf16", 2, true, true},
                                      {"i32", 4, false, true}, {"u32", 4, false, false}, {"i16", 2, false, true},
                                      {"u16", 2, false, false}, {"i8", 1, false, true},  {"u8", 1, false, false},
                                      {"i64", 8, false, true}, {"u64", 8, false, false}};

const ElemType& type_named(const std::string& s, const std::string& where) {
  for (const auto& t : kTypes)
    if (t.name == s) return t;
  throw UsageError(fmt::format("{}: unknown element type '{}' (f32 f16 bf16 i32 u32 i16 u16 i8 u8 i64 u64)", where, s));
}


// Stores value v (parsed for type t, so integers are in range) as element i of type t.
void store(unsigned char* p, const ElemType& t, std::size_t i, const TypedValue& tv) {
  unsigned char* q = p + i * t.size;
  auto put = [&](auto x) { std::memcpy(q, &x, sizeof x); };
  const std::string& n = t.name;
  if (!t.is_float) {
    if (n == "i32") put(static_cast<std::int32_t>(tv.i));
    else if (n == "u32") put(static_cast<std::uint32_t>(tv.i));
    else if (n == "i16") put(static_cast<std::int16_t>(tv.i));
    else if (n == "u16") put(static_cast<std::uint16_t>(tv.i));
    else if (n == "i8") put(static_cast<std::int8_t>(tv.i));
    else if (n == "u8") put(static_cast<std::uint8_t>(tv.i));
    else if (n == "i64") put(tv.i);
    else put(static_cast<std::uint64_t>(tv.i));
    return;
  }
  double v = tv.f;
  if (n == "f32") put(static_cast<float>(v));
  else if (n == "f16") put(to_f16(static_cast<float>(v)));
  else if (n == "bf16") put(to_bf16(static_cast<float>(v)));
  else if (n == "i32") put(static_cast<std::int32_t>(v));
  else if (n == "u32") put(static_cast<std::uint32_t>(v));
  else if (n == "i16") put(static_cast<std::int16_t>(v));
  else if (n == "u16") put(static_cast<std::uint16_t>(v));
  else if (n == "i8") put(static_cast<std::int8_t>(v));
  else if (n == "u8") put(static_cast<std::uint8_t>(v));
  else if (n == "i64") put(static_cast<std::int64_t>(v));
  else put(static_cast<std::uint64_t>(v));
}

std::string load(const unsigned char* p, const ElemType& t, std::size_t i) {
  const unsigned char* q = p + i * t.size;
  auto get = [&](auto x) { std::memcpy(&x, q, sizeof x); return x; };
  const std::string& n = t.name;
  if (n == "f32") return fmt::format("{:g}", get(float{}));
  if (n == "f16") return fmt::format("{:g}", from_f16(get(std::uint16_t{})));
  if (n == "bf16") return fmt::format("{:g}", from_bf16(get(std::uint16_t{})));
  if (n == "i32") return fmt::format("{}", get(std::int32_t{}));
  if (n == "u32") return fmt::format("{}", get(std::uint32_t{}));
  if (n == "i16") return fmt::format("{}", get(std::int16_t{}));
  if (n == "u16") return fmt::format("{}", get(std::uint16_t{}));
  if (n == "i8") return fmt::format("{}", get(std::int8_t{}));
  if (n == "u8") return fmt::format("{}", get(std::uint8_t{}));
  if (n == "i64") return fmt::format("{}", get(std::int64_t{}));
  return fmt::format("{}", get(std::uint64_t{}));
}

// An element value of type t: whole string, range-checked against t (no nan into an integer type).
TypedValue parse_number(const std::string& s, const ElemType& t, const std::string& where) { return parse_value_of_type(s, t.name, where); }

TypedValue integer_value(std::int64_t i) { return TypedValue{false, i, static_cast<double>(i)}; }
TypedValue real_value(double f) { return TypedValue{true, 0, f}; }

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, sep)) out.push_back(item);
  if (!s.empty() && s.back() == sep) out.push_back("");
  return out;
}

Size3 parse_size(const std::string& s, const char* what, std::uint64_t max) {
  auto d = parse_dims(s, max, what);
  return {d[0], d[1], d[2]};
}

std::uint32_t parse_index(const std::string& s, const std::string& where) {
  return static_cast<std::uint32_t>(parse_unsigned(s, std::numeric_limits<std::uint32_t>::max(), where));
}

struct BufferSpec {
  ElemType type;
  std::size_t count = 0;
  Binding binding;
};

// IDX=TYPE:COUNT[:INIT]  INIT: zeros (default), ones, iota, random, fill=V
// IDX=TYPE:=V[,V...]     a small constant blob (setBytes)
// IDX=TYPE:file=PATH     raw contents of a file
// IDX=struct:TYPE=V,TYPE=V...  a constant struct, fields at their natural alignment
BufferSpec parse_buffer(const std::string& spec, runtime::Device& dev, std::mt19937& rng, std::uint32_t& index) {
  std::string where = fmt::format("--buffer {}", spec);
  auto eq = spec.find('=');
  if (eq == std::string::npos) throw UsageError(where + ": expected IDX=TYPE:...");
  index = parse_index(spec.substr(0, eq), where);
  if (spec.compare(eq + 1, 7, "struct:") == 0) {
    std::vector<std::uint8_t> bytes;
    std::size_t align = 1;
    for (const auto& field : split(spec.substr(eq + 8), ',')) {
      auto feq = field.find('=');
      if (feq == std::string::npos) throw UsageError(where + ": struct fields are TYPE=VALUE");
      const ElemType& t = type_named(field.substr(0, feq), where);
      std::size_t at = (bytes.size() + t.size - 1) / t.size * t.size;
      bytes.resize(at + t.size);
      store(bytes.data() + at, t, 0, parse_number(field.substr(feq + 1), t, where));
      align = std::max(align, t.size);
    }
    bytes.resize((bytes.size() + align - 1) / align * align);
    BufferSpec b{type_named("u8", where), bytes.size(), Binding::raw(bytes)};
    return b;
  }
  auto parts = split(spec.substr(eq + 1), ':');
  if (parts.size() < 2) throw UsageError(where + ": expected TYPE:COUNT[:INIT], TYPE:=VALUES or TYPE:file=PATH");
  BufferSpec b{type_named(parts[0], where), 0, {}};
  const ElemType& t = b.type;
  if (parts[1].rfind("=", 0) == 0) {
    auto values = split(parts[1].substr(1), ',');
    std::vector<std::uint8_t> bytes(values.size() * t.size);
    for (size_t i = 0; i < values.size(); ++i) store(bytes.data(), t, i, parse_number(values[i], t, where));
    b.count = values.size();
    b.binding = Binding::raw(std::move(bytes));
    return b;
  }
  if (parts[1].rfind("file=", 0) == 0) {
    std::string path = spec.substr(eq + 1).substr(parts[0].size() + 6);
    std::string data = read_source_file(path);
    b.count = data.size() / t.size;
    auto buf = dev.allocate(data.size());
    std::memcpy(buf->data(), data.data(), data.size());
    b.binding = Binding::of(buf);
    return b;
  }
  b.count = parse_unsigned(parts[1], (std::uint64_t{1} << 36) / t.size, where + ": element count");
  if (b.count == 0) throw UsageError(where + ": the element count must be positive");
  std::string init = parts.size() > 2 ? parts[2] : "zeros";
  auto buf = dev.allocate(b.count * t.size);
  auto* p = static_cast<unsigned char*>(buf->data());
  std::uniform_real_distribution<double> fd(-1.0, 1.0);
  std::uniform_int_distribution<int> id(0, 99);
  std::optional<TypedValue> fill;
  if (init.rfind("fill=", 0) == 0) fill = parse_number(init.substr(5), t, where);
  else if (init != "zeros" && init != "ones" && init != "iota" && init != "random")
    throw UsageError(fmt::format("{}: unknown initializer '{}' (zeros ones iota random fill=V)", where, init));
  auto of = [&](double v) { return t.is_float ? real_value(v) : integer_value(static_cast<std::int64_t>(v)); };
  for (std::size_t i = 0; i < b.count; ++i) {
    TypedValue v;
    if (fill) v = *fill;
    else if (init == "zeros") v = of(0);
    else if (init == "ones") v = of(1);
    else if (init == "iota") v = t.is_float ? real_value(static_cast<double>(i)) : integer_value(static_cast<std::int64_t>(i));
    else v = t.is_float ? real_value(fd(rng)) : integer_value(id(rng));
    store(p, t, i, v);
  }
  b.binding = Binding::of(buf);
  return b;
}

runtime::FunctionConstantValue parse_constant_value(const std::string& v, const std::string& where) {
  if (v == "true") return true;
  if (v == "false") return false;
  if (v.find_first_of(".eE") == std::string::npos && v.find("inf") == std::string::npos) {
    std::int64_t i = 0;
    auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), i);
    if (ec == std::errc() && ptr == v.data() + v.size()) return i;
  }
  return parse_real(v, true, where);
}

RunFunction setup(CLI::App& cmd) {
  struct Options {
    std::string file, entry, grid = "1", threadgroup = "1", device = "emulator";
    std::vector<std::string> buffers, tg_memory, constants, dumps, include_dirs;
    bool threads_grid = false, json = false, print_cpp = false, racecheck = false;
    unsigned seed = 1, repeat = 1, dump_count = 16;
    double timeout = 0;
  };
  auto o = std::make_shared<Options>();
  cmd.add_option("kernel", o->file, "MSL source file")->required();
  cmd.add_option("--entry", o->entry, "kernel (entry point) name")->required();
  cmd.add_option("--buffer", o->buffers,
                 "IDX=TYPE:COUNT[:zeros|ones|iota|random|fill=V], IDX=TYPE:=V[,V...] (constant bytes), IDX=struct:TYPE=V,... (constant struct), "
                 "IDX=TYPE:file=PATH; TYPE: f32 f16 bf16 i32 u32 i16 u16 i8 u8 i64 u64");
  cmd.add_option("--threadgroup-memory", o->tg_memory, "IDX=BYTES for a [[threadgroup(IDX)]] parameter");
  cmd.add_option("--grid", o->grid, "X[,Y[,Z]]: threadgroups per grid (threads with --threads-grid)");
  cmd.add_option("--threadgroup", o->threadgroup, "X[,Y[,Z]]: threads per threadgroup");
  cmd.add_flag("--threads-grid", o->threads_grid, "the grid counts threads (dispatchThreads; partial edge threadgroups)");
  cmd.add_option("--constant", o->constants, "NAME_OR_INDEX=VALUE: a function constant (true, false, integer or float)");
  cmd.add_option("--dump", o->dumps, "IDX[=PATH]: print buffer IDX after the launch, or write its bytes to PATH");
  add_number_option(cmd, "--dump-count", o->dump_count, 0u, 1u << 30, "elements to print per dumped buffer (default 16)");
  cmd.add_option("-I,--include-dir", o->include_dirs, "DIR: search DIR for the kernel's #include headers (repeatable)");
  add_number_option(cmd, "--seed", o->seed, 0u, UINT32_MAX, "seed for random initializers (default 1)");
  add_number_option(cmd, "--repeat", o->repeat, 1u, 1000000u, "launch this many times (default 1)");
  cmd.add_option("--timeout", o->timeout,
                 "SECONDS: stop a launch running longer with an error (default TRITON_METAL_LAUNCH_TIMEOUT, else 600)")
      ->check(CLI::NonNegativeNumber);
  cmd.add_flag("--json", o->json, "print the statistics as JSON");
  cmd.add_flag("--racecheck", o->racecheck,
               "fail the launch on a data race: threads of a threadgroup touching the same threadgroup memory (or writing the "
               "same device memory) with no barrier between, one of them writing");
  cmd.add_option("--device", o->device, "device (default emulator)");
  cmd.add_flag("--print-cpp", o->print_cpp, "print the C++ the emulator translates the kernel into, and stop");
  return [o]() -> int {
    std::stringstream ss;
    ss << read_source_file(o->file);
    if (o->print_cpp) {
      std::map<std::string, std::string> literal_constants;
      for (const auto& c : o->constants) {
        auto eq = c.find('=');
        if (eq == std::string::npos || eq == 0) throw UsageError(fmt::format("--constant {}: expected NAME_OR_INDEX=VALUE", c));
        literal_constants[c.substr(0, eq)] = c.substr(eq + 1);
      }
      try {
        std::string src = ss.str();
        if (runtime::emulator::needs_preprocessing(src, o->file)) src = runtime::emulator::preprocess(src, o->file, o->include_dirs);
        fmt::print("{}", runtime::emulator::translate(msl::parse_module(src, o->file), literal_constants).cpp);
      } catch (const msl::SyntaxError& e) {
        throw runtime::CompileError(e.what());
      }
      return 0;
    }
    std::unique_ptr<runtime::Device> dev;
    try {
      dev = runtime::make_device(o->device);
    } catch (const runtime::Error& e) {
      throw UsageError(e.what());
    }
    runtime::CompileOptions copts;
    copts.file_name = o->file;
    copts.include_dirs = o->include_dirs;
    for (const auto& c : o->constants) {
      auto eq = c.find('=');
      if (eq == std::string::npos || eq == 0) throw UsageError(fmt::format("--constant {}: expected NAME_OR_INDEX=VALUE", c));
      copts.function_constants[c.substr(0, eq)] = parse_constant_value(c.substr(eq + 1), "--constant " + c);
    }
    runtime::LaunchConfig cfg;
    cfg.grid = parse_size(o->grid, "--grid", o->threads_grid ? kMaxThreadsPerDimension : kMaxGridDimension);
    cfg.threads_per_threadgroup = parse_size(o->threadgroup, "--threadgroup", 1024);
    if (!o->threads_grid) {
      std::uint64_t dims[3][2] = {{cfg.grid.x, cfg.threads_per_threadgroup.x}, {cfg.grid.y, cfg.threads_per_threadgroup.y},
                                  {cfg.grid.z, cfg.threads_per_threadgroup.z}};
      for (int d = 0; d < 3; ++d)
        if (dims[d][0] * dims[d][1] > kMaxThreadsPerDimension)
          throw UsageError(fmt::format("--grid {} --threadgroup {}: {} threadgroups of {} threads exceed Metal's {} threads per grid dimension", o->grid,
                                       o->threadgroup, dims[d][0], dims[d][1], kMaxThreadsPerDimension));
    }
    cfg.dispatch = o->threads_grid ? runtime::Dispatch::Threads : runtime::Dispatch::Threadgroups;
    cfg.racecheck = o->racecheck;
    cfg.timeout_seconds = o->timeout;
    std::mt19937 rng(o->seed);
    std::map<std::uint32_t, BufferSpec> specs;
    for (const auto& b : o->buffers) {
      std::uint32_t idx = 0;
      BufferSpec s = parse_buffer(b, *dev, rng, idx);
      cfg.buffers[idx] = s.binding;
      specs[idx] = std::move(s);
    }
    for (const auto& t : o->tg_memory) {
      auto eq = t.find('=');
      if (eq == std::string::npos) throw UsageError(fmt::format("--threadgroup-memory {}: expected IDX=BYTES", t));
      cfg.threadgroup_memory[parse_index(t.substr(0, eq), "--threadgroup-memory")] = parse_index(t.substr(eq + 1), "--threadgroup-memory");
    }
    auto pipeline = dev->compile(ss.str(), o->entry, copts);
    nlohmann::json report;
    report["kernel"] = o->entry;
    report["compile_seconds"] = pipeline->compile_seconds();
    report["compile_cache_hit"] = pipeline->from_cache();
    if (!o->json)
      fmt::print("kernel {}: {}\n", o->entry,
                 pipeline->from_cache() ? std::string("compiled object from cache")
                                        : fmt::format("compiled in {:.3f} s", pipeline->compile_seconds()));
    std::fflush(stdout);  // progress before a long launch (stdout may be a pipe)
    for (unsigned r = 0; r < std::max(1u, o->repeat); ++r) {
      auto s = dev->launch(*pipeline, cfg);
      report["launches"].push_back({{"threadgroups", s.threadgroups}, {"threads", s.threads}, {"wall_seconds", s.wall_seconds},
                                    {"device_bytes_read", s.device_bytes_read}, {"device_bytes_written", s.device_bytes_written},
                                    {"barriers", s.barriers}, {"simd_collectives", s.simd_collectives},
                                    {"threadgroup_bytes_read", s.threadgroup_bytes_read},
                                    {"threadgroup_bytes_written", s.threadgroup_bytes_written},
                                    {"simdgroup_multiply_accumulates", s.simdgroup_multiply_accumulates}});
      if (!o->json)
        fmt::print("launch {}: {} threadgroups, {} threads, wall {:.3f} ms, device bytes read {}, written {}, threadgroup "
                   "bytes read {}, written {}, barriers {}, simd collectives {}, simdgroup multiply-accumulates {}\n",
                   r + 1, s.threadgroups, s.threads, s.wall_seconds * 1e3, s.device_bytes_read, s.device_bytes_written,
                   s.threadgroup_bytes_read, s.threadgroup_bytes_written, s.barriers, s.simd_collectives,
                   s.simdgroup_multiply_accumulates);
    }
    for (const auto& d : o->dumps) {
      auto eq = d.find('=');
      std::uint32_t idx = parse_index(d.substr(0, eq), "--dump " + d);
      auto it = specs.find(idx);
      if (it == specs.end()) throw UsageError(fmt::format("--dump {}: no buffer {} was given", d, idx));
      const BufferSpec& b = it->second;
      const unsigned char* p = b.binding.buffer ? static_cast<const unsigned char*>(b.binding.buffer->data()) : b.binding.bytes.data();
      if (eq != std::string::npos) {
        std::ofstream out(d.substr(eq + 1), std::ios::binary);
        out.write(reinterpret_cast<const char*>(p), static_cast<std::streamsize>(b.count * b.type.size));
        if (!out) throw std::runtime_error(fmt::format("cannot write '{}'", d.substr(eq + 1)));
        continue;
      }
      std::vector<std::string> vals;
      for (std::size_t i = 0; i < std::min<std::size_t>(b.count, o->dump_count); ++i) vals.push_back(load(p, b.type, i));
      if (o->json) {
        report["buffers"][std::to_string(idx)] = vals;
      } else {
        std::string joined;
        for (const auto& v : vals) joined += (joined.empty() ? "" : " ") + v;
        fmt::print("buffer {} ({} x {}): {}{}\n", idx, b.type.name, b.count, joined, b.count > vals.size() ? " ..." : "");
      }
    }
    if (o->json) fmt::print("{}\n", report.dump(2));
    return 0;
  };
}

CommandRegistration reg{"emulate", "run an MSL compute kernel on the Metal emulator (CPU)", setup};

}  // namespace
}  // namespace tmetal::cli
