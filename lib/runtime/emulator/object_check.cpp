// Reads an ELF64 shared object's .dynsym (via the section headers) and checks its undefined symbols against
// the emulator's allow-list (see object_check.h).
#include "runtime/emulator/object_check.h"

#include "triton_metal/runtime.h"

#include <elf.h>
#include <fmt/core.h>

#include <cctype>
#include <cstring>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>

namespace tmetal::runtime::emulator {

namespace {

// What a translated kernel may import: libm's float functions (and the double ones GCC may use for
// constant-folded helpers), memory primitives, snprintf (diagnostic messages), and the C++ ABI's support for
// static locals, thread_local storage (threadgroup arrays), exceptions thrown by the host's fail hook
// through kernel frames, and stack protection.
const std::set<std::string>& allowed() {
  static const std::set<std::string> s = [] {
    std::set<std::string> a = {
        "memcpy", "memmove", "memset", "memcmp", "snprintf", "__stack_chk_fail", "__tls_get_addr", "__cxa_thread_atexit_impl",
        "__cxa_guard_acquire", "__cxa_guard_release", "__cxa_guard_abort", "__cxa_atexit", "__cxa_finalize",
        "__gxx_personality_v0", "_Unwind_Resume", "__cxa_begin_catch", "__cxa_end_catch", "__cxa_rethrow",
        "_ZSt9terminatev", "__cxa_call_terminate", "_ITM_deregisterTMCloneTable", "_ITM_registerTMCloneTable",
        "__gmon_start__", "__dso_handle", "__cxa_thread_atexit"};
    for (const char* f : {"acos", "acosh", "asin", "asinh", "atan", "atanh", "atan2", "ceil", "cos", "cosh", "exp", "exp2",
                          "exp10", "expm1", "fabs", "floor", "fmod", "fmin", "fmax", "fdim", "fma", "log", "log2", "log10",
                          "log1p", "pow", "rint", "round", "roundeven", "sin", "sinh", "sincos", "sqrt", "tan", "tanh", "trunc",
                          "copysign", "erf", "erfc", "lrint", "llrint", "lround", "nearbyint", "ldexp", "frexp", "modf",
                          "cbrt", "hypot", "remainder", "nextafter"}) {
      a.insert(f);
      a.insert(std::string(f) + "f");
    }
    return a;
  }();
  return s;
}

}  // namespace

std::vector<std::string> undefined_symbols(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto bad = [&] { return Error(fmt::format("{} is not a readable ELF64 shared object", path)); };
  if (data.size() < sizeof(Elf64_Ehdr) || std::memcmp(data.data(), ELFMAG, SELFMAG) != 0 || data[EI_CLASS] != ELFCLASS64) throw bad();
  Elf64_Ehdr eh;
  std::memcpy(&eh, data.data(), sizeof eh);
  auto section = [&](size_t i) {
    Elf64_Shdr sh;
    size_t off = eh.e_shoff + i * sizeof(Elf64_Shdr);
    if (eh.e_shentsize != sizeof(Elf64_Shdr) || off + sizeof sh > data.size() || off < eh.e_shoff) throw bad();
    std::memcpy(&sh, data.data() + off, sizeof sh);
    if (sh.sh_type != SHT_NOBITS && (sh.sh_offset > data.size() || sh.sh_size > data.size() - sh.sh_offset)) throw bad();
    return sh;
  };
  std::vector<std::string> out;
  bool found = false;
  for (size_t i = 0; i < eh.e_shnum; ++i) {
    Elf64_Shdr sh = section(i);
    if (sh.sh_type != SHT_DYNSYM) continue;
    found = true;
    if (sh.sh_link >= eh.e_shnum) throw bad();
    Elf64_Shdr strtab = section(sh.sh_link);
    for (size_t k = 1; k < sh.sh_size / sizeof(Elf64_Sym); ++k) {
      Elf64_Sym sym;
      std::memcpy(&sym, data.data() + sh.sh_offset + k * sizeof(Elf64_Sym), sizeof sym);
      if (sym.st_shndx != SHN_UNDEF || sym.st_name >= strtab.sh_size) continue;
      const char* name = data.data() + strtab.sh_offset + sym.st_name;
      out.emplace_back(name, strnlen(name, strtab.sh_size - sym.st_name));
    }
  }
  if (!found && eh.e_shnum) throw bad();
  return out;
}

// libgcc's arithmetic support routines (__popcountdi2, __divti3, __extendhfsf2, ...): pure computation.
static bool libgcc_arithmetic(const std::string& s) {
  static const char* const kPrefixes[] = {"__popcount", "__clz", "__ctz", "__ffs", "__parity", "__bswap", "__div", "__udiv",
                                          "__mod", "__umod", "__mul", "__neg", "__ashl", "__ashr", "__lshr", "__cmp", "__ucmp",
                                          "__float", "__fix", "__extend", "__trunc", "__pow"};
  if (s.size() < 4 || !std::isdigit(static_cast<unsigned char>(s.back()))) return false;
  for (const char* p : kPrefixes)
    if (s.rfind(p, 0) == 0) return true;
  return false;
}

void check_object_symbols(const std::string& shared_object, const msl::Module& module) {
  for (const std::string& full : undefined_symbols(shared_object)) {
    std::string sym = full.substr(0, full.find('@'));  // memcpy@GLIBC_2.14
    if (sym.empty() || allowed().count(sym) || libgcc_arithmetic(sym)) continue;
    std::string where = module.file_name;
    for (const auto& t : module.tokens)
      if (t.ident() && !t.directive && (t.text == sym || (sym.size() > t.text.size() + 2 && sym.find(t.text) != std::string::npos &&
                                                          sym.rfind("_Z", 0) == 0 && t.text.size() > 3))) {
        where = fmt::format("{}:{}:{}", t.file_name(module.file_name), t.line, t.col);
        break;
      }
    throw CompileError(fmt::format("{}: error: the kernel calls '{}', which is not part of Metal's standard library: the "
                                   "emulator links kernels against nothing but its own runtime, so this kernel is refused "
                                   "and nothing of it runs", where, sym));
  }
}

}  // namespace tmetal::runtime::emulator
