#include "rawgan/infer/enhancer.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "rawgan/audio/audio.h"
#include "rawgan/util/error.h"
#include "support/test_support.h"

namespace rawgan::infer {
namespace {

EnhancementModel identity_model(int sample_rate_hz, int64_t window_samples, float emphasis) {
  EnhancementModel model;
  model.model = [](const torch::Tensor& x) { return x.clone(); };
  model.sample_rate_hz = sample_rate_hz;
  model.window_samples = window_samples;
  model.pre_emphasis = emphasis;
  return model;
}

// The chain without the DC blocker, whose high-pass would keep an identity model from
// reproducing its input exactly.
EnhancerOptions without_dc_block() {
  EnhancerOptions options;
  options.dc_block_hz = 0.0;
  return options;
}

float max_difference(const std::vector<float>& a, const std::vector<float>& b, size_t from = 0,
                     size_t to = SIZE_MAX) {
  float worst = 0;
  for (size_t i = from; i < std::min({a.size(), b.size(), to}); ++i)
    worst = std::max(worst, std::fabs(a[i] - b[i]));
  return worst;
}

TEST(Enhancer, IdentityWithEmphasisReproducesInputOfEveryLength) {
  // Pre-emphasis, overlap-add and de-emphasis invert each other; de-emphasis is recursive, so
  // float rounding accumulates with gain 1 / (1 - 0.95) = 20: still under 1e-4 for |x| < 1.
  Enhancer enhancer(identity_model(16000, 1024, 0.95f), without_dc_block(), torch::kCPU);
  EXPECT_EQ(enhancer.overlap_samples(), 64);
  for (int64_t n : {1, 100, 16383, 16384, 16385, 160001}) {
    const audio::Audio input = test::white_noise(16000, n, 0.2f, 4);
    const audio::Audio output = enhancer.enhance(input);
    ASSERT_EQ(output.n_frames(), n);
    EXPECT_EQ(output.sample_rate_hz, 16000);
    EXPECT_LT(max_difference(output.samples, input.samples), 1e-4f) << n << " samples";
  }
}

TEST(Enhancer, DcBlockerStopsDeEmphasisFromAmplifyingAnOffset) {
  // A model that adds 0.005 to every sample: de-emphasis turns that into 0.005 / (1 - 0.95) =
  // 0.1 of DC. The 20 Hz blocker removes it from the first sample on: no thump at the start.
  EnhancementModel offset = identity_model(8000, 1024, 0.95f);
  offset.model = [](const torch::Tensor& x) { return x + 0.005f; };
  const audio::Audio silence = test::sine(1, 8000, 16000, 0.0f);
  auto mean_of_second_half = [](const audio::Audio& a) {
    double sum = 0;
    for (size_t i = a.samples.size() / 2; i < a.samples.size(); ++i)
      sum += a.samples[i];
    return sum / (a.samples.size() - a.samples.size() / 2);
  };
  const audio::Audio unblocked = Enhancer(offset, without_dc_block(), torch::kCPU).enhance(silence);
  EXPECT_NEAR(mean_of_second_half(unblocked), 0.1, 0.01);
  EnhancerOptions options;
  options.dc_block_hz = 20.0;
  const audio::Audio blocked = Enhancer(offset, options, torch::kCPU).enhance(silence);
  ASSERT_EQ(blocked.n_frames(), silence.n_frames());
  EXPECT_LT(std::fabs(mean_of_second_half(blocked)), 1e-3);
  EXPECT_LT(max_difference(blocked.samples, silence.samples), 1e-3f);
}

TEST(Enhancer, OtherRatesAndChannelsKeepTheirShape) {
  // A stereo 44.1 kHz tone pair through an 8 kHz identity model: the tones (below 4 kHz) come
  // back nearly unchanged; the resamplers' passband ripple and edge transients allow 2e-2.
  const int64_t n = 44100;
  const audio::Audio left = test::sine(300, 44100, n);
  const audio::Audio right = test::sine(700, 44100, n, 0.3f);
  audio::Audio stereo{{}, 44100, 2};
  for (int64_t i = 0; i < n; ++i) {
    stereo.samples.push_back(left.samples[i]);
    stereo.samples.push_back(right.samples[i]);
  }
  EnhancerOptions options = without_dc_block();
  options.overlap_ms = 10.0;
  options.batch_size = 4;
  options.block_frames = 1000;
  Enhancer enhancer(identity_model(8000, 512, 0.95f), options, torch::kCPU);
  for (int64_t length : {int64_t{1}, int64_t{100}, int64_t{16385}, n}) {
    audio::Audio input = stereo;
    input.samples.resize(length * 2);
    const audio::Audio output = enhancer.enhance(input);
    ASSERT_EQ(output.n_frames(), length);
    ASSERT_EQ(output.n_channels, 2);
    EXPECT_EQ(output.sample_rate_hz, 44100);
  }
  const audio::Audio output = enhancer.enhance(stereo);
  EXPECT_LT(max_difference(output.samples, stereo.samples, 2 * 4410, 2 * (n - 4410)), 2e-2f);
}

TEST(Enhancer, StreamedFileEqualsWholeSignal) {
  test::TempDir dir;
  const audio::Audio input = test::white_noise(22050, 50001, 0.2f, 8);
  audio::write(dir / "in.wav", input, audio::SampleFormat::kFloat32);

  EnhancementModel model = identity_model(16000, 2048, 0.95f);
  // Nonlinear and dependent on the position in the window, so windowing errors would show.
  model.model = [](const torch::Tensor& x) {
    return 0.5 * torch::tanh(2 * x) * torch::linspace(0.8, 1.0, x.size(2)).view({1, 1, -1});
  };
  EnhancerOptions options = without_dc_block();
  options.block_frames = 3000;  // many blocks, none aligned with windows
  options.batch_size = 3;
  Enhancer enhancer(model, options, torch::kCPU);
  const EnhanceReport report =
      enhancer.enhance_file(dir / "in.wav", dir / "out.wav", audio::SampleFormat::kFloat32);
  audio::Audio whole = enhancer.enhance(input);
  for (float& x : whole.samples)
    x = std::clamp(x, -1.0f, 1.0f);  // as the file writer clips
  const audio::Audio streamed = audio::read(dir / "out.wav");

  EXPECT_EQ(report.n_frames, 50001);
  EXPECT_GT(report.n_windows, 0);
  ASSERT_EQ(streamed.n_frames(), 50001);
  // Float32 files store the samples exactly; only the resamplers' block-dependent rounding
  // may differ, far below 1e-4.
  EXPECT_LT(max_difference(streamed.samples, whole.samples), 1e-4f);
}

TEST(Enhancer, RefusesEmptyFilesAndTooLongOverlaps) {
  test::TempDir dir;
  audio::write(dir / "empty.wav", audio::Audio{{}, 16000, 1});
  Enhancer enhancer(identity_model(16000, 256, 0.0f), without_dc_block(), torch::kCPU);
  EXPECT_THROW(enhancer.enhance_file(dir / "empty.wav", dir / "out.wav"), InputError);
  EXPECT_FALSE(std::filesystem::exists(dir / "out.wav"));
  EXPECT_THROW(enhancer.enhance_file(dir / "missing.wav", dir / "out.wav"), InputError);
  EXPECT_THROW(Enhancer(identity_model(16000, 256, 0.0f), {20.0, 8, 1000}), UsageError);
}

TEST(Enhancer, RefusesNonFiniteOverlapAndDcBlockCutOffsAtOrAboveNyquist) {
  const auto model = [] { return identity_model(16000, 256, 0.95f); };
  for (double dc_block_hz : {std::nan(""), 8000.0, 1e6, -1.0}) {
    EnhancerOptions options;
    options.dc_block_hz = dc_block_hz;
    EXPECT_THROW(Enhancer(model(), options), UsageError) << dc_block_hz;
  }
  EnhancerOptions below_nyquist;
  below_nyquist.dc_block_hz = 7999;
  EXPECT_NO_THROW(Enhancer(model(), below_nyquist));
  EXPECT_NO_THROW(Enhancer(model(), without_dc_block()));

  EnhancerOptions nan_overlap;
  nan_overlap.overlap_ms = std::nan("");
  EXPECT_THROW(Enhancer(model(), nan_overlap), UsageError);
}

}  // namespace
}  // namespace rawgan::infer
