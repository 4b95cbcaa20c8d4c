// Invariants of every chip-table row (limits within Metal's, facts consistent with the generation),
// ordering within generations, and the corrections of the seed's wrong hardware claims.
#include "triton_metal/target.h"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <map>
#include <regex>
#include <set>

namespace tmetal::target {
namespace {

class EveryChip : public ::testing::TestWithParam<ChipSpec> {};

TEST_P(EveryChip, LimitsAreWithinMetals) {
  const Target t(GetParam());
  EXPECT_EQ(t.simd_width(), 32);
  EXPECT_LE(t.max_threads_per_threadgroup(), 1024);
  EXPECT_EQ(t.max_threads_per_threadgroup() % t.simd_width(), 0);
  EXPECT_LE(t.threadgroup_memory_bytes(), 32 * 1024);  // Metal feature set tables: 32 KB
  EXPECT_GE(t.threadgroup_memory_bytes(), 16 * 1024);
}

TEST_P(EveryChip, ThroughputIsConsistent) {
  const ChipSpec& s = GetParam();
  const Target t(s);
  EXPECT_GE(t.fp16_flops(), t.fp32_flops());
  // Independent recomputation of the peak: cores x 128 lanes x 2 FLOPs x clock.
  EXPECT_DOUBLE_EQ(t.fp32_flops(), s.gpu_cores * 128.0 * 2.0 * s.clock_mhz * 1e6);
  EXPECT_GT(s.clock_mhz, 1000);
  EXPECT_LT(s.clock_mhz, 2500);
  EXPECT_GE(s.gpu_cores, 7);
  EXPECT_LE(s.gpu_cores, 80);
  EXPECT_GE(t.memory_bandwidth(), 60e9);
  EXPECT_LE(t.memory_bandwidth(), 1000e9);
  EXPECT_LT(t.peak_ops(DType::i64), t.peak_ops(DType::i32));
}

TEST_P(EveryChip, FamilyMatchesGeneration) {
  const Target t(GetParam());
  const std::map<Generation, int> family{{Generation::M1, 7}, {Generation::M2, 8}, {Generation::M3, 9},
                                         {Generation::M4, 9}, {Generation::M5, 10}};
  EXPECT_EQ(t.gpu_family(), family.at(t.generation()));
  EXPECT_EQ(t.has_dynamic_caching(), t.generation() >= Generation::M3);
  EXPECT_EQ(t.has_hardware_ray_tracing(), t.generation() >= Generation::M3);
  EXPECT_EQ(t.has_neural_accelerators(), t.generation() == Generation::M5);
  EXPECT_EQ(t.matrix_fp16_flops() > 0, t.has_neural_accelerators());
  if (t.has_neural_accelerators()) {
    EXPECT_GT(t.matrix_fp16_flops(), 3 * t.fp16_flops());
  }
  EXPECT_TRUE(t.supports_simdgroup_matrix());  // Apple7+
  EXPECT_TRUE(t.supports_bfloat());            // Apple6+ (MSL 3.1)
  if (t.generation() <= Generation::M2) {
    EXPECT_FALSE(t.has_native_bfloat());
  }
  EXPECT_EQ(t.msl_version(), "4.0");
}

TEST_P(EveryChip, RowIsSourcedAndNamedCanonically) {
  const ChipSpec& s = GetParam();
  EXPECT_FALSE(s.spec_source.empty());
  EXPECT_FALSE(s.clock_source.empty());
  EXPECT_FALSE(s.family.family_source.empty());
  ASSERT_FALSE(s.memory_gb.empty());
  for (std::size_t i = 1; i < s.memory_gb.size(); ++i) EXPECT_LT(s.memory_gb[i - 1], s.memory_gb[i]);
  std::string expected = fmt::format("apple-m{}", static_cast<int>(s.generation));
  if (s.variant != Variant::Base) {
    std::string v(variant_name(s.variant));
    for (auto& c : v) c = static_cast<char>(std::tolower(c));
    expected += "-" + v;
  }
  expected += fmt::format("-{}c", s.gpu_cores);
  EXPECT_EQ(s.name, expected);
}

INSTANTIATE_TEST_SUITE_P(ChipTable, EveryChip, ::testing::ValuesIn(chip_table()),
                         [](const ::testing::TestParamInfo<ChipSpec>& row) {
                           std::string n(row.param.name);
                           for (auto& c : n) if (c == '-') c = '_';
                           return n;
                         });

TEST(ChipTable, CoversEveryGenerationAndVariantThatExists) {
  std::set<std::pair<Generation, Variant>> present;
  std::set<std::string_view> names;
  for (const auto& s : chip_table()) {
    present.insert({s.generation, s.variant});
    EXPECT_TRUE(names.insert(s.name).second) << "duplicate " << s.name;
  }
  for (auto g : {Generation::M1, Generation::M2, Generation::M3, Generation::M4, Generation::M5}) {
    for (auto v : {Variant::Base, Variant::Pro, Variant::Max}) {
      EXPECT_TRUE(present.count({g, v})) << generation_name(g) << " " << variant_name(v);
    }
  }
  for (auto g : {Generation::M1, Generation::M2, Generation::M3}) EXPECT_TRUE(present.count({g, Variant::Ultra}));
  EXPECT_FALSE(present.count({Generation::M4, Variant::Ultra}));  // Apple made no M4 Ultra
  // Bins named in the brief.
  for (auto n : {"apple-m1-7c", "apple-m1-8c", "apple-m2-8c", "apple-m2-10c", "apple-m3-max-30c",
                 "apple-m3-max-40c", "apple-m4-pro-16c", "apple-m4-pro-20c", "apple-m5-10c"}) {
    EXPECT_TRUE(names.count(n)) << n;
  }
}

TEST(ChipTable, FamiliesAndGenerationsAreOrdered) {
  const auto& table = chip_table();
  for (std::size_t i = 1; i < table.size(); ++i) {
    const Target a(table[i - 1]), b(table[i]);
    EXPECT_LE(a.generation(), b.generation());
    EXPECT_LE(a.gpu_family(), b.gpu_family());
  }
}

TEST(ChipTable, VariantsAndBinsAreMonotoneWithinAGeneration) {
  const auto& table = chip_table();
  for (std::size_t i = 1; i < table.size(); ++i) {
    const ChipSpec &a = table[i - 1], &b = table[i];
    if (a.generation != b.generation) continue;
    EXPECT_LE(a.variant, b.variant);
    EXPECT_LT(a.gpu_cores, b.gpu_cores) << a.name << " vs " << b.name;
    EXPECT_LE(a.memory_bandwidth, b.memory_bandwidth) << a.name << " vs " << b.name;
    EXPECT_LT(Target(a).fp32_flops(), Target(b).fp32_flops());
  }
}

// Apple's own published TFLOPS for the full bins of M1 and M2 (press releases), independent of the
// table's clock: the derived peaks must agree within 3%.
TEST(ChipTable, DerivedPeaksMatchApplesPublishedTflops) {
  const std::map<std::string, double> published{
      {"apple-m1-8c", 2.6e12},       {"apple-m1-pro-16c", 5.2e12}, {"apple-m1-max-32c", 10.4e12},
      {"apple-m1-ultra-64c", 21e12}, {"apple-m2-10c", 3.6e12},     {"apple-m2-pro-19c", 6.8e12},
      {"apple-m2-max-38c", 13.6e12}, {"apple-m2-ultra-76c", 27.2e12}};
  for (const auto& [name, flops] : published) {
    const Target t = resolve_target(name);
    EXPECT_NEAR(t.fp32_flops() / flops, 1.0, 0.03) << name;
  }
}

TEST(ChipTable, SeedClaimsAreCorrected) {
  // "16-wide SIMD on M1/M2": every Apple GPU runs 32-wide simdgroups.
  EXPECT_EQ(resolve_target("m1").simd_width(), 32);
  EXPECT_EQ(resolve_target("m2-max").simd_width(), 32);
  // "64 KB threadgroup memory on M3": the limit is 32 KB.
  EXPECT_EQ(resolve_target("m3").threadgroup_memory_bytes(), 32 * 1024);
  EXPECT_EQ(resolve_target("m3-max").threadgroup_memory_bytes(), 32 * 1024);
  // "Tensor cores on M3": M3 has simdgroup_matrix on its FP ALUs, no matrix units.
  EXPECT_FALSE(resolve_target("m3-max").has_neural_accelerators());
  EXPECT_EQ(resolve_target("m3-max").matrix_fp16_flops(), 0.0);
  // The seed's 450-580 GB/s on "M3" exceed a base M3's 100 GB/s.
  EXPECT_EQ(resolve_target("m3").memory_bandwidth(), 100e9);
}

}  // namespace
}  // namespace tmetal::target
