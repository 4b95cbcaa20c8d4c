// Thread-position attributes for 3D grids under both dispatch styles (partial threadgroups included),
// language features (threadgroup scalars, helpers taking address-space pointers, structs, constexpr
// templates), and concurrent compilation of one kernel from several threads.
#include "emulator_test_support.h"

#include <thread>

namespace tmetal::test {
namespace {

struct Record {
  std::uint32_t tpig[3], tpitg[3], tgpig[3], tptg[3], tgpg[3], tpg[3], dtptg[3];
  std::uint32_t tiitg, tiisg, sgitg, sgptg, tpsg, tew, tiiqg, qgitg;
};

void check_positions(runtime::Size3 grid_threads, runtime::Size3 tg, runtime::Dispatch style) {
  auto p = pipeline("positions.metal", "positions");
  runtime::Size3 groups = style == runtime::Dispatch::Threads
                              ? runtime::Size3{(grid_threads.x + tg.x - 1) / tg.x, (grid_threads.y + tg.y - 1) / tg.y, (grid_threads.z + tg.z - 1) / tg.z}
                              : runtime::Size3{grid_threads.x / tg.x, grid_threads.y / tg.y, grid_threads.z / tg.z};
  auto out = device().allocate(grid_threads.volume() * sizeof(Record));
  auto c = config(style == runtime::Dispatch::Threads ? grid_threads : groups, tg, style);
  c.buffers[0] = runtime::Binding::of(out);
  std::uint32_t gt[4] = {grid_threads.x, grid_threads.y, grid_threads.z, 0};
  c.buffers[1] = runtime::Binding::value(gt);
  auto stats = device().launch(*p, c);
  EXPECT_EQ(stats.threads, grid_threads.volume());
  auto recs = out->as<Record>();
  std::uint32_t dims[3] = {grid_threads.x, grid_threads.y, grid_threads.z}, t[3] = {tg.x, tg.y, tg.z},
                ng[3] = {groups.x, groups.y, groups.z};
  for (std::uint32_t z = 0; z < dims[2]; ++z)
    for (std::uint32_t y = 0; y < dims[1]; ++y)
      for (std::uint32_t x = 0; x < dims[0]; ++x) {
        const Record& r = recs[(z * dims[1] + y) * dims[0] + x];
        std::uint32_t pos[3] = {x, y, z}, actual[3];
        for (int i = 0; i < 3; ++i) {
          ASSERT_EQ(r.tpig[i], pos[i]);
          ASSERT_EQ(r.tpitg[i], pos[i] % t[i]);
          ASSERT_EQ(r.tgpig[i], pos[i] / t[i]);
          actual[i] = std::min(t[i], dims[i] - (pos[i] / t[i]) * t[i]);
          ASSERT_EQ(r.tptg[i], actual[i]) << "threads_per_threadgroup is the actual (possibly partial) size";
          ASSERT_EQ(r.dtptg[i], t[i]);
          ASSERT_EQ(r.tgpg[i], ng[i]);
          ASSERT_EQ(r.tpg[i], dims[i]);
        }
        std::uint32_t linear = r.tpitg[0] + r.tpitg[1] * actual[0] + r.tpitg[2] * actual[0] * actual[1];
        ASSERT_EQ(r.tiitg, linear);
        ASSERT_EQ(r.tiisg, linear % 32);
        ASSERT_EQ(r.sgitg, linear / 32);
        ASSERT_EQ(r.sgptg, (actual[0] * actual[1] * actual[2] + 31) / 32);
        ASSERT_EQ(r.tpsg, 32u);
        ASSERT_EQ(r.tew, 32u);
        ASSERT_EQ(r.tiiqg, linear % 4);
        ASSERT_EQ(r.qgitg, linear / 4);
      }
}

TEST(Positions, DispatchThreadgroups3D) { check_positions({12, 6, 4}, {4, 3, 2}, runtime::Dispatch::Threadgroups); }
TEST(Positions, DispatchThreadsWithPartialThreadgroups) { check_positions({13, 7, 3}, {8, 4, 2}, runtime::Dispatch::Threads); }

TEST(Language, ThreadgroupScalarsHelpersStructsAndTemplates) {
  auto p = pipeline("positions.metal", "features");
  for (std::uint32_t tg : {1u, 17u, 64u}) {
    std::uint32_t groups = 3;
    auto in = random_floats(groups * tg, tg);
    auto bo = upload(std::vector<float>(groups * tg, 0.0f));
    auto c = config({groups, 1, 1}, {tg, 1, 1});
    c.buffers[0] = runtime::Binding::of(upload(in));
    c.buffers[1] = runtime::Binding::of(bo);
    device().launch(*p, c);
    std::vector<double> want(groups * tg);
    for (std::uint32_t g = 0; g < groups; ++g) {
      double s = 0;
      for (std::uint32_t i = 0; i < tg; ++i) s += in[g * tg + i];
      for (std::uint32_t i = 0; i < tg; ++i) want[g * tg + i] = 8.0 * s;
    }
    EXPECT_TRUE(near(download<float>(bo, want.size()), want, 1e-5, 1e-5)) << tg;
  }
}

TEST(Cache, ConcurrentCompilesOfOneNewKernelAgree) {
  // A kernel no other test compiles, compiled by four devices at once: all must succeed and run.
  std::string src = read_kernel("vector_add.metal") + "\nconstant constexpr int concurrency_test_" +
                    std::to_string(::getpid()) + " = 1;\n";
  std::vector<std::thread> threads;
  std::vector<std::string> errors(4);
  std::vector<std::shared_ptr<runtime::Pipeline>> pipes(4);
  device();  // sets TRITON_METAL_CACHE_DIR
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&, i] {
      try {
        auto d = runtime::make_device("emulator");
        pipes[i] = d->compile(src, "vector_add");
      } catch (const std::exception& e) {
        errors[i] = e.what();
      }
    });
  for (auto& t : threads) t.join();
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(errors[i], "");
    ASSERT_TRUE(pipes[i]);
  }
}

}  // namespace
}  // namespace tmetal::test

