#include "rawgan/dsp/emphasis.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

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

// Cutting a stream into uneven blocks must give exactly what the whole-signal functions give,
// per channel of an interleaved pair.
TEST(Emphasis, StreamingFiltersMatchTheWholeSignal) {
  const std::vector<float> left = test::white_noise(16000, 3000, 0.3f, 5).samples;
  const std::vector<float> right = test::sine(440.0, 16000, 3000, 0.5f).samples;
  std::vector<float> interleaved;
  for (size_t i = 0; i < left.size(); ++i) {
    interleaved.push_back(left[i]);
    interleaved.push_back(right[i]);
  }
  PreEmphasis pre(0.9f, 2);
  DeEmphasis de(0.9f, 2);
  std::vector<float> emphasised = interleaved;
  std::vector<float> restored;
  const int64_t blocks[] = {1, 7, 500, 1, 1491, 1000};
  int64_t at = 0;
  for (int64_t n : blocks) {
    pre.process(emphasised.data() + 2 * at, n);
    restored.insert(restored.end(), emphasised.begin() + 2 * at, emphasised.begin() + 2 * (at + n));
    de.process(restored.data() + 2 * at, n);
    at += n;
  }
  ASSERT_EQ(at, 3000);
  std::vector<float> expected_left = left;
  std::vector<float> expected_right = right;
  pre_emphasis(expected_left, 0.9f);
  pre_emphasis(expected_right, 0.9f);
  for (size_t i = 0; i < left.size(); ++i) {
    ASSERT_EQ(emphasised[2 * i], expected_left[i]) << i;
    ASSERT_EQ(emphasised[2 * i + 1], expected_right[i]) << i;
    // Same rounding bound as above: the inverse has gain at most 1 / (1 - 0.9) = 10.
    ASSERT_NEAR(restored[2 * i], left[i], 1e-5) << i;
    ASSERT_NEAR(restored[2 * i + 1], right[i], 1e-5) << i;
  }
}

TEST(Emphasis, DcBlockerRemovesAnOffsetAndKeepsSpeechBand) {
  constexpr int kRate = 16000;
  std::vector<float> x = test::sine(300.0, kRate, kRate * 2, 0.5f).samples;
  for (float& v : x)
    v += 0.25f;
  DcBlocker blocker(20.0, kRate, 1);
  blocker.process(x.data(), static_cast<int64_t>(x.size()));
  // Over the second second (the 20 Hz pole has decayed by e^-125 by then): the mean is gone
  // and the 300 Hz tone keeps its amplitude (a first-order high-pass at 20 Hz passes 300 Hz
  // with a gain of 300 / sqrt(300^2 + 20^2) = 0.998).
  double mean = 0, peak = 0;
  for (int i = kRate; i < 2 * kRate; ++i) {
    mean += x[i];
    peak = std::max(peak, std::abs(static_cast<double>(x[i])));
  }
  mean /= kRate;
  EXPECT_NEAR(mean, 0.0, 1e-3);
  EXPECT_NEAR(peak, 0.5, 0.01);

  std::vector<float> y = {0.1f, -0.2f, 0.3f};
  DcBlocker off(0.0, kRate, 1);
  off.process(y.data(), 3);
  EXPECT_EQ(y, (std::vector<float>{0.1f, -0.2f, 0.3f}));
}

}  // namespace
}  // namespace rawgan::dsp
