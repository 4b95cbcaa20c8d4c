# Layer normalisation over the last dimension: forward (stores mean and 1/std per row for the backward)
# and backward (input gradient per row; weight and bias gradients accumulated with atomics).
# kernel layer_norm_fwd
#   signature: x_ptr=*fp32:16, y_ptr=*fp32:16, w_ptr=*fp32:16, b_ptr=*fp32:16, mean_ptr=*fp32:16, rstd_ptr=*fp32:16, row_stride=i32:16, n_cols=i32, eps=fp32
#   constexpr: BLOCK_SIZE=1024
#   grid: (n_rows,)
# kernel layer_norm_bwd
#   signature: dy_ptr=*fp32:16, x_ptr=*fp32:16, w_ptr=*fp32:16, mean_ptr=*fp32:16, rstd_ptr=*fp32:16, dx_ptr=*fp32:16, dw_ptr=*fp32:16, db_ptr=*fp32:16, row_stride=i32:16, n_cols=i32
#   constexpr: BLOCK_SIZE=1024
#   grid: (n_rows,)
import triton
import triton.language as tl


@triton.jit
def layer_norm_fwd(x_ptr, y_ptr, w_ptr, b_ptr, mean_ptr, rstd_ptr, row_stride, n_cols, eps,
                   BLOCK_SIZE: tl.constexpr):
    row = tl.program_id(0)
    cols = tl.arange(0, BLOCK_SIZE)
    valid = cols < n_cols
    x = tl.load(x_ptr + row * row_stride + cols, mask=valid, other=0.0).to(tl.float32)
    mean = tl.sum(x, axis=0) / n_cols
    centred = tl.where(valid, x - mean, 0.0)
    var = tl.sum(centred * centred, axis=0) / n_cols
    rstd = 1.0 / tl.sqrt(var + eps)
    tl.store(mean_ptr + row, mean)
    tl.store(rstd_ptr + row, rstd)
    w = tl.load(w_ptr + cols, mask=valid)
    b = tl.load(b_ptr + cols, mask=valid)
    y = centred * rstd * w + b
    tl.store(y_ptr + row * row_stride + cols, y, mask=valid)


@triton.jit
def layer_norm_bwd(dy_ptr, x_ptr, w_ptr, mean_ptr, rstd_ptr, dx_ptr, dw_ptr, db_ptr, row_stride, n_cols,
                   BLOCK_SIZE: tl.constexpr):
    row = tl.program_id(0)
    cols = tl.arange(0, BLOCK_SIZE)
    valid = cols < n_cols
    x = tl.load(x_ptr + row * row_stride + cols, mask=valid, other=0.0)
    dy = tl.load(dy_ptr + row * row_stride + cols, mask=valid, other=0.0)
    w = tl.load(w_ptr + cols, mask=valid, other=0.0)
    mean = tl.load(mean_ptr + row)
    rstd = tl.load(rstd_ptr + row)
    xhat = tl.where(valid, (x - mean) * rstd, 0.0)
    wdy = w * dy
    c1 = tl.sum(xhat * wdy, axis=0) / n_cols
    c2 = tl.sum(wdy, axis=0) / n_cols
    dx = (wdy - (xhat * c1 + c2)) * rstd
    tl.store(dx_ptr + row * row_stride + cols, dx, mask=valid)
    tl.atomic_add(dw_ptr + cols, dy * xhat, mask=valid)
    tl.atomic_add(db_ptr + cols, dy, mask=valid)
