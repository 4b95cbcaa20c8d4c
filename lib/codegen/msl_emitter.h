// The MSL emitter: turns a GPU-IR function (tile IR whose tensors carry #gpu.blocked layouts) into one Metal
// kernel. A tensor value becomes a per-thread register array named after the source variable; elementwise
// ops become constant-bound loops over registers; values whose layouts relate shapes differently move
// through registers or threadgroup memory. Internal to lib/codegen (the public API is triton_metal/kernel.h).
#pragma once

#include "gpu/assign_layouts.h"
#include "gpu/axis_analysis.h"
#include "gpu/blocked_layout.h"
#include "gpu/simdgroup_matrix_layout.h"
#include "gpu/threadgroup_allocator.h"
#include "ir/operation.h"
#include "triton_metal/target.h"

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

namespace tmetal::codegen {

// A kernel construct this emitter cannot lower, a dot it cannot tile, too much threadgroup memory: what()
// names the kernel and the source location.
class LoweringError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct BufferArg {
  std::string name;    // source parameter name
  int index = 0;       // [[buffer(index)]]
  bool pointer = false;
  std::string dtype;   // element type ("f32", "bf16", ...)
  bool read = false, written = false;
  // Addressed through 32-bit element offsets (pointer_roles.cpp): a bound array must have fewer elements.
  int64_t max_elements = 0;  // 0: no limit
};

struct EmitResult {
  std::string msl;
  std::string entry;
  std::vector<BufferArg> args;
  int64_t threadgroup_bytes = 0;
  int threads_per_threadgroup = 0;
  std::string bf16_mode;  // "native", "emulated-f32" or "" when the kernel has no bf16
  std::vector<std::string> matmul_tiles;  // per dot: "sg 2x2 of 8x8 fragments"
  // [[buffer(i)]] of the address map when the kernel makes pointers from integers (tm_int_to_ptr), else -1.
  int address_map_buffer = -1;
};

struct EmitOptions {
  std::string kernel_source;  // the Python source, for names and source-line comments
  gpu::LoweringOptions lowering;
  bool double_buffer = true;  // K-loop tl.dot stages alternate when the target allows (emit_dot.cpp)
  bool co_stage = true;       // a later dot's B staged with an earlier dot's operands (emit_dot.cpp)
};

// Thrown when double-buffered dot stages and the other threadgroup buffers do not fit together.
struct DoubleBufferOverflow {};
// Thrown when co-staged dot operands and the other threadgroup buffers do not fit together.
struct CoStagingOverflow {};

EmitResult emit_msl(ir::Operation& func, const target::Target& target, const EmitOptions& options);

// --- internal ---------------------------------------------------------------------------------------------

class Emitter {
 public:
  Emitter(ir::Operation& func, const target::Target& target, const EmitOptions& options);
  EmitResult run();

