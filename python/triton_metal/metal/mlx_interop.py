"""A compiled kernel on MLX arrays through ``mx.fast.metal_kernel`` (MLX >= 0.16; ``ensure_row_contiguous``
and ``header`` are needed).

MLX generates the kernel's signature itself (``const device T* name`` per input, ``device T* name`` per
output, a parameter per thread attribute the body names), so our kernel is rebuilt around it:
* ``header``: our MSL without the kernel function (includes, helper functions);
* ``source`` (the body): aliases with our parameter names — ``device float* x_ptr = (device float*)(x_ptr_in);``,
  ``const int n = n_in;``, ``const uint3 tm_pid = uint3(threadgroup_position_in_grid);`` — then our kernel's
  body unchanged. Our body stays in MLX's kernel function (not a helper called from it) because MSL allows
  ``threadgroup`` variables, which our reductions and dots declare, only at kernel scope.

Triton semantics are kept: every array argument is an MLX input, and the kernel writes the arrays it writes
in place (the alias casts ``const`` away), so elements it does not write keep their values. MLX does not
know about those writes, so a launch evaluates its array arguments first (``mx.eval``: the user's pending MLX
work on them finishes, in order) and waits for the kernel (``mx.eval`` of a one-byte marker output) before
returning. Arrays the kernel writes must own their memory (not broadcasts or views): ``launch`` refuses
arrays whose MLX flags say otherwise where MLX exposes them, and docs/macos.md lists this as not yet run."""
from dataclasses import dataclass

from .msl_kernel import parse_kernel, pointer_type, value_type

# MLX's thread attributes (mlx/backend/metal/custom_kernel): the type it declares each with.
MLX_ATTRIBUTES = {
    "thread_position_in_grid": "uint3", "threads_per_grid": "uint3", "thread_position_in_threadgroup": "uint3",
    "threads_per_threadgroup": "uint3", "threadgroup_position_in_grid": "uint3", "threadgroups_per_grid": "uint3",
    "thread_index_in_threadgroup": "uint", "thread_index_in_simdgroup": "uint", "simdgroup_index_in_threadgroup": "uint",
    "thread_execution_width": "uint", "threads_per_simdgroup": "uint", "simdgroups_per_threadgroup": "uint",
}
MARKER = "tm_done"


@dataclass
class MlxKernelSpec:
    name: str
    input_names: list   # MLX inputs, in our parameter order: "<param>_in"
    output_names: list  # the one-byte marker MLX needs an output for
    header: str
    source: str
    params: list        # the CompiledKernel's params (name, pointer, dtype, role), in order


def build(msl, kernel_name, params):
    """The mx.fast.metal_kernel arguments for a compiled kernel. `params` are the CompiledKernel's runtime
    parameters (with .name, .pointer, .dtype, .role, .buffer_index). ValueError for what MLX cannot run."""
    k = parse_kernel(msl, kernel_name)
    by_index = {p.buffer_index: p for p in params}
    inputs, prefix = [], []
    for q in k.params:
        if q.attribute == "buffer":
            p = by_index.get(q.index)
            if p is None:
                raise ValueError(f"kernel '{kernel_name}': [[buffer({q.index})]] '{q.name}' is not a runtime parameter")
            mlx_name = q.name + "_in"
            inputs.append(mlx_name)
            if p.pointer:
                t = pointer_type(q.type)
                prefix.append(f"  {t} {q.name} = ({t})({mlx_name});")
            else:
                t = value_type(q.type)
                prefix.append(f"  const {t} {q.name} = static_cast<{t}>({mlx_name});")
        elif q.attribute == "threadgroup":
            raise ValueError(f"kernel '{kernel_name}': [[threadgroup({q.index})]] parameters have no MLX equivalent")
        elif q.attribute in MLX_ATTRIBUTES:
            prefix.append(f"  const {q.type} {q.name} = {q.type}({q.attribute});")
        else:
            raise ValueError(f"kernel '{kernel_name}': MLX kernels have no [[{q.attribute}]] parameter ('{q.name}')")
    prefix.append(f"  if (thread_position_in_grid.x == 0 && thread_position_in_grid.y == 0 && thread_position_in_grid.z == 0) "
                  f"{MARKER}[0] = 1;")
    source = "\n".join(prefix) + "\n" + k.body
    header = k.before + k.after
    return MlxKernelSpec(f"tm_{kernel_name}", inputs, [MARKER], header, source, list(params))


def grid_and_threadgroup(grid, threads_per_threadgroup):
    """MLX dispatches threads (dispatchThreads): our grid of programs times the threadgroup, one
    threadgroup per program."""
    g = tuple(int(x) for x in grid) + (1,) * (3 - len(grid))
    return (g[0] * threads_per_threadgroup, g[1], g[2]), (threads_per_threadgroup, 1, 1)


_MLX_SCALAR = {"f32": "float32", "bf16": "float32", "f16": "float16", "i1": "bool_", "i8": "int8", "i16": "int16",
               "i32": "int32", "i64": "int64", "u8": "uint8", "u16": "uint16", "u32": "uint32", "u64": "uint64"}


def launch(ck, grid, args, mx=None, cache=None):
    """Runs CompiledKernel `ck` on MLX arrays (and Python scalars) `args`; `mx` is mlx.core (a fake in tests)."""
    if mx is None:
        import mlx.core as mx
    cache = {} if cache is None else cache
    key = (ck.name, ck.asm["msl"])
    spec = cache.get(key)
    if spec is None:
        spec = build(ck.asm["msl"], ck.name, ck.params)
        kernel = mx.fast.metal_kernel(name=spec.name, input_names=spec.input_names, output_names=spec.output_names,
                                      source=spec.source, header=spec.header, ensure_row_contiguous=False)
        cache[key] = spec = (spec, kernel)
    spec, kernel = spec
    inputs = []
    for p, a in zip(spec.params, args):
        if p.pointer:
            inputs.append(a)
        else:
            inputs.append(mx.array(a, dtype=getattr(mx, _MLX_SCALAR.get(p.dtype, "int32"))))
    arrays = [a for p, a in zip(spec.params, args) if p.pointer]
    mx.eval(*arrays)  # the user's pending work on these arrays first, in order
    threads, group = grid_and_threadgroup(grid, ck.threads_per_threadgroup)
    (marker,) = kernel(inputs=inputs, grid=threads, threadgroup=group, output_shapes=[(1,)], output_dtypes=[mx.uint8])
    mx.eval(marker)  # the kernel has written the arrays when this returns
    return {"threadgroups": threads[0] // group[0] * threads[1] * threads[2]}
