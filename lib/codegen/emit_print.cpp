// MSL emission of tt.print (tl.device_print / print in a kernel) through Metal's shader logging
// (<metal_logging>, MSL 3.2: os_log_default.log with a printf format), in Triton's format:
//   pid (<x>, <y>, <z>) idx (<i0>, <i1>, ...)<prefix>[(operand <n>) ]<value>
// with each index padded to the digits of its dimension (ceil(log10(dim))), floats as %f, integers as %i or
// %u by their signedness (%lli / %llu for 64 bits), hex=True as 0x%0<bits/4>x. Each element is printed once
// per program (replicated copies of an element in a layout are not repeated), and scalars and a bare prefix
// once per program (by thread 0), where Triton's GPU lowering prints them from every thread.
// The emulator implements os_log by handing each formatted line to its host, which writes it to stdout.
#include "codegen/msl_emitter.h"

#include <fmt/format.h>

#include <cmath>

namespace tmetal::codegen {

namespace {

// The prefix as the inside of an MSL string literal that is also a printf format.
std::string format_literal(const std::string& s) {
  std::string out;
  for (char ch : s) {
    if (ch == '%') out += "%%";
    else if (ch == '"' || ch == '\\') out += std::string("\\") + ch;
    else out += ch;
  }
  return out;
}

}  // namespace

void Emitter::emit_print(ir::Operation& op) {
  uses_logging_ = true;
  const std::string prefix = format_literal(op.str_attr("prefix"));
  const bool hex = op.int_attr("hex") != 0;
  const std::vector<int64_t> is_signed = op.array_attr("is_signed");
  const std::string pid = "pid (%u, %u, %u)";
  const std::string pid_args = "tm_pid.x, tm_pid.y, tm_pid.z";
  if (op.num_operands() == 0) {
    line(fmt::format("if (tm_tid == 0) os_log_default.log(\"{}{}\", {});", pid, prefix, pid_args));
    return;
  }
  for (size_t i = 0; i < op.num_operands(); ++i) {
    const ir::Value* v = op.operand(i);
    if (mma(v)) fail(op, "internal error: tl.device_print of a value in the simdgroup-matrix layout");
    ir::Type e = v->type().element();
    if (e.is_pointer()) fail(op, "tl.device_print of pointers is not supported on Metal");
    ir::ScalarKind k = e.scalar_kind();
    const bool is_float = k == ir::ScalarKind::F16 || k == ir::ScalarKind::BF16 || k == ir::ScalarKind::F32;
    const int bits = k == ir::ScalarKind::I1 ? 1 : k == ir::ScalarKind::I8 ? 8 : (k == ir::ScalarKind::I16 || k == ir::ScalarKind::F16 || k == ir::ScalarKind::BF16) ? 16
                   : k == ir::ScalarKind::I64 ? 64 : 32;
    const bool sgn = i < is_signed.size() && is_signed[i] != 0;
    std::string spec, value = v->type().is_tensor() ? elem(v, "k") : name_of(v);
    if (hex) {  // the bits, zero-padded to the type's width
      spec = fmt::format("0x%0{}{}x", std::max(1, bits / 4), bits > 32 ? "ll" : "");
      if (k == ir::ScalarKind::BF16) value = fmt::format("uint(tm_bf16_bits({}))", value);  // bf16 lives in float registers
      else if (k == ir::ScalarKind::F16) value = fmt::format("uint(as_type<ushort>({}))", value);
      else if (k == ir::ScalarKind::F32) value = fmt::format("as_type<uint>({})", value);
      else if (bits > 32) value = fmt::format("as_type<ulong>({})", value);
      else value = fmt::format("uint({}({}))", bits == 1 ? "bool" : bits == 8 ? "uchar" : bits == 16 ? "ushort" : "uint", value);
    } else if (is_float) {
      spec = "%f";
      value = fmt::format("float({})", value);
    } else {
      spec = bits == 64 ? (sgn ? "%lli" : "%llu") : (sgn ? "%i" : "%u");
      const char* narrow = bits == 1 ? "bool" : bits == 8 ? "uchar" : bits == 16 ? "ushort" : "uint";  // zero-extends unsigned values
      value = bits == 64 ? fmt::format("{}({})", sgn ? "long" : "ulong", value)
                         : sgn ? fmt::format("int({})", value) : fmt::format("uint({}({}))", narrow, value);
    }
    std::string operand = op.num_operands() > 1 ? fmt::format("(operand {}) ", i) : "";
    if (!v->type().is_tensor()) {
      line(fmt::format("if (tm_tid == 0) os_log_default.log(\"{} idx (){}{}{}\", {}, {});", pid, prefix, operand, spec, pid_args, value));
      continue;
    }
    const auto& shape = v->type().shape();
    std::string idx, idx_args;
    for (size_t d = 0; d < shape.size(); ++d) {
      int width = shape[d] > 0 ? static_cast<int>(std::ceil(std::log10(static_cast<double>(shape[d])))) : 0;
      idx += (d ? ", " : "") + (width > 0 ? fmt::format("%{}u", width) : std::string("%u"));
      idx_args += fmt::format(", uint({})", coord(v, static_cast<int>(d), "k"));
    }
    open(fmt::format("if ({}) for (int k = 0; k < {}; ++k)", owner(v), regs(v)));
    line(fmt::format("os_log_default.log(\"{} idx ({}){}{}{}\", {}{}, {});", pid, idx, prefix, operand, spec, pid_args, idx_args, value));
    close();
  }
}

}  // namespace tmetal::codegen