  // Naming and types.
  std::string name_of(const ir::Value* v) const;
  std::string define(const ir::Value* v, const std::string& hint = "");
  std::string reg_type(const ir::Type& elem) const;      // register type of an element type
  std::string storage_type(const ir::Type& elem) const;  // memory type of an element type
  std::string elem(const ir::Value* v, const std::string& k) const;  // element k: name[k], a fragment's element, or name
  std::string element_reg_type(const ir::Type& t) const;  // register type of one element (reg_type but for fragments)
  // Pointer roles (pointer_roles.cpp): the kernel arguments each pointer value derives from, read/written per
  // argument (into args_), and the arguments only read (emitted `const device`).
  void analyse_pointer_roles();
  bool read_only(const ir::Value* v) const;        // v points only into arguments emitted const
  std::string value_type(const ir::Value* v) const;  // reg_type, const-qualified for read-only pointers
  std::unordered_map<const ir::Value*, std::set<int>> arg_of_;
  std::vector<bool> const_args_;
  // 32-bit element offsets for tensors of pointers (decided by analyse_pointer_roles); the dot emitter uses
  // offset_type() for its own address arithmetic and splat_base() for the base a splat's offsets start from.
  bool offsets32_ = false;
  std::string offset_type() const { return offsets32_ ? "uint" : "long"; }
  int64_t offset_bytes() const { return offsets32_ ? 4 : 8; }
  const ir::Value* splat_base(const ir::Value* scalar_ptr) const;  // the argument (32-bit) or scalar_ptr itself
  // A tensor of pointers is held as element offsets from one scalar base pointer: the kernel argument it
  // derives from when every pointer tensor of the kernel can be traced to one (offset_type() is then `uint`:
  // 32-bit, see pointer_roles.cpp), else its splat source (`long`). Offsets move through threadgroup memory
  // like integers. ptr(v, k) is the address of element k.
  std::string ptr(const ir::Value* v, const std::string& k) const;
  void set_base(const ir::Operation& op, const ir::Value* v, const ir::Value* base);
  std::unordered_map<const ir::Value*, const ir::Value*> ptr_base_;
  int64_t regs(const ir::Value* v) const;  // length of the value's register array (1 for scalars; fragments for f16/f32 #mma)
  int64_t elements(const ir::Value* v) const;  // elements per thread (2 per fragment)
  // Tensors of the fragment family (gpu::fragment_family): f16 / f32 values in the simdgroup-matrix layout
  // are arrays of simdgroup_matrix fragments (element k: fragment k / 2, thread_elements()[k % 2]); other
  // element types in that layout, and its slices, are plain arrays in the same element order (emit_fragments.cpp).
  bool fragment_storage(const ir::Type& t) const;
  int64_t kept_extent(const ir::Value* v) const;  // a slice's extent along its kept dimension
  bool same_encoding(const ir::Type& a, const ir::Type& b) const;
  std::string fragment_coord(const ir::Value* v, int dim, const std::string& k);
  std::string fragment_owner(const ir::Value* v);
  void emit_fragment_reduce(ir::Operation& op);          // tt.reduce of a fragment-family tensor (emit_fragment_reduce.cpp)
  bool emit_fragment_relayout(ir::Operation& op);        // expand_dims / broadcast within the fragment family
  void emit_fragment_load(ir::Operation& op);            // tt.load into the fragment family (emit_fragment_access.cpp)
  void emit_fragment_store(ir::Operation& op);           // tt.store of fragments to device memory (emit_fragment_access.cpp)
  bool fragment_prologue_ = false;
  const gpu::BlockedLayout& layout(const ir::Value* v) const;
  std::string coord(const ir::Value* v, int dim, const std::string& k);  // element coordinate expression
  std::string linear(const ir::Value* v, const std::string& k);         // row-major element index
  std::string owner(const ir::Value* v);  // bool: this thread is not a replica for v's layout
  // Tensors in the simdgroup-matrix layout (tl.dot results and accumulators) are arrays of fragments:
  // register f is fragment (f / frags_n, f % frags_n) of the simdgroup's block at (row, col).
  struct FragmentBlock {
    int64_t frags_m = 0, frags_n = 0;
    std::string row, col, own;  // MSL names: the block's origin and whether this simdgroup is not a replica
  };
  const gpu::SimdgroupMatrixLayout* mma(const ir::Value* v) const;  // null for other layouts
  FragmentBlock fragments(const ir::Value* v);
  int64_t mma_convert_rows(const ir::Value* v) const;  // rows per band of a conversion through threadgroup memory
  int64_t mma_convert_bytes(const ir::Value* v) const;
  [[noreturn]] void fail(const ir::Operation& op, const std::string& what) const;

  // Output.
  void line(const std::string& text);
  void open(const std::string& text);
  void close(const std::string& text = "}");
  void source_comment(const ir::Operation& op);
  void barrier();
  // The barrier opening a use of threadgroup memory by `op` (emit_memory_order.cpp): emitted only when an earlier
  // use may still be in flight (threadgroup_in_use).
  void lead_barrier(const ir::Operation& op);
  bool threadgroup_in_use(const ir::Operation& op) const;
  std::string scratch(const std::string& type, int64_t byte_offset);  // pointer into threadgroup scratch
  void need_scratch(const ir::Operation& op, int64_t bytes);  // a new threadgroup buffer, live during `op`
  std::string place_threadgroup_buffers(const std::string& text);
  void declare(const ir::Value* v);  // `T name[R];` or `T name;`

