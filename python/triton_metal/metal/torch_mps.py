"""A compiled kernel on torch ``mps`` tensors through ``torch.mps.compile_shader`` (torch >= 2.6), which
compiles our MSL as it is and dispatches on torch's own MPS stream, so launches are ordered with the user's
torch code without a synchronize and without copies: each tensor is bound where it lives.

The library binds arguments in order to [[buffer(0)]], [[buffer(1)]], ...: our kernels' buffers are numbered
in parameter order, which ``arguments`` checks. Scalars go as one-element tensors of the parameter's dtype,
so a ``constant int&`` gets 4 bytes and a ``constant half&`` 2 (what the library would make of a Python
number is not documented). torch dispatches threads (dispatchThreads): the grid of programs times the
threadgroup, one threadgroup per program.

The other way — binding the tensors' MTLBuffers to our own Metal device — needs a torch.mps.synchronize()
before and after each launch to stay ordered; docs/macos.md has the plan to measure both (not yet run)."""

_TORCH_DTYPE = {"f32": "float32", "bf16": "float32", "f16": "float16", "i1": "bool", "i8": "int8", "i16": "int16",
                "i32": "int32", "i64": "int64", "u8": "uint8", "u16": "uint16", "u32": "uint32", "u64": "uint64"}


def shader_source(ck):
    """The source handed to torch.mps.compile_shader: the kernel's MSL unchanged (it includes metal_stdlib)."""
    return ck.asm["msl"]


def check_binding_order(ck):
    """ValueError unless the kernel's runtime parameters sit at [[buffer(0..n-1)]] in order."""
    for i, p in enumerate(ck.params):
        if p.buffer_index != i:
            raise ValueError(f"kernel '{ck.name}': parameter '{p.name}' is [[buffer({p.buffer_index})]], not {i}: "
                             "torch.mps.compile_shader binds arguments in order")


def arguments(ck, args, torch):
    check_binding_order(ck)
    out = []
    for p, a in zip(ck.params, args):
        if p.pointer:
            if getattr(getattr(a, "device", None), "type", None) != "mps":
                raise ValueError(f"kernel '{ck.name}': argument '{p.name}' is not on the mps device (all tensors of one launch must be)")
            out.append(a)
        else:
            out.append(torch.tensor([a], dtype=getattr(torch, _TORCH_DTYPE.get(p.dtype, "int32")), device="mps"))
    return out


def dispatch_sizes(grid, threads_per_threadgroup):
    g = tuple(int(x) for x in grid) + (1,) * (3 - len(grid))
    return [g[0] * threads_per_threadgroup, g[1], g[2]], [threads_per_threadgroup, 1, 1]


def launch(ck, grid, args, torch=None, cache=None):
    """Runs CompiledKernel `ck` on mps tensors; `torch` is the torch module (a fake in tests)."""
    if torch is None:
        import torch
    cache = {} if cache is None else cache
    key = (ck.name, ck.asm["msl"])
    lib = cache.get(key)
    if lib is None:
        lib = cache[key] = torch.mps.compile_shader(shader_source(ck))
    threads, group = dispatch_sizes(grid, ck.threads_per_threadgroup)
    getattr(lib, ck.name)(*arguments(ck, args, torch), threads=threads, group_size=group)
    return {"threadgroups": threads[0] // group[0] * threads[1] * threads[2]}