namespace tmetal::test {
namespace {

TEST(Preprocessor, MacroGeneratedEntryPointsAndUserLines) {
  auto x = random_floats(70, 4, -3.0f, 3.0f);
  auto p = pipeline("macro_instantiation.metal", "cast_scale_f32_f16");
  auto bh = upload(std::vector<_Float16>(70));
  auto c = config({70, 1, 1}, {32, 1, 1}, runtime::Dispatch::Threads);
  c.buffers[0] = runtime::Binding::of(upload(x));
  c.buffers[1] = runtime::Binding::of(bh);
  c.buffers[2] = runtime::Binding::value(2.0f);
  device().launch(*p, c);
  auto h = download<_Float16>(bh, 70);
  for (int i = 0; i < 70; ++i) ASSERT_EQ(float(h[i]), float(static_cast<_Float16>(x[i] * 2.0f)));
  EXPECT_TRUE(pipeline("macro_instantiation.metal", "cast_scale_f32_bf16"));  // __METAL_VERSION__ >= 310
  // Errors after macro expansion still carry the user's line numbers.
  std::string src = read_kernel("macro_instantiation.metal");
  src.replace(src.find("out[i] = BLOCK + int(i);"), 24, "out[i] = BLOCK + undefined_thing;");
  try {
    runtime::CompileOptions o;
    o.file_name = "macro.metal";
    device().compile(src, "block_fill", o);
    FAIL();
  } catch (const runtime::CompileError& e) {
    EXPECT_THAT(std::string(e.what()), ::testing::StartsWith("macro.metal:33:")) << e.what();
  }
}

}  // namespace
}  // namespace tmetal::test
