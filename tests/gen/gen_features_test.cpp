#include "rawgan/train/gen_features.h"

#include <gtest/gtest.h>

#include <cmath>

#include "support/test_support.h"

namespace rawgan::train {
namespace {

torch::Tensor tone(double frequency_hz, float amplitude, int64_t n = 8192) {
  auto a = test::sine(frequency_hz, 16000, n, amplitude);
  return torch::tensor(a.samples).unsqueeze(0);
}

TEST(GenFeatures, IdenticalClipsHaveNoDiversity) {
  auto clips = torch::cat({tone(440, 0.5f), tone(440, 0.5f), tone(440, 0.5f)});
  // The log-mel features are float32 levels of up to 100 dB, and BLAS may sum one clip's mel
  // bands in another order than the next one's (seen on AVX-512 machines): identical clips
  // then differ by float32 rounding, about 1e-5 dB, far below any real difference (the test
  // below sees several dB).
  EXPECT_NEAR(clip_diversity(clips), 0.0, 1e-4);
}

TEST(GenFeatures, DifferentPitchesAreMoreDiverseThanOnePitch) {
  auto varied = torch::cat({tone(200, 0.5f), tone(900, 0.5f), tone(3000, 0.5f), tone(6000, 0.5f)});
  auto similar = torch::cat({tone(440, 0.5f), tone(445, 0.5f), tone(450, 0.5f), tone(455, 0.5f)});
  const double d_varied = clip_diversity(varied);
  const double d_similar = clip_diversity(similar);
  EXPECT_GT(d_varied, 0.0);
  EXPECT_GT(d_varied, 3 * d_similar);
}

TEST(GenFeatures, LogMelOfAFullScaleSineIsNearZeroDb) {
  auto frames = log_mel_frames(tone(1000, 1.0f));
  // A full-scale sine is the 0 dB reference; the mel band holding it collects the window's
  // main lobe, so its level is within a few dB of 0.
  const double peak = frames[0].slice(0, 2, -2).max().item<double>();
  EXPECT_NEAR(peak, 0.0, 3.0);
}

TEST(GenFeatures, FrechetDistanceIsZeroForOneSetAndGrowsWithDifference) {
  auto a = torch::cat({tone(300, 0.3f), tone(500, 0.2f), tone(700, 0.4f)});
  auto b = torch::cat({tone(2000, 0.3f), tone(2500, 0.2f), tone(4000, 0.4f)});
  auto stats_a = feature_stats(log_mel_frames(a));
  auto stats_b = feature_stats(log_mel_frames(b));
  const double self = frechet_distance(stats_a, stats_a);
  const double other = frechet_distance(stats_a, stats_b);
  // Round-off in the eigendecomposition of a rank-deficient covariance leaves a residue far
  // below the distance between different sets (which is of order 1e3 dB^2 here).
  EXPECT_LT(self, 1e-3 * other);
  EXPECT_GT(other, 0.0);
}

TEST(GenFeatures, FrechetOfShiftedGaussiansIsTheSquaredShift) {
  torch::manual_seed(3);
  auto x = torch::randn({2000, 4}, torch::kDouble);
  auto shift = torch::tensor({1.0, -2.0, 0.5, 0.0}, torch::kDouble);
  // Same covariance, so the trace term vanishes and the distance is |shift|^2 = 5.25.
  EXPECT_NEAR(frechet_distance(feature_stats(x), feature_stats(x + shift)), 5.25, 1e-6);
}

}  // namespace
}  // namespace rawgan::train
