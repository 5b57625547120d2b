#include "rawgan/dsp/emphasis.h"

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace rawgan::dsp {
namespace {

TEST(Emphasis, DeEmphasisInvertsPreEmphasis) {
  std::vector<float> x = test::white_noise(16000, 4000, 0.2f, 3).samples;
  std::vector<float> y = x;
  pre_emphasis(y);
  EXPECT_FLOAT_EQ(y[0], x[0]);
  EXPECT_FLOAT_EQ(y[10], x[10] - 0.95f * x[10 - 1]);
  de_emphasis(y);
  // The recursion accumulates float rounding with gain at most 1 / (1 - 0.95) = 20.
  for (size_t i = 0; i < x.size(); ++i)
    ASSERT_NEAR(y[i], x[i], 1e-5) << i;
}

}  // namespace
}  // namespace rawgan::dsp
