// libFuzzer target over the MSL front end of the runtime (lib/runtime/msl): the input is Metal source.
// tokenize() and parse_module() must either succeed or throw msl::SyntaxError naming a position; any
// other exception, a crash, a sanitizer report or a hang is a bug.
#include "runtime/msl/module.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 100000) return 0;
  std::string source(reinterpret_cast<const char*>(data), size);
  try {
    tmetal::msl::Module m = tmetal::msl::parse_module(source, "fuzz.metal");
    for (const auto& e : m.entries)
      if (!m.find_entry(e.name)) std::abort();  // every listed entry point must be found by name
  } catch (const tmetal::msl::SyntaxError&) {
    // the expected answer to malformed kernel signatures
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fuzz_msl_scanner: unexpected exception (not SyntaxError): %s\n", e.what());
    std::abort();
  }
  return 0;
}
