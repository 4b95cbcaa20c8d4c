// Every misuse the emulator diagnoses, each shown with its message: out-of-bounds device and threadgroup
// accesses, divergent barriers, non-uniform simd collectives, threadgroup memory and thread-count limits,
// MSL errors at the user's line, and bad launch configurations. None may crash or hang.
#include "emulator_test_support.h"

namespace tmetal::test {
namespace {

using ::testing::HasSubstr;

std::shared_ptr<runtime::Pipeline> compile_inline(const std::string& src, const std::string& entry, const std::string& file) {
  runtime::CompileOptions o;
  o.file_name = file;
  return device().compile(src, entry, o);
}

template <class F> std::string launch_error(F&& f) {
  try {
    f();
  } catch (const runtime::LaunchError& e) {
    return e.what();
  }
  return "<no error>";
}

const char* kOobDevice = R"(#include <metal_stdlib>
using namespace metal;
kernel void shift(device const float* in [[buffer(0)]], device float* out [[buffer(1)]],
                  uint gid [[thread_position_in_grid]]) {
    out[gid] = in[gid + 1];   // reads one past the end in the last thread
}
)";

TEST(Misuse, OutOfBoundsDeviceReadNamesKernelBufferElementAndThread) {
  auto p = compile_inline(kOobDevice, "shift", "oob.metal");
  auto in = upload(random_floats(64, 1)), out = upload(std::vector<float>(64, 0.0f));
  auto c = config({2, 1, 1}, {32, 1, 1});
  c.buffers[0] = runtime::Binding::of(in);
  c.buffers[1] = runtime::Binding::of(out);
  std::string e = launch_error([&] { device().launch(*p, c); });
  EXPECT_THAT(e, HasSubstr("kernel 'shift'"));
  EXPECT_THAT(e, HasSubstr("device buffer 'in' [[buffer(0)]]"));
  EXPECT_THAT(e, HasSubstr("at element 64"));
  EXPECT_THAT(e, HasSubstr("the buffer has 256 bytes"));
  EXPECT_THAT(e, HasSubstr("thread_position_in_grid (63,0,0)"));
}

TEST(Misuse, OutOfBoundsDeviceWriteStopsTheLaunchInFiberMode) {
  const char* src = R"(#include <metal_stdlib>
using namespace metal;
kernel void k(device float* out [[buffer(0)]], uint gid [[thread_position_in_grid]]) {
    threadgroup_barrier(mem_flags::mem_none);
    out[gid == 20 ? 64 : gid] = 1.0f;   // only thread 20 writes out of bounds
}
)";
  auto p = compile_inline(src, "k", "oobw.metal");
  auto out = upload(std::vector<float>(64, 0.0f));
  auto c = config({4, 1, 1}, {16, 1, 1});
  c.buffers[0] = runtime::Binding::of(out);
  std::string e = launch_error([&] { device().launch(*p, c); });
  EXPECT_THAT(e, HasSubstr("'out' [[buffer(0)]] at element 64"));
  EXPECT_THAT(e, HasSubstr("thread_position_in_grid (20,0,0)"));
}

TEST(Misuse, OutOfBoundsThreadgroupArrayIndex) {
  const char* src = R"(#include <metal_stdlib>
using namespace metal;
kernel void k(device float* out [[buffer(0)]], uint tid [[thread_index_in_threadgroup]]) {
    threadgroup float tile[32];
    tile[tid + 1] = 1.0f;
    threadgroup_barrier(mem_flags::mem_threadgroup);
    out[tid] = tile[tid];
}
)";
  auto p = compile_inline(src, "k", "oobtg.metal");
  auto out = upload(std::vector<float>(32, 0.0f));
  auto c = config({1, 1, 1}, {32, 1, 1});
  c.buffers[0] = runtime::Binding::of(out);
  std::string e = launch_error([&] { device().launch(*p, c); });
  EXPECT_THAT(e, HasSubstr("out-of-bounds index 32 into threadgroup array 'tile'"));
  EXPECT_THAT(e, HasSubstr("thread_position_in_threadgroup (31,0,0)"));
}

