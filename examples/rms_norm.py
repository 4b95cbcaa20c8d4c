# RMS normalisation of each row (fp16 in and out, fp32 statistics). A row that fits in one block is read
# once (kept in registers between the sum of squares and the scaling, as Triton's tutorials size BLOCK_SIZE to
# cover the row); a longer row is looped over in blocks, twice (the second pass mostly from the cache).
# signature: x_ptr=*fp16:16, w_ptr=*fp16:16, y_ptr=*fp16:16, row_stride=i32:16, n_cols=i32, eps=fp32
# constexpr: BLOCK_SIZE=512
# grid: (n_rows,)
import triton
import triton.language as tl


@triton.jit
def rms_norm_kernel(x_ptr, w_ptr, y_ptr, row_stride, n_cols, eps, BLOCK_SIZE: tl.constexpr):
    row = tl.program_id(0)
    x_row = x_ptr + row * row_stride
    y_row = y_ptr + row * row_stride
    if n_cols <= BLOCK_SIZE:
        cols = tl.arange(0, BLOCK_SIZE)
        valid = cols < n_cols
        x = tl.load(x_row + cols, mask=valid, other=0.0).to(tl.float32)
        rms_inv = tl.rsqrt(tl.sum(x * x, axis=0) / n_cols + eps)
        w = tl.load(w_ptr + cols, mask=valid, other=0.0).to(tl.float32)
        tl.store(y_row + cols, (x * rms_inv * w).to(tl.float16), mask=valid)
    else:
        sum_sq = tl.zeros([BLOCK_SIZE], dtype=tl.float32)
        for start in range(0, n_cols, BLOCK_SIZE):
            cols = start + tl.arange(0, BLOCK_SIZE)
            x = tl.load(x_row + cols, mask=cols < n_cols, other=0.0).to(tl.float32)
            sum_sq += x * x
        rms_inv = tl.rsqrt(tl.sum(sum_sq, axis=0) / n_cols + eps)
        for start in range(0, n_cols, BLOCK_SIZE):
            cols = start + tl.arange(0, BLOCK_SIZE)
            valid = cols < n_cols
            x = tl.load(x_row + cols, mask=valid, other=0.0).to(tl.float32)
            w = tl.load(w_ptr + cols, mask=valid, other=0.0).to(tl.float32)
            tl.store(y_row + cols, (x * rms_inv * w).to(tl.float16), mask=valid)
