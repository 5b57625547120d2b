#include "rawgan/infer/live_enhancer.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

#include "rawgan/util/error.h"
#include "support/test_support.h"

namespace rawgan::infer {
namespace {

constexpr int64_t kWindow = 1024;

EnhancementModel identity_model(float emphasis) {
  EnhancementModel model;
  model.model = [](const torch::Tensor& x) { return x.clone(); };
  model.sample_rate_hz = 8000;
  model.window_samples = kWindow;
  model.pre_emphasis = emphasis;
  return model;
}

LiveEnhancerOptions options(int64_t hop, int64_t lookahead) {
  LiveEnhancerOptions o;
  o.hop_samples = hop;
  o.lookahead_samples = lookahead;
  o.dc_block_hz = 0.0;  // its high-pass would keep an identity model from reproducing input
  return o;
}

std::vector<float> run(LiveEnhancer& enhancer, const std::vector<float>& input) {
  const int64_t hop = enhancer.hop_samples();
  std::vector<float> output(input.size());
  for (size_t at = 0; at + hop <= input.size(); at += hop)
    enhancer.process(input.data() + at, output.data() + at);
  return output;
}

TEST(LiveEnhancer, IdentityModelDelaysByExactlyTheLookAhead) {
  const std::vector<float> input = test::white_noise(8000, 16 * kWindow, 0.2f, 7).samples;
  // Defaults (hop window / 8, look-ahead window / 4), a cross-fade limited by the hop, one
  // limited by the look-ahead, and hop + look-ahead filling the whole window.
  for (auto [hop, lookahead] :
       {std::pair<int64_t, int64_t>{0, 0}, {64, 512}, {512, 32}, {256, 768}, {1, 1}}) {
    LiveEnhancer enhancer(identity_model(0.95f), options(hop, lookahead));
    const int64_t delay = enhancer.latency_samples();
    EXPECT_EQ(delay, lookahead > 0 ? lookahead : kWindow / 4);
    const std::vector<float> output = run(enhancer, input);
    // The cross-fades sum to one and de-emphasis inverts pre-emphasis; float rounding in the
    // recursive de-emphasis grows with gain at most 1 / (1 - 0.95) = 20.
    float worst = 0;
    for (int64_t n = 0; n < static_cast<int64_t>(input.size()); ++n) {
      const float expected = n >= delay ? input[n - delay] : 0.0f;
      worst = std::max(worst, std::fabs(output[n] - expected));
    }
    EXPECT_LT(worst, 1e-4f) << "hop " << hop << ", look-ahead " << lookahead;
  }
}

// A model whose output jumps by 0.01 from one run to the next: without the cross-fade each hop
// boundary would be a click of 0.01. With it the offset glides from one run's value to the
// next, so consecutive samples differ by far less and the offset never overshoots.
TEST(LiveEnhancer, CrossFadeGlidesBetweenRuns) {
  auto n_calls = std::make_shared<int>(0);
  EnhancementModel model = identity_model(0.0f);
  model.model = [n_calls](const torch::Tensor& x) { return x + 0.01f * (*n_calls)++; };
  LiveEnhancer enhancer(model, options(256, 256));
  const std::vector<float> input = test::sine(200.0, 8000, 32 * 256, 0.3f).samples;
  const std::vector<float> output = run(enhancer, input);

  const int64_t delay = enhancer.latency_samples();
  float largest_step = 0, smallest_step = 1;
  for (int64_t n = 4 * 256; n + 1 < static_cast<int64_t>(input.size()); ++n) {
    const float offset = output[n] - input[n - delay];
    const float next = output[n + 1] - input[n + 1 - delay];
    largest_step = std::max(largest_step, next - offset);
    smallest_step = std::min(smallest_step, next - offset);
  }
  // The offset rises by 0.01 per 256-sample hop; a raised-cosine fade over 256 samples rises
  // by at most 0.01 * pi / 2 / 256 per sample (plus float rounding).
  EXPECT_LT(largest_step, 0.01f * 1.6f / 256 + 1e-6f);
  EXPECT_GT(smallest_step, -1e-6f);
}

TEST(LiveEnhancer, RefusesAHopAndLookAheadLongerThanTheWindow) {
  EXPECT_THROW(LiveEnhancer(identity_model(0.95f), options(512, 513)), UsageError);
  EXPECT_THROW(LiveEnhancer(identity_model(0.95f), options(-1, 64)), UsageError);
  EnhancementModel no_model = identity_model(0.95f);
  no_model.model = nullptr;
  EXPECT_THROW(LiveEnhancer(no_model, options(64, 64)), UsageError);
}

TEST(LiveEnhancer, RefusesAModelThatChangesTheWindowLength) {
  EnhancementModel model = identity_model(0.95f);
  model.model = [](const torch::Tensor& x) { return x.narrow(2, 0, kWindow / 2); };
  LiveEnhancer enhancer(model, options(64, 64));
  std::vector<float> input(64, 0.1f), output(64);
  EXPECT_THROW(enhancer.process(input.data(), output.data()), RuntimeError);
}

}  // namespace
}  // namespace rawgan::infer