TEST(Misuse, OutOfBoundsThreadgroupPointer) {
  const char* src = R"(#include <metal_stdlib>
using namespace metal;
kernel void k(device float* out [[buffer(0)]], threadgroup float* scratch [[threadgroup(0)]],
              uint tid [[thread_index_in_threadgroup]]) {
    threadgroup float* p = scratch + tid;
    p[8] = 2.0f;
    out[tid] = 0.0f;
}
)";
  auto p = compile_inline(src, "k", "oobtgp.metal");
  auto out = upload(std::vector<float>(16, 0.0f));
  auto c = config({1, 1, 1}, {16, 1, 1});
  c.buffers[0] = runtime::Binding::of(out);
  c.threadgroup_memory[0] = 16 * sizeof(float);
  std::string e = launch_error([&] { device().launch(*p, c); });
  EXPECT_THAT(e, HasSubstr("threadgroup buffer 'scratch' [[threadgroup(0)]] at element 16"));
  EXPECT_THAT(e, HasSubstr("thread_position_in_threadgroup (8,0,0)"));
}

TEST(Misuse, OutOfBoundsSimdgroupLoadFromDevice) {
  const char* src = R"(#include <metal_stdlib>
kernel void k(device const float* a [[buffer(0)]], device float* out [[buffer(1)]]) {
    metal::simdgroup_float8x8 m;
    metal::simdgroup_load(m, a, 8);
    metal::simdgroup_store(m, out, 8);
}
)";
  auto p = compile_inline(src, "k", "sgload.metal");
  auto c = config({1, 1, 1}, {32, 1, 1});
  c.buffers[0] = runtime::Binding::of(upload(random_floats(60, 1)));
  c.buffers[1] = runtime::Binding::of(upload(std::vector<float>(64, 0.0f)));
  std::string e = launch_error([&] { device().launch(*p, c); });
  EXPECT_THAT(e, HasSubstr("device buffer 'a' [[buffer(0)]] at element 60"));
}

TEST(Misuse, BarrierSkippedByReturnedThreadsIsReported) {
  const char* src = R"(#include <metal_stdlib>
using namespace metal;
kernel void k(device float* out [[buffer(0)]], uint tid [[thread_index_in_threadgroup]]) {
    if (tid >= 48) {
        return;
    }
    out[tid] = 1.0f;
    threadgroup_barrier(mem_flags::mem_device);
}
)";
  auto p = compile_inline(src, "k", "divergent.metal");
  auto out = upload(std::vector<float>(64, 0.0f));
  auto c = config({1, 1, 1}, {64, 1, 1});
  c.buffers[0] = runtime::Binding::of(out);
  std::string e = launch_error([&] { device().launch(*p, c); });
  EXPECT_THAT(e, HasSubstr("threadgroup_barrier at divergent.metal:8"));
  EXPECT_THAT(e, HasSubstr("16 of 64 threads returned without reaching it"));
  EXPECT_THAT(e, HasSubstr("thread_position_in_threadgroup (48,0,0)"));
}

TEST(Misuse, ThreadsAtDifferentBarriersAreReported) {
  const char* src = R"(#include <metal_stdlib>
using namespace metal;
kernel void k(device float* out [[buffer(0)]], uint tid [[thread_index_in_threadgroup]]) {
    if (tid < 32) {
        threadgroup_barrier(mem_flags::mem_threadgroup);
    } else {
        threadgroup_barrier(mem_flags::mem_threadgroup);
    }
    out[tid] = 1.0f;
}
)";
  auto p = compile_inline(src, "k", "twobarriers.metal");
  auto out = upload(std::vector<float>(64, 0.0f));
  auto c = config({1, 1, 1}, {64, 1, 1});
  c.buffers[0] = runtime::Binding::of(out);
  std::string e = launch_error([&] { device().launch(*p, c); });
  EXPECT_THAT(e, HasSubstr("wait at different barriers"));
  EXPECT_THAT(e, HasSubstr("twobarriers.metal:5"));
  EXPECT_THAT(e, HasSubstr("twobarriers.metal:7"));
}

TEST(Misuse, NonUniformSimdCollectiveIsReported) {
  const char* src = R"(#include <metal_stdlib>
using namespace metal;
kernel void k(device float* out [[buffer(0)]], uint lane [[thread_index_in_simdgroup]],
              uint gid [[thread_position_in_grid]]) {
    float v = float(lane);
    if (lane < 16) {
        v = simd_sum(v);
    }
    out[gid] = simd_max(v);
}
)";
  auto p = compile_inline(src, "k", "nonuniform.metal");
  auto out = upload(std::vector<float>(32, 0.0f));
  auto c = config({1, 1, 1}, {32, 1, 1});
  c.buffers[0] = runtime::Binding::of(out);
  std::string e = launch_error([&] { device().launch(*p, c); });
  EXPECT_THAT(e, HasSubstr("simd_sum at nonuniform.metal:7"));
  EXPECT_THAT(e, HasSubstr("was not reached by all active lanes"));
  EXPECT_THAT(e, HasSubstr("lane 16"));
  EXPECT_THAT(e, HasSubstr("simd_max at nonuniform.metal:9"));
}

