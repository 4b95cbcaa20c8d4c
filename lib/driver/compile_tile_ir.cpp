// compile_tile_ir(): stage 1 (parse + semantic analysis → tile IR, verified) and stage 2 (the tile pass
// pipeline with its debugging aids), turning every user mistake into a CompileFailure diagnostic.
#include "triton_metal/compile.h"

#include "frontend/codegen.h"
#include "frontend/parser.h"
#include "ir/parser.h"
#include "ir/printer.h"
#include "ir/verifier.h"
#include "transforms/pass_manager.h"

#include <fmt/format.h>

namespace tmetal {

TileIrResult::TileIrResult() = default;
TileIrResult::~TileIrResult() = default;
TileIrResult::TileIrResult(TileIrResult&&) noexcept = default;
TileIrResult& TileIrResult::operator=(TileIrResult&&) noexcept = default;

namespace {

void run_stage2(TileIrResult& result, const CompileOptions& options) {
  ir::PrintOptions print{options.locations};
  result.raw_ir = ir::print_op(*result.module, print);
  if (!options.run_passes) {
    result.ir = result.raw_ir;
    return;
  }
  transforms::PassManagerOptions pm_options;
  pm_options.verify_each = options.verify_each;
  pm_options.print_after_all = options.print_after_all;
  pm_options.print_after = options.print_after;
  for (const auto& p : options.print_after)
    if (!transforms::create_pass(p)) throw std::invalid_argument(fmt::format("--print-after names unknown pass '{}'", p));
  pm_options.dump = options.dump ? options.dump : [&result](const std::string& text) { result.dumps.push_back(text); };
  transforms::PassManager pm(pm_options);
  pm.add_pipeline(options.passes ? *options.passes : transforms::default_pipeline());
  try {
    pm.run(*result.module);
  } catch (const transforms::PassVerificationError&) {
    throw;
  } catch (const std::invalid_argument&) {
    throw;
  } catch (const std::runtime_error& e) {
    throw CompileFailure(e.what());
  }
  result.ir = ir::print_op(*result.module, print);
}

}  // namespace

TileIrResult compile_tile_ir(const std::string& source, const std::string& filename, const std::string& kernel,
                             const Specialization& spec, const CompileOptions& options) {
  frontend::SourceFile file(filename, source);
  TileIrResult result;
  auto module = ir::Operation::create(ir::op_info(ir::OpCode::Module), ir::Location::unknown(), {}, {}, {}, 1);
  module->region(0).add_block();
  try {
    frontend::Module ast = frontend::parse_module(file);
    frontend::CodeGen gen(file, ast, *module);
    gen.compile_kernel(kernel, spec);
  } catch (const frontend::CompileError& e) {
    if (e.pos.line == 0) throw CompileFailure(fmt::format("{}: error: {}", filename, e.what()));
    throw CompileFailure(frontend::render_diagnostic(file, e.pos, e.what()));
  }
  if (options.verify_each) {
    auto errors = ir::verify(*module);
    if (!errors.empty())
      throw transforms::PassVerificationError(fmt::format("internal error: the front end produced invalid IR:\n{}", ir::VerificationFailed(std::move(errors)).what()));
  }
  result.module = std::move(module);
  run_stage2(result, options);
  return result;
}

TileIrResult optimize_tile_ir(const std::string& text, const std::string& filename, const CompileOptions& options) {
  TileIrResult result;
  try {
    result.module = ir::parse_ir(text, filename);
  } catch (const ir::IrParseError& e) {
    throw CompileFailure(e.what());
  }
  auto errors = ir::verify(*result.module);
  if (!errors.empty()) throw CompileFailure(ir::VerificationFailed(std::move(errors)).what());
  run_stage2(result, options);
  return result;
}

}  // namespace tmetal
