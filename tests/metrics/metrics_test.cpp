// SNR, segmental SNR, SI-SDR and LSD on signals made here, with known exact answers.
#include "rawgan/metrics/metrics.h"

#include <gtest/gtest.h>

#include <cmath>

#include "rawgan/metrics/stoi.h"
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

const LengthProblem* find_problem(const std::vector<LengthProblem>& problems,
                                  const std::string& metric) {
  for (const LengthProblem& problem : problems)
    if (problem.metric == metric) return &problem;
  return nullptr;
}

TEST(LengthProblems, ThreeSamplesAreTooShortForFramedMetricsOnly) {
  const std::vector<float> s = {0.1f, -0.2f, 0.3f};
  const auto problems = length_problems(s, 16000);
  EXPECT_EQ(find_problem(problems, "snr"), nullptr);
  EXPECT_EQ(find_problem(problems, "si_sdr"), nullptr);
  for (const std::string metric : {"ssnr", "stoi", "estoi"}) {
    const LengthProblem* problem = find_problem(problems, metric);
    ASSERT_NE(problem, nullptr) << metric;
    EXPECT_TRUE(problem->undefined) << metric;
  }
  // One 30 ms frame and a 7.5 ms hop at 16 kHz; STOI's 4097 samples at 10 kHz, resampled.
  EXPECT_EQ(find_problem(problems, "ssnr")->min_samples, 480 + 120);
  EXPECT_EQ(find_problem(problems, "stoi")->min_samples, stoi_min_samples(16000));
  // LSD is computed, on frames that are mostly zero padding.
  ASSERT_NE(find_problem(problems, "lsd"), nullptr);
  EXPECT_FALSE(find_problem(problems, "lsd")->undefined);
  EXPECT_EQ(find_problem(problems, "lsd")->min_samples, 512);

  const auto one = length_problems({0.1f}, 16000);
  ASSERT_NE(find_problem(one, "si_sdr"), nullptr);
  EXPECT_EQ(find_problem(one, "snr"), nullptr);
  // Two samples less their mean lie on one line: any output matches them exactly once scaled,
  // an SI-SDR of +inf that would swamp a mean over files. It is left undefined.
  const std::vector<float> two = {0.1f, -0.2f};
  EXPECT_TRUE(std::isinf(si_sdr_db(two, {0.3f, 0.25f})));
  const LengthProblem* pair = find_problem(length_problems(two, 16000), "si_sdr");
  ASSERT_NE(pair, nullptr);
  EXPECT_TRUE(pair->undefined);
  EXPECT_EQ(pair->min_samples, 3);
  EXPECT_TRUE(std::isnan(compute_all(two, {0.3f, 0.25f}, 16000).si_sdr_db));
  ASSERT_NE(find_problem(length_problems({}, 16000), "snr"), nullptr);

  // Long enough noise (no silent frame) has no problem.
  EXPECT_TRUE(length_problems(test::white_noise(16000, 16000, 0.1f, 1).samples, 16000).empty());
}

TEST(LengthProblems, DigitalSilenceLeavesEveryMetricButLsdUndefined) {
  const std::vector<float> silence(16000, 0.0f);
  const std::vector<float> noise = test::white_noise(16000, 16000, 0.1f, 1).samples;
  const MetricValues values = compute_all(silence, noise, 16000);
  EXPECT_TRUE(std::isnan(values.snr_db));  // not -inf, which would swamp a mean over files
  EXPECT_TRUE(std::isnan(values.si_sdr_db));
  EXPECT_TRUE(std::isnan(values.segmental_snr_db));
  EXPECT_TRUE(std::isnan(values.stoi));
  EXPECT_TRUE(std::isfinite(values.lsd_db));
  // A reference with one non-zero sample is no longer silence.
  std::vector<float> almost = silence;
  almost[100] = 0.5f;
  EXPECT_TRUE(std::isfinite(compute_all(almost, noise, 16000).snr_db));
}

TEST(LengthProblems, SegmentalSnrMinimumIsWhereItsFirstFrameAppears) {
  // Identical signals score the 35 dB ceiling once a frame exists and min_db (-10) before.
  const auto s = test::white_noise(16000, 16000, 0.1f, 2).samples;
  const int64_t n = find_problem(length_problems({0.0f}, 16000), "ssnr")->min_samples;
  const std::vector<float> enough(s.begin(), s.begin() + n);
  const std::vector<float> short_by_one(s.begin(), s.begin() + n - 1);
  EXPECT_DOUBLE_EQ(segmental_snr_db(enough, enough, 16000), 35.0);
  EXPECT_DOUBLE_EQ(segmental_snr_db(short_by_one, short_by_one, 16000), -10.0);
  EXPECT_EQ(find_problem(length_problems(enough, 16000), "ssnr"), nullptr);
  EXPECT_NE(find_problem(length_problems(short_by_one, 16000), "ssnr"), nullptr);
}

TEST(Metrics, ComputeAllLeavesUndefinedMetricsNaN) {
  const std::vector<float> s = {0.1f, -0.2f, 0.3f};
  const std::vector<float> x = {0.1f, -0.1f, 0.3f};
  const MetricValues values = compute_all(s, x, 16000);
  EXPECT_TRUE(std::isnan(values.segmental_snr_db));
  EXPECT_TRUE(std::isnan(values.stoi));
  EXPECT_TRUE(std::isnan(values.estoi));
  EXPECT_DOUBLE_EQ(values.snr_db, snr_db(s, x));
  EXPECT_DOUBLE_EQ(values.si_sdr_db, si_sdr_db(s, x));
  EXPECT_TRUE(std::isfinite(values.lsd_db));
  EXPECT_THROW(compute_all(s, {0.1f}, 16000), InputError);
}

}  // namespace
}  // namespace rawgan::metrics