  // Ops (emit_*.cpp).
  void emit_block(ir::Block& block);
  void emit_op(ir::Operation& op);
  bool emit_elementwise(ir::Operation& op);
  std::string elementwise_expr(ir::Operation& op, const std::vector<std::string>& a);
  // Device-memory ordering of one program's global accesses (emit_memory_order.cpp).
  const ir::Value* memory_root(const ir::Value* p) const;  // the kernel argument a pointer derives from, or null
  // memory_root, also through scf.for iteration arguments (emit_memory_order.cpp): for telling buffers apart.
  const ir::Value* access_root(const ir::Value* p) const;
  void order_device_access(ir::Operation& op);            // a device barrier first when `op` may race an access
  void device_barrier();
  // Pointers accessed since the last device barrier, and whether one of those accesses wrote.
  std::unordered_map<const ir::Value*, bool> writes_of_;
  void emit_load(ir::Operation& op);
  void emit_store(ir::Operation& op);
  void emit_atomic(ir::Operation& op);
  void emit_block_ptr(ir::Operation& op);  // tt.make_tensor_ptr, tt.advance
  void emit_block_access(ir::Operation& op);  // tt.load / tt.store through a block pointer
  void emit_relayout(ir::Operation& op);
  // The element expression (of register k) of relayout `op`'s result recomputed in its layout from the index
  // tensor it converts (rematerialize.cpp), or nullopt where the source is not one.
  std::optional<std::string> recomputed_relayout(const ir::Operation& op);
  // The element of index tensor `v` at `coords` recomputed from its producers (rematerialize.cpp), or nullopt;
  // pointer offsets must count from `base`. `budget` bounds the number of producers visited.
  std::optional<std::string> rematerialize(const ir::Value* v, const std::vector<std::string>& coords, const ir::Value* base,
                                           int& budget);
  void emit_join_split(ir::Operation& op);  // tt.join / tt.split through threadgroup memory
  void emit_histogram(ir::Operation& op);
  void emit_reduce(ir::Operation& op);
  // A reduction's result taken back to the input's lines through elementwise ops on the way (`(tl.sum(x, 1) / n)[:, None]`):
  // the gpu.convert_layout `c` is emitted at its own place from the reduction's per-line partials `tag<g>` (register k:
  // group reg_group[k]) through `ops` (emit_reduce.cpp), with no threadgroup memory.
  struct LineChain {
    std::string tag;
    std::vector<size_t> reg_group;
    const ir::Value* res = nullptr;
    std::vector<ir::Operation*> ops;
  };
  std::map<const ir::Operation*, LineChain> line_chains_;
  void emit_line_chain(ir::Operation& c, const LineChain& chain);
  void emit_scan(ir::Operation& op);
  void emit_chunked_scan(ir::Operation& op, const std::vector<std::string>& results);
  bool emit_register_scan(ir::Operation& op, const std::vector<std::string>& results);  // false: not applicable
  void emit_dot(ir::Operation& op);
  // A tl.dot's M, N, K (operands held transposed per gpu.trans_a / gpu.trans_b) and the fragment element types
  // it multiplies in (half, bfloat where native, else float; float for mixed inputs); ta is "" for integer inputs.
  struct DotShape {
    bool two_d = false, trans_a = false, trans_b = false;
    // The operand is staged as the transpose of its usual tile (A as [K][M], B as [N][K]) because its registers
    // run along M (A) / K (B); its fragments are read with simdgroup_load's transpose.
    bool flip_a = false, flip_b = false;
    int64_t M = 0, N = 0, K = 0, ea = 0, eb = 0;
    std::string ta, tb;
    // A 2-D float dot of whole 8x8 fragments: what staging ahead of emit_dot may assume (emit_dot reports the rest).
    bool tileable() const { return two_d && !ta.empty() && M % 8 == 0 && N % 8 == 0 && K % 8 == 0; }
  };
  DotShape dot_shape(const ir::Operation& op) const;
  void stage_dot_operand(ir::Value* v, const std::string& dst, const std::string& type, int64_t esize, bool k_is_col, bool transposed,
                         bool flipped, const std::string& kcv, int64_t cols, int64_t kc);
  void stage_invariant_dot_operands(ir::Operation& loop);  // before an scf.for (emit_dot.cpp)
  std::map<const ir::Operation*, std::string> staged_once_;  // tl.dot -> its A, staged before its loop
  // Co-staging (emit_dot.cpp): a later tl.dot of the same loop body whose only staged operand, B, is already
  // in registers is staged together with an earlier dot's operands, before that dot's barrier, into its own
  // buffer; the later dot then needs no barrier (flash attention: V staged with K^T, 4 barriers per key block
  // become 2).
  struct CoStaged {
    std::string tile;    // the staged B tile
    int64_t ldb = 0;     // its row length in elements
    int buffer = -1;     // its threadgroup buffer (live from the earlier dot to this one)
  };
  std::map<const ir::Operation*, CoStaged> co_staged_;
  ir::Operation* co_staging_candidate(ir::Operation& dot, ir::Operation& loop) const;
  // Emits, in order, the tm.prefetch ops (pipeline-dot-loads) that follow `dot` in its block and need no
  // threadgroup memory; emit_op then skips them (emit_prefetch.cpp).
  void emit_prefetch_after(ir::Operation& dot);
  void emit_dot_int(ir::Operation& op);  // int8 x int8 -> int32 (emit_dot_int.cpp)
  void emit_print(ir::Operation& op);    // tt.print through os_log (emit_print.cpp)
  void emit_mma_fill(ir::Operation& op);     // a constant / splat in the simdgroup-matrix layout
  void emit_mma_convert(ir::Operation& op);  // gpu.convert_layout to or from the simdgroup-matrix layout
  void emit_for(ir::Operation& op);
  void emit_if(ir::Operation& op);
  void emit_while(ir::Operation& op);
  void assign(const ir::Value* dst, const ir::Value* src);  // dst = src (register-wise for tensors)
  void emit_combine(ir::Block& body, const std::vector<std::string>& lhs, const std::vector<std::string>& rhs,
                    const std::vector<std::string>& out);

