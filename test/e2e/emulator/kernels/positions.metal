// Writes every thread-position attribute of every thread (3D grids, both dispatch styles, partial
// threadgroups) so the test can compare them with Metal's definitions.
#include <metal_stdlib>
using namespace metal;

struct Record {
    uint tpig[3], tpitg[3], tgpig[3], tptg[3], tgpg[3], tpg[3], dtptg[3];
    uint tiitg, tiisg, sgitg, sgptg, tpsg, tew, tiiqg, qgitg;
};

[[kernel]] void positions(device Record* out [[buffer(0)]],
                          constant uint3& grid_threads [[buffer(1)]],
                          uint3 tpig [[thread_position_in_grid]],
                          ushort3 tpitg [[thread_position_in_threadgroup]],
                          uint3 tgpig [[threadgroup_position_in_grid]],
                          uint3 tptg [[threads_per_threadgroup]],
                          uint3 tgpg [[threadgroups_per_grid]],
                          uint3 tpg [[threads_per_grid]],
                          uint3 dtptg [[dispatch_threads_per_threadgroup]],
                          uint tiitg [[thread_index_in_threadgroup]],
                          ushort tiisg [[thread_index_in_simdgroup]],
                          uint sgitg [[simdgroup_index_in_threadgroup]],
                          uint sgptg [[simdgroups_per_threadgroup]],
                          uint tpsg [[threads_per_simdgroup]],
                          uint tew [[thread_execution_width]],
                          uint tiiqg [[thread_index_in_quadgroup]],
                          uint qgitg [[quadgroup_index_in_threadgroup]])
{
    uint idx = (tpig.z * grid_threads.y + tpig.y) * grid_threads.x + tpig.x;
    device Record& r = out[idx];
    for (int i = 0; i < 3; ++i) {
        r.tpig[i] = tpig[i];
        r.tpitg[i] = tpitg[i];
        r.tgpig[i] = tgpig[i];
        r.tptg[i] = tptg[i];
        r.tgpg[i] = tgpg[i];
        r.tpg[i] = tpg[i];
        r.dtptg[i] = dtptg[i];
    }
    r.tiitg = tiitg;
    r.tiisg = tiisg;
    r.sgitg = sgitg;
    r.sgptg = sgptg;
    r.tpsg = tpsg;
    r.tew = tew;
    r.tiiqg = tiiqg;
    r.qgitg = qgitg;
}

// Language features in one kernel: a threadgroup scalar, a helper taking threadgroup and device pointers,
// a struct with a member function, a constexpr template helper, a 2D threadgroup array passed by pointer.
struct Accum {
    float total;
    void add(float v) { total += v; }
};

template <int N>
constexpr int cube() { return N * N * N; }

static float sum_tile(threadgroup const float* t, uint n) {
    float s = 0.0f;
    for (uint i = 0; i < n; ++i) s += t[i];
    return s;
}

inline void store_scaled(device float* dst, uint i, float v) { dst[i] = v * float(cube<2>()); }

kernel void features(device const float* in [[buffer(0)]],
                     device float* out      [[buffer(1)]],
                     uint tid [[thread_index_in_threadgroup]],
                     uint group [[threadgroup_position_in_grid]],
                     uint tsize [[threads_per_threadgroup]])
{
    threadgroup float tile[2][32];
    threadgroup float group_total;
    tile[tid / 32][tid % 32] = in[group * tsize + tid];
    if (tid == 0) group_total = 0.0f;
    threadgroup_barrier(mem_flags::mem_threadgroup);
    if (tid == 0) {
        Accum a{0.0f};
        a.add(sum_tile(&tile[0][0], tsize));
        group_total = a.total;
    }
    threadgroup_barrier(mem_flags::mem_threadgroup);
    store_scaled(out, group * tsize + tid, group_total);
}
