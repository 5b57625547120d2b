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

TEST(Emphasis, DcBlockerStartsWithoutATransientForAnOffsetPresentFromTheStart) {
  constexpr int kRate = 8000;
  std::vector<float> x(800, 0.1f);
  DcBlocker blocker(20.0, kRate, 1);
  blocker.prime({0.1f});
  blocker.process(x.data(), static_cast<int64_t>(x.size()));
  // From zero state the first output would be the whole offset, 0.1.
  for (size_t i = 0; i < x.size(); ++i)
    ASSERT_NEAR(x[i], 0.0f, 1e-6f) << i;
}

// A model's pre-emphasised output: a 440 Hz tone, pre-emphasised, plus a constant offset, in two
// channels (the second without the offset).
std::vector<float> model_output(int rate, int64_t n, float offset) {
  std::vector<float> tone = test::sine(440.0, rate, n, 0.1f).samples;
  pre_emphasis(tone);
  std::vector<float> interleaved;
  for (float v : tone) {
    interleaved.push_back(v + offset);
    interleaved.push_back(v);
  }
  return interleaved;
}

TEST(Emphasis, ModelOutputFilterRemovesAnOffsetWithoutAThump) {
  constexpr int kRate = 8000;
  constexpr int64_t kFrames = 4000;
  std::vector<float> y = model_output(kRate, kFrames, 0.005f);
  ModelOutputFilter filter(kDefaultEmphasis, 20.0, kRate, 2);
  filter.process(y.data(), kFrames);
  // De-emphasis alone would turn the offset into 0.005 / (1 - 0.95) = 0.1 of DC, and a blocker
  // after it would begin with a transient of about that size. Both channels come out as the
  // same tone, from the first sample on, to within the 20 Hz high-pass's effect on 440 Hz.
  float worst = 0;
  for (int64_t i = 0; i < kFrames; ++i)
    worst = std::max(worst, std::fabs(y[2 * i] - y[2 * i + 1]));
  EXPECT_LT(worst, 0.005f);
  double peak = 0;
  for (int64_t i = 0; i < kFrames; ++i)
    peak = std::max(peak, std::abs(static_cast<double>(y[2 * i])));
  EXPECT_NEAR(peak, 0.1, 0.01);
}

TEST(Emphasis, ModelOutputFilterInBlocksMatchesOneBlock) {
  constexpr int kRate = 8000;
  constexpr int64_t kFrames = 3000;
  std::vector<float> whole = model_output(kRate, kFrames, 0.01f);
  std::vector<float> blocks = whole;
  ModelOutputFilter one(kDefaultEmphasis, 20.0, kRate, 2);
  one.process(whole.data(), kFrames);
  // The first block holds the frames the offset is estimated from, the others are shorter.
  ModelOutputFilter many(kDefaultEmphasis, 20.0, kRate, 2);
  constexpr int64_t kFirst = ModelOutputFilter::kPrimeFrames;
  many.process(blocks.data(), kFirst);
  for (int64_t start = kFirst; start < kFrames; start += 100)
    many.process(blocks.data() + 2 * start, std::min<int64_t>(100, kFrames - start));
  EXPECT_EQ(blocks, whole);
}

}  // namespace
}  // namespace rawgan::dsp