TEST(Misuse, CollectiveAfterSomeLanesReturnedUsesOnlyActiveLanes) {
  // Not a misuse: returned lanes are inactive, as on the GPU.
  const char* src = R"(#include <metal_stdlib>
using namespace metal;
kernel void k(device float* out [[buffer(0)]], uint lane [[thread_index_in_simdgroup]]) {
    if (lane >= 10) {
        return;
    }
    float s = simd_sum(float(lane));
    ulong active = ulong(simd_active_threads_mask());
    if (simd_is_first()) {
        out[0] = s;
        out[1] = float(active);
    }
}
)";
  auto p = compile_inline(src, "k", "active.metal");
  auto out = upload(std::vector<float>(2, 0.0f));
  auto c = config({1, 1, 1}, {32, 1, 1});
  c.buffers[0] = runtime::Binding::of(out);
  device().launch(*p, c);
  auto got = download<float>(out, 2);
  EXPECT_EQ(got[0], 45.0f);
  EXPECT_EQ(got[1], 1023.0f);
}

TEST(Misuse, ThreadgroupArraysOverTheLimitNameBothNumbers) {
  const char* src = R"(#include <metal_stdlib>
using namespace metal;
kernel void k(device float* out [[buffer(0)]], uint tid [[thread_index_in_threadgroup]]) {
    threadgroup float big[6000];
    threadgroup float more[3000];
    big[tid] = 1.0f;
    more[tid] = 2.0f;
    out[tid] = big[tid] + more[tid];
}
)";
  auto p = compile_inline(src, "k", "bigtg.metal");
  auto out = upload(std::vector<float>(32, 0.0f));
  auto c = config({1, 1, 1}, {32, 1, 1});
  c.buffers[0] = runtime::Binding::of(out);
  std::string e = launch_error([&] { device().launch(*p, c); });
  EXPECT_THAT(e, HasSubstr("threadgroup memory of 36000 bytes"));
  EXPECT_THAT(e, HasSubstr("exceeds the device limit of 32768 bytes"));
}

TEST(Misuse, ThreadgroupBufferLengthsOverTheLimit) {
  auto p = pipeline("reduce.metal", "reduce_sum");
  auto c = config({1, 1, 1}, {32, 1, 1});
  c.buffers[0] = runtime::Binding::of(upload(random_floats(32, 3)));
  c.buffers[1] = runtime::Binding::of(upload(std::vector<float>(1, 0.0f)));
  c.buffers[2] = runtime::Binding::value(32u);
  c.threadgroup_memory[0] = 40000;
  std::string e = launch_error([&] { device().launch(*p, c); });
  EXPECT_THAT(e, HasSubstr("40000 bytes, over the device limit of 32768 bytes"));
}

TEST(Misuse, TooManyThreadsPerThreadgroup) {
  auto p = pipeline("vector_add.metal", "vector_add");
  auto c = config({1, 1, 1}, {32, 33, 1});
  std::string e = launch_error([&] { device().launch(*p, c); });
  EXPECT_THAT(e, HasSubstr("1056 threads per threadgroup (32x33x1) exceed the device limit of 1024"));
}

TEST(MisuseDeathTest, FiberStackOverflowIsReportedNotACrash) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  const char* src = R"(#include <metal_stdlib>
kernel void k(device float* out [[buffer(0)]], uint i [[thread_position_in_grid]]) {
    float big[300000];                        // 1.2 MB of thread-private data
    for (uint j = 0; j < 300000; ++j) big[j] = float(j + i);
    metal::threadgroup_barrier(metal::mem_flags::mem_none);
    out[i] = big[(i * 7919u) % 300000u];
}
)";
  auto p = compile_inline(src, "k", "stack.metal");
  auto out = upload(std::vector<float>(32, 0.0f));
  auto c = config({1, 1, 1}, {32, 1, 1});
  c.buffers[0] = runtime::Binding::of(out);
  EXPECT_EXIT(device().launch(*p, c), ::testing::ExitedWithCode(1), "kernel 'k': a thread overflowed its emulator stack");
}

