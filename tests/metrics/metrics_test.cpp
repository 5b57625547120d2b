// SNR, segmental SNR, SI-SDR and LSD on signals made here, with known exact answers.
#include "rawgan/metrics/metrics.h"

#include <gtest/gtest.h>

#include <cmath>

#include "rawgan/util/error.h"
#include "support/test_support.h"

namespace rawgan::metrics {
namespace {

std::vector<float> scaled(const std::vector<float>& x, float gain) {
  std::vector<float> y(x);
  for (float& v : y)
    v *= gain;
  return y;
}

TEST(Metrics, SnrKnownValues) {
  const auto s = test::sine(300, 16000, 16000, 0.5f).samples;
  EXPECT_TRUE(std::isinf(snr_db(s, s)) && snr_db(s, s) > 0);
  // Halving the signal leaves an error of half the signal: 20 log10(2) = 6.0206 dB.
  EXPECT_NEAR(snr_db(s, scaled(s, 0.5f)), 20 * std::log10(2.0), 1e-6);
  EXPECT_THROW(snr_db(s, std::vector<float>(10)), InputError);
}

TEST(Metrics, SiSdrIsScaleInvariantAndMatchesAddedNoise) {
  const auto s = test::sine(300, 16000, 16000, 0.5f).samples;
  // 0.5 scales floats exactly: zero residual, +inf. 0.3 rounds each product (relative 6e-8),
  // which leaves a residual about 140 dB down.
  EXPECT_TRUE(std::isinf(si_sdr_db(s, scaled(s, 0.5f))));
  EXPECT_GT(si_sdr_db(s, scaled(s, 0.3f)), 120.0);
  const auto n = test::white_noise(16000, 16000, 0.05f, 1).samples;
  std::vector<float> x(s.size());
  for (size_t i = 0; i < s.size(); ++i)
    x[i] = s[i] + n[i];
  // Scaling the estimate does not change SI-SDR (only float rounding of the product).
  EXPECT_NEAR(si_sdr_db(s, x), si_sdr_db(s, scaled(x, 3.0f)), 1e-4);
  // Noise nearly orthogonal to the sine: SI-SDR is close to the plain SNR (the projection
  // removes only the noise's tiny component along the sine, a few hundredths of a dB).
  EXPECT_NEAR(si_sdr_db(s, x), snr_db(s, x), 0.05);
  // A silent estimate keeps nothing of the reference: the worst score, never +inf.
  const double silent = si_sdr_db(s, std::vector<float>(s.size(), 0.0f));
  EXPECT_TRUE(std::isinf(silent) && silent < 0) << silent;
}

TEST(Metrics, SegmentalSnrClampsFrames) {
  const auto s = test::sine(300, 16000, 16000, 0.5f).samples;
  // Identical signals: every frame clamps to the 35 dB ceiling.
  EXPECT_DOUBLE_EQ(segmental_snr_db(s, s, 16000), 35.0);
  // Silence as the estimate: every frame is 0 dB (E_e == E_s), above the -10 dB floor.
  EXPECT_NEAR(segmental_snr_db(s, std::vector<float>(s.size(), 0.0f), 16000), 0.0, 1e-9);
  // A silent reference gives -10 dB frames whatever the estimate.
  EXPECT_DOUBLE_EQ(segmental_snr_db(std::vector<float>(s.size(), 0.0f), s, 16000), -10.0);
  // Scaling by 0.5 gives exactly 6.0206 dB in every frame.
  EXPECT_NEAR(segmental_snr_db(s, scaled(s, 0.5f), 16000), 20 * std::log10(2.0), 1e-6);
  // Shorter than one frame: the floor.
  EXPECT_DOUBLE_EQ(segmental_snr_db({0.1f, 0.2f}, {0.1f, 0.2f}, 16000), -10.0);
}

TEST(Metrics, LogSpectralDistance) {
  const auto s = test::white_noise(16000, 16000, 0.1f, 2).samples;
  EXPECT_DOUBLE_EQ(log_spectral_distance_db(s, s, 16000), 0.0);
  // A gain of 0.5 shifts every bin's level by 6.02 dB; the 1e-10 power floor is 70 dB below
  // these bins' powers, so the distance is 6.02 dB to well within 0.01 dB.
  EXPECT_NEAR(log_spectral_distance_db(s, scaled(s, 0.5f), 16000), 20 * std::log10(2.0), 0.01);
  const auto zeros = std::vector<float>(s.size(), 0.0f);
  EXPECT_TRUE(std::isfinite(log_spectral_distance_db(zeros, zeros, 16000)));
}

TEST(Metrics, ComputeAllIsFiniteOnNoisyPairAndNamesEveryValue) {
  const auto s = test::sine(300, 16000, 16000, 0.5f).samples;
  const auto n = test::white_noise(16000, 16000, 0.1f, 4).samples;
  std::vector<float> x(s.size());
  for (size_t i = 0; i < s.size(); ++i)
    x[i] = s[i] + n[i];
  const MetricValues values = compute_all(s, x, 16000);
  ASSERT_EQ(values.as_vector().size(), metric_names().size());
  for (double v : values.as_vector())
    EXPECT_TRUE(std::isfinite(v));
}

}  // namespace
}  // namespace rawgan::metrics
