#include "rawgan/data/overlap_add.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "rawgan/util/error.h"
#include "support/test_support.h"

namespace rawgan::data {
namespace {

// The identity model's output is a weighted sum of copies of the input whose weights sum to one
// in float arithmetic: errors are a few ulps of |x| <= 1, so 1e-4 (the bound) is loose.
constexpr float kTolerance = 1e-4f;

torch::Tensor identity(const torch::Tensor& x) {
  return x.clone();
}

// A model whose output depends on where a sample sits in its window, so that any change of
// windowing, batching or channel routing changes the result.
torch::Tensor position_dependent(const torch::Tensor& x) {
  torch::Tensor gain = torch::linspace(0.5, 1.5, x.size(2)).view({1, 1, -1});
  return torch::tanh(2 * x) * gain;
}

std::vector<float> run(const WindowModel& model, const WindowingOptions& options,
                       const std::vector<float>& interleaved, int n_channels,
                       int64_t block_frames) {
  OverlapAdd overlap_add(model, options, n_channels);
  std::vector<float> out;
  const int64_t n_frames = static_cast<int64_t>(interleaved.size()) / n_channels;
  for (int64_t f = 0; f < n_frames; f += block_frames) {
    const int64_t n = std::min(block_frames, n_frames - f);
    overlap_add.process(interleaved.data() + f * n_channels, n, out);
  }
  overlap_add.finish(out);
  return out;
}

float max_difference(const std::vector<float>& a, const std::vector<float>& b) {
  float worst = 0;
  for (size_t i = 0; i < std::min(a.size(), b.size()); ++i)
    worst = std::max(worst, std::fabs(a[i] - b[i]));
  return worst;
}

TEST(OverlapAdd, RampsAreComplementary) {
  const std::vector<float> ramp = crossfade_ramp(1024);
  for (size_t i = 0; i < ramp.size(); ++i)
    EXPECT_NEAR(ramp[i] + ramp[ramp.size() - 1 - i], 1.0f, 1e-6f) << i;
  EXPECT_LT(ramp.front(), 1e-5f);
  EXPECT_GT(ramp.back(), 1.0f - 1e-5f);
}

TEST(OverlapAdd, IdentityKeepsLengthAndSamplesIncludingSeams) {
  WindowingOptions options;  // the paper's 16384-sample window, 1024-sample cross-fade
  for (int64_t n : {1, 100, 16383, 16384, 16385, 160001}) {
    const audio::Audio input = test::white_noise(16000, n, 0.3f, 5);
    const std::vector<float> out = run(identity, options, input.samples, 1, 40000);
    ASSERT_EQ(out.size(), input.samples.size()) << n << " samples";
    EXPECT_LT(max_difference(out, input.samples), kTolerance) << n << " samples";
  }
}

TEST(OverlapAdd, CrossFadeWeightsSumToOneAcrossSeams) {
  // A model that outputs ones makes the output the sum of the weights at each sample.
  const WindowModel ones = [](const torch::Tensor& x) { return torch::ones_like(x); };
  WindowingOptions options{256, 96, 3};
  const std::vector<float> input(5000, 0.0f);
  for (float y : run(ones, options, input, 1, 333))
    ASSERT_NEAR(y, 1.0f, kTolerance);
}

TEST(OverlapAdd, BlocksAndBatchesDoNotChangeTheResult) {
  const audio::Audio input = test::white_noise(8000, 3001, 0.3f, 9);
  const std::vector<float> reference =
      run(position_dependent, {256, 32, 1}, input.samples, 1, 3001);
  for (int64_t batch : {1, 4, 16}) {
    for (int64_t block : {1, 100, 257, 3001}) {
      const std::vector<float> out =
          run(position_dependent, {256, 32, batch}, input.samples, 1, block);
      ASSERT_EQ(out.size(), reference.size());
      // Same windows through the same model: only batched-kernel rounding may differ.
      EXPECT_LT(max_difference(out, reference), 1e-6f) << "batch " << batch << " block " << block;
    }
  }
}

TEST(OverlapAdd, ChannelsAreEnhancedSeparately) {
  const audio::Audio left = test::white_noise(8000, 1500, 0.3f, 1);
  const audio::Audio right = test::sine(440, 8000, 1500);
  std::vector<float> stereo;
  for (int64_t i = 0; i < 1500; ++i) {
    stereo.push_back(left.samples[i]);
    stereo.push_back(right.samples[i]);
  }
  const WindowingOptions options{200, 50, 5};
  const std::vector<float> both = run(position_dependent, options, stereo, 2, 128);
  const std::vector<float> only_left = run(position_dependent, options, left.samples, 1, 128);
  const std::vector<float> only_right = run(position_dependent, options, right.samples, 1, 128);
  ASSERT_EQ(both.size(), stereo.size());
  for (int64_t i = 0; i < 1500; ++i) {
    EXPECT_NEAR(both[2 * i], only_left[i], 1e-6f);
    EXPECT_NEAR(both[2 * i + 1], only_right[i], 1e-6f);
  }
}

TEST(OverlapAdd, ZeroOverlapAndEmptyStream) {
  const audio::Audio input = test::white_noise(8000, 1000, 0.3f, 2);
  const std::vector<float> out = run(identity, {128, 0, 2}, input.samples, 1, 99);
  EXPECT_LT(max_difference(out, input.samples), kTolerance);
  EXPECT_TRUE(run(identity, {128, 16, 2}, {}, 1, 1).empty());
}

TEST(OverlapAdd, LeadInKeepsLengthSamplesAndResultOfBlocks) {
  const WindowingOptions options{256, 32, 3, 32};
  for (int64_t n : {1, 31, 32, 33, 255, 256, 257, 3001}) {
    const audio::Audio input = test::white_noise(8000, n, 0.3f, 7);
    const std::vector<float> out = run(identity, options, input.samples, 1, 100);
    ASSERT_EQ(out.size(), input.samples.size()) << n << " samples";
    EXPECT_LT(max_difference(out, input.samples), kTolerance) << n << " samples";
    const std::vector<float> one_block = run(position_dependent, options, input.samples, 1, n);
    const std::vector<float> blocks = run(position_dependent, options, input.samples, 1, 7);
    EXPECT_LT(max_difference(blocks, one_block), 1e-6f) << n << " samples";
  }
  EXPECT_TRUE(run(identity, options, {}, 1, 1).empty());
}

// A model that adds 1 over its window's first 8 samples: every window but the first fades in
// over them; with a lead-in the first window's fall on the dropped zeros.
TEST(OverlapAdd, LeadInDropsTheFirstWindowsStartArtifact) {
  const WindowModel thump = [](const torch::Tensor& x) {
    torch::Tensor y = x.clone();
    y.narrow(2, 0, 8) += 1.0f;
    return y;
  };
  const audio::Audio input = test::white_noise(8000, 3000, 0.3f, 3);
  const std::vector<float> plain = run(thump, {256, 64, 2, 0}, input.samples, 1, 500);
  const std::vector<float> led_in = run(thump, {256, 64, 2, 64}, input.samples, 1, 500);
  ASSERT_EQ(led_in.size(), input.samples.size());
  auto worst_error = [&](const std::vector<float>& out, int64_t from, int64_t to) {
    float worst = 0;
    for (int64_t i = from; i < to; ++i)
      worst = std::max(worst, std::fabs(out[i] - input.samples[i]));
    return worst;
  };
  EXPECT_NEAR(worst_error(plain, 0, 8), 1.0f, kTolerance);  // kept at full weight
  // At a seam the artifact is weighted by the fade-in's first 8 values, sin^2 <= 0.033.
  const float seam = worst_error(led_in, 8, 3000);
  EXPECT_GT(seam, 0.0f);
  EXPECT_LT(seam, 0.04f);
  EXPECT_LE(worst_error(led_in, 0, 8), seam);
}

TEST(OverlapAdd, RefusesBadSettingsAndBadModels) {
  EXPECT_THROW(OverlapAdd(identity, {128, 65, 1}, 1), UsageError);
  EXPECT_THROW(OverlapAdd(identity, {0, 0, 1}, 1), UsageError);
  EXPECT_THROW(OverlapAdd(identity, {128, 16, 0}, 1), UsageError);
  EXPECT_THROW(OverlapAdd(identity, {128, 16, 1, 65}, 1), UsageError);
  EXPECT_THROW(OverlapAdd(identity, {128, 16, 1, -1}, 1), UsageError);
  const WindowModel shrinking = [](const torch::Tensor& x) { return x.narrow(2, 0, 10); };
  const std::vector<float> input(300, 0.1f);
  EXPECT_THROW(run(shrinking, {128, 16, 2}, input, 1, 300), RuntimeError);
}

}  // namespace
}  // namespace rawgan::data