TEST(Misuse, MaxTotalThreadsAttributeIsEnforced) {
  const char* src = R"(#include <metal_stdlib>
[[max_total_threads_per_threadgroup(64)]]
kernel void k(device float* out [[buffer(0)]], uint i [[thread_position_in_grid]]) { out[i] = 1.0f; }
)";
  auto p = compile_inline(src, "k", "maxthreads.metal");
  auto out = upload(std::vector<float>(128, 0.0f));
  auto c = config({1, 1, 1}, {64, 1, 1});
  c.buffers[0] = runtime::Binding::of(out);
  device().launch(*p, c);
  c = config({1, 1, 1}, {128, 1, 1});
  c.buffers[0] = runtime::Binding::of(out);
  EXPECT_THAT(launch_error([&] { device().launch(*p, c); }),
              HasSubstr("128 threads per threadgroup exceed its [[max_total_threads_per_threadgroup(64)]]"));
}

TEST(Misuse, DeviceLimitsComeFromTheTargetModel) {
  // The lead wires DeviceLimits to lib/target; a smaller target must refuse what Apple's defaults allow.
  auto small = runtime::make_device("emulator", runtime::DeviceLimits{256, 4096, 32});
  EXPECT_EQ(small->limits().max_threads_per_threadgroup, 256u);
  auto p = small->compile(read_kernel("reduce.metal"), "reduce_sum");
  auto c = config({1, 1, 1}, {512, 1, 1});
  EXPECT_THAT(launch_error([&] { small->launch(*p, c); }), HasSubstr("512 threads per threadgroup (512x1x1) exceed the device limit of 256"));
  c = config({1, 1, 1}, {64, 1, 1});
  c.buffers[0] = runtime::Binding::of(upload(random_floats(64, 3)));
  c.buffers[1] = runtime::Binding::of(upload(std::vector<float>(1, 0.0f)));
  c.buffers[2] = runtime::Binding::value(64u);
  c.threadgroup_memory[0] = 8192;
  EXPECT_THAT(launch_error([&] { small->launch(*p, c); }), HasSubstr("8192 bytes, over the device limit of 4096 bytes"));
  EXPECT_THROW(runtime::make_device("emulator", runtime::DeviceLimits{1024, 32768, 64}), runtime::Error);
  EXPECT_THROW(runtime::make_device("metal-on-linux"), runtime::Error);
}

TEST(Misuse, MslErrorReportsTheUsersLine) {
  const char* src = R"(#include <metal_stdlib>
using namespace metal;

kernel void k(device float* out [[buffer(0)]], uint gid [[thread_position_in_grid]]) {
    float4 v = float4(1.0f);
    out[gid] = v.x + undefined_name;
}
)";
  try {
    compile_inline(src, "k", "bad.metal");
    FAIL() << "compiled";
  } catch (const runtime::CompileError& e) {
    std::string m = e.what();
    EXPECT_EQ(m.rfind("bad.metal:6:", 0), 0u) << m;
    EXPECT_THAT(m, HasSubstr("undefined_name"));
    EXPECT_THAT(m, ::testing::Not(HasSubstr(".cpp")));
  }
}

TEST(Misuse, MisuseOfALibraryFunctionReportsTheUsersLine) {
  const char* src = R"(#include <metal_stdlib>
using namespace metal;
struct S { float a; };
kernel void k(device float* out [[buffer(0)]], uint lane [[thread_index_in_simdgroup]]) {
    S s{out[lane]};
    S t = simd_sum(s);
    out[lane] = t.a;
}
)";
  try {
    compile_inline(src, "k", "lib.metal");
    FAIL() << "compiled";
  } catch (const runtime::CompileError& e) {
    EXPECT_THAT(std::string(e.what()), ::testing::StartsWith("lib.metal:6:"));
    EXPECT_THAT(std::string(e.what()), HasSubstr("error: no match for"));
  }
}

TEST(Misuse, MslSyntaxErrorReportsTheUsersLine) {
  const char* src = "#include <metal_stdlib>\nusing namespace metal;\n\n\nkernel void k(device float* out [[buffer(0)]]) {\n"
                    "    out[0] = 1.0f\n}\n";
  try {
    compile_inline(src, "k", "syntax.metal");
    FAIL() << "compiled";
  } catch (const runtime::CompileError& e) {
    EXPECT_THAT(std::string(e.what()), HasSubstr("syntax.metal:6:"));
  }
  try {
    compile_inline("kernel void k(device float* out [[buffer(0)]]) { /* unterminated\n", "k", "comment.metal");
    FAIL() << "compiled";
  } catch (const runtime::CompileError& e) {
    EXPECT_THAT(std::string(e.what()), HasSubstr("comment.metal:1:50: error: unterminated /* comment"));
  }
}

