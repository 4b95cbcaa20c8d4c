// The op registry: built-in op kinds from op_codes.def plus kinds registered at run time by later stages.
#include "ir/op_info.h"

#include "ir/op_verifiers.h"

#include <deque>
#include <map>
#include <mutex>
#include <stdexcept>

namespace tmetal::ir {
namespace {

struct Registry {
  std::deque<OpInfo> infos;  // stable addresses
  std::map<std::string, const OpInfo*, std::less<>> by_name;
  std::vector<const OpInfo*> builtin;
  std::mutex mutex;

  Registry() {
    using namespace trait;
#define TM_OP(E, N, T)                                                      \
  infos.push_back(OpInfo{N, OpCode::E, static_cast<uint32_t>(T), builtin_verifier(OpCode::E)}); \
  by_name[N] = &infos.back();                                               \
  builtin.push_back(&infos.back());
#include "ir/op_codes.def"
#undef TM_OP
  }
};

Registry& registry() {
  static Registry r;
  return r;
}

}  // namespace

const OpInfo* register_op(std::string name, uint32_t traits, OpVerifier verify) {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  if (r.by_name.count(name)) throw std::logic_error("op '" + name + "' is already registered");
  r.infos.push_back(OpInfo{name, OpCode::Custom, traits, std::move(verify)});
  r.by_name[name] = &r.infos.back();
  return &r.infos.back();
}

const OpInfo* find_op(std::string_view name) {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  auto it = r.by_name.find(name);
  return it == r.by_name.end() ? nullptr : it->second;
}

const OpInfo* op_info(OpCode code) { return registry().builtin.at(static_cast<size_t>(code)); }

}  // namespace tmetal::ir
