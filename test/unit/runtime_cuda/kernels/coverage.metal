// Compile-coverage kernel for the CUDA proxy: every SIMD-group and quad-group function, the atomics, the
// simdgroup_matrix operations and a spread of vector, math and integer functions, on several types.
#include <metal_stdlib>
using namespace metal;

template <typename T>
inline T collectives(T v, ushort lane) {
    T r = simd_sum(v) + simd_product(v) + simd_min(v) + simd_max(v);
    r += quad_sum(v) + quad_product(v) + quad_min(v) + quad_max(v);
    r += simd_prefix_inclusive_sum(v) + simd_prefix_exclusive_sum(v) + simd_prefix_inclusive_product(v) + simd_prefix_exclusive_product(v);
    r += quad_prefix_inclusive_sum(v) + quad_prefix_exclusive_sum(v);
    r += simd_shuffle(v, lane ^ 1) + simd_broadcast(v, 3) + simd_shuffle_up(v, 2) + simd_shuffle_down(v, 2) + simd_shuffle_xor(v, 5);
    r += simd_shuffle_rotate_up(v, 3) + simd_shuffle_rotate_down(v, 3) + simd_broadcast_first(v);
    r += quad_shuffle(v, 1) + quad_broadcast(v, 2) + quad_shuffle_up(v, 1) + quad_shuffle_down(v, 1) + quad_shuffle_xor(v, 3);
    r += quad_shuffle_rotate_up(v, 1) + quad_shuffle_rotate_down(v, 1) + quad_broadcast_first(v);
    r += simd_shuffle_and_fill_up(v, r, 2) + simd_shuffle_and_fill_down(v, r, 2, 8) + quad_shuffle_and_fill_up(v, r, 1);
    return r;
}

kernel void coverage(device float* f            [[buffer(0)]],
                     device int* i              [[buffer(1)]],
                     device half4* h            [[buffer(2)]],
                     device atomic_int* ai      [[buffer(3)]],
                     device atomic_uint* au     [[buffer(4)]],
                     device atomic_float* af    [[buffer(5)]],
                     device float2* m          [[buffer(6)]],
                     threadgroup uint* scratch  [[threadgroup(0)]],
                     uint gid [[thread_position_in_grid]],
                     ushort lane [[thread_index_in_simdgroup]],
                     ushort qlane [[thread_index_in_quadgroup]])
{
    threadgroup atomic_int tg_counter;
    if (gid == 0) atomic_store_explicit(&tg_counter, 0, memory_order_relaxed);
    threadgroup_barrier(mem_flags::mem_threadgroup | mem_flags::mem_device);
    f[gid] = collectives(f[gid], lane);
    i[gid] = collectives(i[gid], lane) + (simd_and(i[gid]) | simd_or(i[gid]) | simd_xor(i[gid])) + (quad_and(i[gid]) ^ quad_or(i[gid]) ^ quad_xor(i[gid]));
    simd_vote vote = simd_ballot(f[gid] > 0.0f);
    bool flags = simd_all(lane < 32) && simd_any(qlane == 0) && simd_is_first() == (lane == 0) && quad_all(true) && quad_any(true);
    i[gid] += int(uint(simd_vote::vote_t(vote)) & 0xffu) + int(flags) + int(quad_ballot(true)) + int(simd_active_threads_mask().all());
    simdgroup_barrier(mem_flags::mem_none);

    half4 hv = h[gid];
    hv.xz = hv.zx * 2.0h;
    hv = select(hv, -hv, hv < half4(0.0h));
    h[gid] = clamp(hv, half4(-1.0h), half4(1.0h)) + half4(dot(float4(hv), float4(1.0f)));

    atomic_fetch_add_explicit(ai, 1, memory_order_relaxed);
    atomic_fetch_sub_explicit(ai, 2, memory_order_relaxed);
    atomic_fetch_max_explicit(ai, int(gid), memory_order_relaxed);
    atomic_fetch_min_explicit(au, gid, memory_order_relaxed);
    atomic_fetch_or_explicit(au, 1u, memory_order_relaxed);
    atomic_fetch_and_explicit(au, ~0u, memory_order_relaxed);
    atomic_fetch_xor_explicit(au, 2u, memory_order_relaxed);
    atomic_exchange_explicit(af, 1.0f, memory_order_relaxed);
    atomic_fetch_add_explicit(af, 0.5f, memory_order_relaxed);
    float expected = 1.5f;
    atomic_compare_exchange_weak_explicit(af, &expected, 2.0f, memory_order_relaxed, memory_order_relaxed);
    atomic_fetch_add_explicit(&tg_counter, 1, memory_order_relaxed);
    scratch[lane] = uint(atomic_load_explicit(&tg_counter, memory_order_relaxed));

    simdgroup_float8x8 a(1.0f), b = make_filled_simdgroup_matrix<float, 8, 8>(2.0f), c;
    simdgroup_half8x8 hm;
    simdgroup_load(hm, (device const half*)h, 8);
    simdgroup_multiply(c, a, b);
    simdgroup_multiply_accumulate(c, hm, b, c);
    c.thread_elements() *= 0.5f;
    simdgroup_store(c, (device float*)m, 16, ulong2(8, 0), true);
    uint4 wide = uint4(gid, 1u, 2u, 3u);
    half4 wide_h = as_type<half4>(wide.zw);  // as_type of a swizzle
    m[gid] = float2(fast::exp(f[gid]), precise::sqrt(fabs(f[gid]))) + float2(popcount(uint(gid)), clz(gid) + ctz(gid | 1u)) +
             float2(as_type<float>(uint(i[gid])) + float(wide_h.y), length(float3(1.0f, 2.0f, 3.0f))) * float2(rsqrt(2.0f), fract(1.25f));
}
