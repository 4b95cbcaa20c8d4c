# A kernel touching the rest of the tl.* surface: every call must type-check, verify after each pass,
# and lower to the expected tile-IR ops.
# RUN: %triton-metal compile %s --kernel k --signature 'x_ptr=*fp32:16, i_ptr=*i32:16, u_ptr=*u32, n=i32' --constexpr BLOCK=64 --emit tile-ir-raw --verify-each --no-locations | FileCheck %s
# RUN: %triton-metal compile %s --kernel k --signature 'x_ptr=*fp32:16, i_ptr=*i32:16, u_ptr=*u32, n=i32' --constexpr BLOCK=64 --print-after-all --verify-each > /dev/null
import triton
import triton.language as tl
from triton.language import constexpr

HALF: tl.constexpr = 0.5
LIMIT = tl.constexpr(3)


@triton.jit
def pair_max(a, ai, b, bi):
    take = a >= b
    return tl.where(take, a, b), tl.where(take, ai, bi)


@triton.jit
def mul_combine(a, b):
    return a * b


@triton.jit
def k(x_ptr, i_ptr, u_ptr, n, BLOCK: constexpr):
    pid = tl.program_id(2) + tl.num_programs(1)
    o = tl.arange(0, BLOCK)
    m = o < n
    x = tl.load(x_ptr + o, mask=m, other=0.0, cache_modifier=".cg", eviction_policy="evict_last")
    i = tl.load(i_ptr + o, mask=m, other=0)
    u = tl.load(u_ptr + o)
    # reductions
    am = tl.argmax(x, axis=0)
    mn, mi = tl.min(x, axis=0, return_indices=True)
    xs = tl.xor_sum(i, axis=0)
    v, vi = tl.reduce((x, o), 0, pair_max)
    # scans
    cp = tl.cumprod(x, 0)
    sc = tl.associative_scan(x, 0, mul_combine, reverse=True)
    # shapes
    x2 = tl.reshape(x, (8, 8))
    t = tl.permute(x2, (1, 0))
    j = tl.join(x, x)
    a, b = tl.split(j)
    e = tl.expand_dims(x, 1)
    bc = tl.broadcast_to(e, (BLOCK, 4))
    zl = tl.zeros_like(bc)
    # math
    y = tl.sigmoid(x) + tl.sqrt_rn(tl.abs(x)) + tl.fma(x, x, x) + tl.div_rn(x, 3.0) + tl.fdiv(x, x)
    y += tl.clamp(x, -1.0, 1.0) + tl.minimum(x, HALF) + tl.maximum(x, 0.0) + tl.exp2(x) + tl.log2(x + 1)
    y += tl.softmax(x) + tl.erf(x) + tl.floor(x) + tl.ceil(x) + tl.cos(x) * tl.sin(x) + tl.rsqrt(x + 2.0)
    h = tl.umulhi(u, u)
    bits = x.to(tl.int32, bitcast=True) >> 3
    c = tl.cast(bits, tl.float16) * 2
    hist = tl.histogram(i & 7, 8)
    # control flow
    k2 = 0
    while k2 < n:
        k2 += LIMIT
    if pid > 1:
        y = y * 2.0
    else:
        y = y - 1.0
    tl.device_assert(k2 >= 0, "k2 negative")
    tl.debug_barrier()
    tl.static_assert(BLOCK == 64)
    print(f"block {BLOCK}:", y)
    old = tl.atomic_cas(i_ptr, 0, 1, sem="acquire")
    tl.atomic_max(u_ptr + o, u, mask=m)
    tl.atomic_xchg(x_ptr + o, y, mask=m, scope="cta")
    tl.store(x_ptr + o, y + a + b + cp + sc + mn + v + c.to(tl.float32), mask=m)
    tl.store(i_ptr + o, am + mi + xs + vi + h.to(tl.int32) + old + tl.sum(hist, 0) + tl.sum(zl, 1).to(tl.int32))
    tl.store(x_ptr + o, tl.sum(t, 0).reshape(8).broadcast_to((8, 8)).reshape((64,)))

# CHECK-DAG: tt.get_program_id {axis = 2 : i32}
# CHECK-DAG: tt.get_num_programs {axis = 1 : i32}
# CHECK-DAG: tt.load {{.*}}{cache = ".cg", evict = "evict_last"}
# CHECK-DAG: tt.reduce {{.*}}: f32, i32
# CHECK-DAG: arith.xori
# CHECK-DAG: tt.call {{.*}}callee = "pair_max_
# CHECK-DAG: tt.scan {{.*}}{axis = 0 : i32, reverse = true}
# CHECK-DAG: tt.call {{.*}}callee = "mul_combine_
# CHECK-DAG: tt.reshape {{.*}} : tensor<8x8xf32>
# CHECK-DAG: tt.trans {{.*}}{order = array<1, 0>} : tensor<8x8xf32>
# CHECK-DAG: tt.join {{.*}} : tensor<64x2xf32>
# CHECK-DAG: tt.split {{.*}} : tensor<64xf32>, tensor<64xf32>
# CHECK-DAG: tt.precise_sqrt
# CHECK-DAG: math.fma
# CHECK-DAG: tt.precise_divf
# CHECK-DAG: tt.clampf
# CHECK-DAG: arith.minnumf
# CHECK-DAG: math.erf
# CHECK-DAG: tt.mulhiui
# CHECK-DAG: tt.bitcast {{.*}} : tensor<64xi32>
# CHECK-DAG: arith.shrsi
# CHECK-DAG: arith.sitofp {{.*}} : tensor<64xf16>
# CHECK-DAG: tt.histogram {{.*}} : tensor<8xi32>
# CHECK-DAG: scf.while
# CHECK-DAG: scf.condition
# CHECK-DAG: scf.if
# CHECK-DAG: tt.assert {{.*}}{message = "k2 negative"}
# CHECK-DAG: gpu.barrier
# CHECK-DAG: tt.print {{.*}}{is_signed = array<0>, prefix = " block 64: "}
# CHECK-DAG: tt.atomic_cas {{.*}}{scope = "gpu", sem = "acquire"}
# CHECK-DAG: tt.atomic_rmw {{.*}}{kind = "umax"
# CHECK-DAG: tt.atomic_rmw {{.*}}{kind = "xchg", scope = "cta"
