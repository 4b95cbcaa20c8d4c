# Histogram of integer values in [0, n_bins) with global atomics: each program counts its block of the
# input into bins_ptr. Values outside the range are ignored.
# signature: values_ptr=*i32:16, bins_ptr=*i32:16, n_values=i32, n_bins=i32
# constexpr: BLOCK_SIZE=1024
# grid: (cdiv(n_values, BLOCK_SIZE),)
import triton
import triton.language as tl


@triton.jit
def histogram_kernel(values_ptr, bins_ptr, n_values, n_bins, BLOCK_SIZE: tl.constexpr):
    offsets = tl.program_id(0) * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    in_range = offsets < n_values
    v = tl.load(values_ptr + offsets, mask=in_range, other=-1)
    counted = in_range & (v >= 0) & (v < n_bins)
    tl.atomic_add(bins_ptr + v, 1, mask=counted, sem="relaxed")
