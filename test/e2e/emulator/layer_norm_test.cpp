// A half-precision layer norm in the common style of public Metal code, against a float64 reference.
#include "emulator_test_support.h"

namespace tmetal::test {
namespace {

struct Args {
  std::uint32_t rows, cols;
  std::int32_t mode;
};

TEST(LayerNorm, HalfLayerNormMatchesFloat64) {
  auto p = pipeline("layer_norm.metal", "layer_norm_f16");
  for (std::uint32_t cols : {3u, 64u, 130u, 1001u}) {
    for (std::uint32_t tg : {32u, 96u, 256u}) {
      for (int mode : {0, 1, 2}) {
        std::uint32_t rows = 3;
        auto xf = random_floats(rows * cols, cols + tg + mode, -2.0f, 3.0f);
        auto wf = random_floats(cols, cols * 2 + 1, 0.5f, 1.5f), bf = random_floats(cols, cols * 2 + 2);
        std::vector<_Float16> x(xf.begin(), xf.end()), w(wf.begin(), wf.end()), b(bf.begin(), bf.end());
        auto by = upload(std::vector<_Float16>(rows * cols));
        auto c = config({rows, 1, 1}, {tg, 1, 1});
        c.buffers[0] = runtime::Binding::of(upload(x));
        c.buffers[1] = runtime::Binding::of(upload(w));
        c.buffers[2] = runtime::Binding::of(upload(b));
        c.buffers[3] = runtime::Binding::of(by);
        c.buffers[4] = runtime::Binding::value(Args{rows, cols, mode});
        device().launch(*p, c);
        std::vector<double> want(rows * cols);
        for (std::uint32_t r = 0; r < rows; ++r) {
          double s = 0, s2 = 0;
          for (std::uint32_t i = 0; i < cols; ++i) s += double(x[r * cols + i]);
          double mean = s / cols;
          for (std::uint32_t i = 0; i < cols; ++i) s2 += (double(x[r * cols + i]) - mean) * (double(x[r * cols + i]) - mean);
          double inv = 1.0 / std::sqrt(s2 / cols + 1e-5);
          for (std::uint32_t i = 0; i < cols; ++i) {
            double v = (double(x[r * cols + i]) - mean) * inv;
            if (mode >= 1) v *= double(w[i]);
            if (mode == 2) v += double(b[i]);
            want[r * cols + i] = v;
          }
        }
        // Output is half: allow half's rounding (2^-11 relative) plus float accumulation error.
        ASSERT_TRUE(near(download<_Float16>(by, rows * cols), want, 2e-3, 1e-3)) << cols << " " << tg << " " << mode;
      }
    }
  }
}

}  // namespace
}  // namespace tmetal::test
