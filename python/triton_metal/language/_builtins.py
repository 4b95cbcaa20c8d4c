"""Kernel-only functions of triton_metal.language: names that exist so kernel code imports and reads as
Triton's, and that explain themselves when called outside a @jit kernel (the C++ front end compiles them)."""


class KernelOnlyError(RuntimeError):
    """A triton_metal.language function was called from ordinary Python code."""


def _kernel_only(qualname):
    def fn(*args, **kwargs):
        raise KernelOnlyError(f"{qualname}() can only be used inside a @triton_metal.jit kernel (the compiler "
                              "translates it); it cannot be called from Python code")
    fn.__name__ = qualname.rsplit(".", 1)[-1]
    fn.__qualname__ = qualname
    fn.__doc__ = f"{qualname}: a Triton builtin; only valid inside a @jit kernel."
    return fn


CORE = """program_id num_programs arange zeros zeros_like full full_like load store dot cast where maximum minimum
clamp sum max min argmax argmin xor_sum reduce cumsum cumprod associative_scan sort flip exp exp2 log log2 sqrt
sqrt_rn rsqrt sin cos abs floor ceil erf fma sigmoid softmax fdiv div_rn umulhi atomic_add atomic_max atomic_min
atomic_and atomic_or atomic_xor atomic_xchg atomic_cas make_block_ptr advance reshape view trans permute
broadcast broadcast_to expand_dims cat join split interleave ravel multiple_of max_contiguous max_constancy
static_assert static_print device_print device_assert debug_barrier inline_asm_elementwise cdiv randint randint4x rand rand4x
randn randn4x""".split()

MATH = """exp exp2 log log2 log1p sqrt rsqrt sin cos tan tanh sinh cosh asin acos atan atan2 erf abs floor ceil
pow fma max min div_rn fdiv isnan isinf signbit round trunc""".split()


class _range:
    """tl.range / tl.static_range: loop iterators of a kernel."""

    def __init__(self, *args, **kwargs):
        raise KernelOnlyError(f"{type(self).__name__}() can only be used inside a @triton_metal.jit kernel")


class static_range(_range):
    pass


class range(_range):  # noqa: A001  (Triton's name)
    pass