TEST(Misuse, BadEntriesBindingsAndConstants) {
  try {
    compile_inline(kOobDevice, "nope", "e.metal");
    FAIL();
  } catch (const runtime::CompileError& e) {
    EXPECT_THAT(std::string(e.what()), HasSubstr("no kernel named 'nope' (kernels: shift)"));
  }
  try {
    runtime::CompileOptions o;
    o.function_constants["7"] = 1.0;
    device().compile(kOobDevice, "shift", o);
    FAIL();
  } catch (const runtime::CompileError& e) {
    EXPECT_THAT(std::string(e.what()), HasSubstr("no function constant '7'"));
  }
  auto p = compile_inline(kOobDevice, "shift", "oob.metal");
  auto c = config({1, 1, 1}, {32, 1, 1});
  c.buffers[0] = runtime::Binding::of(upload(random_floats(64, 1)));
  std::string e = launch_error([&] { device().launch(*p, c); });
  // Unbound pointer buffers are allowed until accessed (as on Metal); the access is reported.
  EXPECT_THAT(e, HasSubstr("access to device buffer 'out' [[buffer(1)]], which has nothing bound"));
  c = config({0, 1, 1}, {32, 1, 1});
  EXPECT_THAT(launch_error([&] { device().launch(*p, c); }), HasSubstr("must be positive"));
}

TEST(Misuse, ConstantArgumentTooSmall) {
  auto p = pipeline("vector_add.metal", "vector_add");
  auto c = config({1, 1, 1}, {4, 1, 1});
  for (int i = 0; i < 3; ++i) c.buffers[i] = runtime::Binding::of(upload(random_floats(16, 1)));
  c.buffers[3] = runtime::Binding::value(std::uint32_t{16});
  EXPECT_THAT(launch_error([&] { device().launch(*p, c); }), HasSubstr("'p' [[buffer(3)]] needs 8 bytes but the bound data has 4"));
}

TEST(Misuse, UnboundBufferIsAllowedUntilTheKernelReadsIt) {
  const char* src = R"(#include <metal_stdlib>
using namespace metal;
kernel void maybe(device const float* in [[buffer(0)]], device const float* extra [[buffer(1)]],
                  device float* out [[buffer(2)]], constant uint& use_extra [[buffer(3)]], uint gid [[thread_position_in_grid]]) {
    out[gid] = in[gid] + (use_extra != 0 ? extra[gid] : 0.0f);
}
)";
  auto p = compile_inline(src, "maybe", "unbound.metal");
  auto in = random_floats(32, 3);
  auto out = upload(std::vector<float>(32, 0.0f));
  auto c = config({1, 1, 1}, {32, 1, 1});
  c.buffers[0] = runtime::Binding::of(upload(in));
  c.buffers[2] = runtime::Binding::of(out);
  c.buffers[3] = runtime::Binding::value(std::uint32_t(0));
  device().launch(*p, c);  // buffer 1 unbound and unread: fine, as on Metal
  EXPECT_EQ(download<float>(out, 32), in);
  c.buffers[3] = runtime::Binding::value(std::uint32_t(1));
  std::string e = launch_error([&] { device().launch(*p, c); });
  EXPECT_THAT(e, HasSubstr("kernel 'maybe': access to device buffer 'extra' [[buffer(1)]], which has nothing bound"));
  EXPECT_THAT(e, HasSubstr("thread_position_in_grid (0,0,0)"));
}

TEST(Misuse, OutOfBoundsThreadArrayIndex) {
  const char* src = R"(#include <metal_stdlib>
using namespace metal;
kernel void priv(device const int* idx [[buffer(0)]], device float* out [[buffer(1)]], uint gid [[thread_position_in_grid]]) {
    float acc[4][3];
    for (int r = 0; r < 4; ++r)
        for (int c = 0; c < 3; ++c) acc[r][c] = float(r * 3 + c);
    out[gid] = acc[idx[gid] / 3][idx[gid] % 3 + (gid == 5 ? 1 : 0)];
}
)";
  auto p = compile_inline(src, "priv", "priv.metal");
  std::vector<std::int32_t> idx(8);
  for (int i = 0; i < 8; ++i) idx[i] = i;
  idx[5] = 5;  // row 1, column 2 + 1: past the inner extent
  auto out = upload(std::vector<float>(8, 0.0f));
  auto c = config({1, 1, 1}, {8, 1, 1});
  c.buffers[0] = runtime::Binding::of(upload(idx));
  c.buffers[1] = runtime::Binding::of(out);
  std::string e = launch_error([&] { device().launch(*p, c); });
  EXPECT_THAT(e, HasSubstr("kernel 'priv': out-of-bounds index 3 into thread array 'acc' (dimension of extent 3)"));
  EXPECT_THAT(e, HasSubstr("thread_position_in_grid (5,0,0)"));
  idx[5] = 4;
  c.buffers[0] = runtime::Binding::of(upload(idx));
  device().launch(*p, c);
  auto got = download<float>(out, 8);
  for (int i = 0; i < 8; ++i) EXPECT_EQ(got[i], float(idx[i] + (i == 5 ? 1 : 0))) << i;
}

