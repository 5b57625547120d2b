// STOI and ESTOI on signals made here: identity, degradation order, short and silent inputs.
#include "rawgan/metrics/stoi.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "rawgan/util/error.h"
#include "support/test_support.h"

namespace rawgan::metrics {
namespace {

// Amplitude-modulated noise: a speech-like envelope (4 Hz) so that band envelopes vary.
std::vector<float> modulated_noise(int sample_rate_hz, int64_t n, uint32_t seed) {
  std::vector<float> x = test::white_noise(sample_rate_hz, n, 0.2f, seed).samples;
  for (int64_t i = 0; i < n; ++i)
    x[i] *= float(0.55 + 0.45 * std::sin(2 * M_PI * 4.0 * i / sample_rate_hz));
  return x;
}

TEST(Stoi, IdentityIsOneAndNoiseLowersIt) {
  const auto s = modulated_noise(16000, 32000, 1);
  // Identical inputs correlate perfectly; only the eps guards move the value (by ~1e-15).
  EXPECT_NEAR(stoi(s, s, 16000), 1.0, 1e-6);
  EXPECT_NEAR(estoi(s, s, 16000), 1.0, 1e-6);
  const auto n = test::white_noise(16000, 32000, 0.2f, 2).samples;
  std::vector<float> light(s.size());
  std::vector<float> heavy(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    light[i] = s[i] + 0.3f * n[i];
    heavy[i] = s[i] + 3.0f * n[i];
  }
  EXPECT_LT(stoi(s, light, 16000), 0.999);
  EXPECT_LT(stoi(s, heavy, 16000), stoi(s, light, 16000));
  EXPECT_LT(estoi(s, heavy, 16000), estoi(s, light, 16000));
}

TEST(Stoi, WorksAtTenKilohertzAndOtherRates) {
  // At the internal rate nothing is resampled; at 8 kHz the input is upsampled.
  for (int rate : {8000, 10000, 44100}) {
    const auto s = modulated_noise(rate, rate * 2, 3);
    EXPECT_NEAR(stoi(s, s, rate), 1.0, 1e-6) << rate;
  }
}

TEST(Stoi, TooShortGivesPystoiFloorAndMismatchThrows) {
  // 0.3 s leaves fewer than 30 frames of 12.8 ms.
  const auto s = modulated_noise(16000, 4800, 4);
  EXPECT_DOUBLE_EQ(stoi(s, s, 16000), 1e-5);
  EXPECT_THROW(stoi(s, std::vector<float>(100), 16000), InputError);
  const std::vector<float> zeros(32000, 0.0f);
  EXPECT_TRUE(std::isfinite(stoi(zeros, zeros, 16000)));
  EXPECT_TRUE(std::isfinite(estoi(zeros, zeros, 16000)));
}

TEST(Stoi, DigitalSilenceHasNoFrames) {
  // Every frame of an all-zero reference is as loud as the loudest, so the relative threshold
  // alone would keep all 249 of them.
  const std::vector<float> zeros(32000, 0.0f);
  EXPECT_EQ(stoi_frames(zeros, 16000), 0);
  EXPECT_DOUBLE_EQ(stoi(zeros, test::white_noise(16000, 32000, 0.1f, 7).samples, 16000), 1e-5);
  // A single nonzero sample is sound: its frames are kept, the zero ones dropped.
  std::vector<float> click = zeros;
  click[16000] = 0.5f;
  EXPECT_GT(stoi_frames(click, 16000), 0);
}

TEST(Stoi, MinSamplesIsTheShortestSignalWithThirtyFrames) {
  for (int rate : {8000, 10000, 16000, 44100, 48000}) {
    const int64_t n = stoi_min_samples(rate);
    // Noise has no silent frame, so only the length decides.
    EXPECT_GE(stoi_frames(modulated_noise(rate, n, 5), rate), kStoiMinFrames) << rate;
    EXPECT_LT(stoi_frames(modulated_noise(rate, n - 1, 5), rate), kStoiMinFrames) << rate;
  }
  EXPECT_EQ(stoi_min_samples(10000), 4097);  // 256 + 30 * 128 + 1, no resampling
}

TEST(Stoi, SilenceAroundAShortSoundLeavesTooFewFrames) {
  // 2 s of which 0.1 s is sound: the rest is more than 40 dB under it and removed.
  std::vector<float> x(32000, 0.0f);
  const auto burst = modulated_noise(16000, 1600, 6);
  std::copy(burst.begin(), burst.end(), x.begin() + 16000);
  EXPECT_LT(stoi_frames(x, 16000), kStoiMinFrames);
  EXPECT_GE(stoi_frames(modulated_noise(16000, 32000, 6), 16000), kStoiMinFrames);
}

}  // namespace
}  // namespace rawgan::metrics