  ir::Operation& func_;
  const target::Target& target_;
  EmitOptions options_;
  std::string kernel_;
  gpu::AxisAnalysis axes_;
  std::vector<std::string> source_lines_;
  std::unordered_map<const ir::Value*, std::string> names_;
  std::map<std::string, int> used_names_;
  std::set<std::string> taken_names_;  // every name define() handed out
  std::unordered_map<const ir::Value*, std::string> hints_;
  std::map<std::string, int> layout_ids_;
  std::ostringstream prologue_;
  std::ostringstream body_;
  int indent_ = 1;
  int last_line_ = -1;
  int64_t scratch_bytes_ = 0;  // the planned peak
  std::vector<gpu::ThreadgroupBuffer> tg_buffers_;
  int current_buffer_ = -1;
  std::map<const ir::Operation*, std::vector<int>> loop_buffers_;
  std::set<const ir::Operation*> emitted_early_;  // emitted by emit_prefetch_after before their turn  // buffers live until the end of that scf.for
  int64_t point_ = 0;  // program point: ops emitted so far
  int tmp_ = 0;
  bool uses_bf16_ = false;
  bool uses_logging_ = false;  // a tt.print: the kernel includes <metal_logging>
  std::vector<BufferArg> args_;
  std::vector<std::string> tiles_;
  std::map<std::string, FragmentBlock> fragment_blocks_;
};

}  // namespace tmetal::codegen