// Thread pointers into thread arrays are checked like the arrays: accesses past the array through a pointer
// made from the array, arithmetic on it, a `thread` pointer parameter and a reinterpreting cast each name the
// kernel, the array, the element, the MSL line and the thread; in-bounds uses compute the right values.
TEST(Misuse, OutOfBoundsThreadPointerAccesses) {
  const char* src = R"(#include <metal_stdlib>
using namespace metal;
float sum3(thread const float* p, int at) { return p[at] + p[at + 1] + p[at + 2]; }
kernel void tp(device const int* off [[buffer(0)]], device float* out [[buffer(1)]], uint gid [[thread_position_in_grid]]) {
    float t[4];
    thread float* p = t;
    for (int i = 0; i < 4; ++i) p[i] = float(gid * 10 + i);
    thread float* q = t + 1;
    int o = off[gid];
    if (gid == 0) q[o] = -1.0f;
    thread uchar* b = (thread uchar*)p;
    float s = sum3(t, o);
    float v = q[o];
    float c = float(b[o * 4 + gid * 5] == b[o * 4 + gid * 5]);
    float w = ((thread float4*)t)[0].y + float(q - t);
    out[gid] = s + v + *(q - 1) + c + w;
}
)";
  auto p = compile_inline(src, "tp", "tp.metal");
  auto run = [&](std::vector<std::int32_t> off) {
    auto out = upload(std::vector<float>(4, 0.0f));
    auto c = config({1, 1, 1}, {4, 1, 1});
    c.buffers[0] = runtime::Binding::of(upload(off));
    c.buffers[1] = runtime::Binding::of(out);
    device().launch(*p, c);
    return download<float>(out, 4);
  };
  const std::vector<std::int32_t> ok = {1, 0, 1, 0};
  auto got = run(ok);
  for (int g = 0; g < 4; ++g) {
    double t[4];
    for (int i = 0; i < 4; ++i) t[i] = g * 10 + i;
    const int o = ok[g];
    if (g == 0) t[1 + o] = -1;
    EXPECT_EQ(got[g], t[o] + t[o + 1] + t[o + 2] + t[1 + o] + t[0] + 1 + t[1] + 1) << g;
  }
  // Past the array: a write through arithmetic (thread 0 writes t[1 + 3]), reads through the parameter past
  // its end and before its start, and a byte read through the reinterpreting cast.
  std::string w = launch_error([&] { run({3, 0, 0, 0}); });
  EXPECT_THAT(w, HasSubstr("kernel 'tp': out-of-bounds access through a thread pointer into thread array 't' at line 10: element 4 "
                           "(4-byte elements, byte offset 16; the array has 16 bytes) by thread_position_in_grid (0,0,0)"));
  std::string r = launch_error([&] { run({0, 0, 2, 0}); });
  EXPECT_THAT(r, HasSubstr("kernel 'tp': out-of-bounds access through a thread pointer into thread array 't' at line 3: element 4 "));
  EXPECT_THAT(r, HasSubstr("thread_position_in_grid (2,0,0)"));
  std::string neg = launch_error([&] { run({0, -1, 0, 0}); });
  EXPECT_THAT(neg, HasSubstr("into thread array 't' at line 3: element -1 (4-byte elements, byte offset -4;"));
  EXPECT_THAT(neg, HasSubstr("thread_position_in_grid (1,0,0)"));
  std::string cast = launch_error([&] { run({0, 0, 0, 1}); });
  EXPECT_THAT(cast, HasSubstr("into thread array 't' at line 14: element 19 (1-byte elements, byte offset 19; the array has 16 bytes) "
                              "by thread_position_in_grid (3,0,0)"));
}

}  // namespace
}  // namespace tmetal::test
