#include "rawgan/models/wavegan.h"

#include <gtest/gtest.h>

#include "rawgan/models/polyphase.h"
#include "rawgan/models/segan.h"
#include "rawgan/util/error.h"
#include "rawgan/util/preset.h"

namespace rawgan::models {
namespace {

// Parameters of a (transposed) 1-D convolution with bias.
int64_t conv_parameters(int64_t in, int64_t out, int64_t kernel) {
  return in * out * kernel + out;
}

WaveGanOptions narrow(int64_t n_samples) {
  WaveGanOptions options;
  options.model_size = 2;  // the paper's depth and kernels, 2 channels at the narrowest layer
  options.latent_dim = 8;
  options.n_samples = n_samples;
  return options;
}

TEST(WaveGan, NarrowVariantsMakeAndScoreClipsOfTheirLength) {
  torch::manual_seed(0);
  for (int64_t n_samples : {16384, 32768, 65536}) {
    auto options = narrow(n_samples);
    WaveGanGenerator generator(options);
    WaveGanDiscriminator discriminator(options);
    auto z = torch::rand({2, options.latent_dim}) * 2 - 1;
    auto clips = generator(z);
    EXPECT_EQ(clips.sizes(), (std::vector<int64_t>{2, 1, n_samples}));
    EXPECT_LE(clips.abs().max().item<float>(), 1.0f);  // tanh output
    EXPECT_EQ(discriminator(clips).sizes(), (std::vector<int64_t>{2, 1}));
  }
}

TEST(WaveGan, DepthAndKernelsFollowThePaper) {
  for (int64_t n_samples : {16384, 65536}) {
    WaveGanGenerator generator(narrow(n_samples));
    WaveGanDiscriminator discriminator(narrow(n_samples));
    const size_t n_layers = n_samples == 16384 ? 5 : 6;  // one more layer for longer clips
    int64_t n_upconvs = 0, n_convs = 0;
    for (const auto& module : generator->modules(false)) {
      if (auto conv = module->as<PolyphaseConvTranspose1d>()) {
        EXPECT_EQ(conv->options().kernel_size()->at(0), 25);
        ++n_upconvs;
      }
    }
    for (const auto& module : discriminator->modules(false)) {
      if (auto conv = module->as<torch::nn::Conv1d>()) {
        EXPECT_EQ(conv->options.kernel_size()->at(0), 25);
        ++n_convs;
      }
    }
    EXPECT_EQ(n_upconvs, int64_t(n_layers));
    EXPECT_EQ(n_convs, int64_t(n_layers));
  }
}

TEST(WaveGan, PaperPresetHasThePapersParameterCount) {
  auto options = wavegan_options_from_json(load_preset("wavegan")["model"]);
  WaveGanGenerator generator(options);
  WaveGanDiscriminator discriminator(options);
  // Generator: dense 100 -> 16 x 1024, then 1024, 512, 256, 128, 64 -> 1 with kernel 25.
  int64_t expected_g = 100 * 16 * 1024 + 16 * 1024;
  const int64_t g_channels[] = {1024, 512, 256, 128, 64, 1};
  for (int i = 0; i < 5; ++i)
    expected_g += conv_parameters(g_channels[i], g_channels[i + 1], 25);
  // Discriminator: 1 -> 64 ... 1024 with kernel 25, then dense 16 x 1024 -> 1.
  int64_t expected_d = 16 * 1024 + 1;
  const int64_t d_channels[] = {1, 64, 128, 256, 512, 1024};
  for (int i = 0; i < 5; ++i)
    expected_d += conv_parameters(d_channels[i], d_channels[i + 1], 25);
  EXPECT_EQ(count_parameters(*generator), expected_g);
  EXPECT_EQ(count_parameters(*discriminator), expected_d);
}

TEST(WaveGan, EveryWaveGanPresetBuildsAtNarrowWidth) {
  for (const auto& name : list_presets()) {
    auto preset = load_preset(name);
    if (preset.value("kind", "") != "wavegan") continue;
    auto options = wavegan_options_from_json(preset["model"]);
    options.model_size = 2;
    WaveGanGenerator generator(options);
    auto clips = generator(torch::zeros({1, options.latent_dim}));
    EXPECT_EQ(clips.size(2), options.n_samples) << name;
  }
}

TEST(WaveGan, RejectsLengthsWithoutAVariant) {
  nlohmann::json model = {{"n_samples", 20000}};
  EXPECT_THROW(wavegan_options_from_json(model), UsageError);
  nlohmann::json typo = {{"model_sise", 32}};
  EXPECT_THROW(wavegan_options_from_json(typo), UsageError);
}

// A ramp of distinct values, so that any shift is recognisable.
torch::Tensor ramp(int64_t batch, int64_t channels, int64_t n) {
  return torch::arange(batch * channels * n, torch::kFloat).view({batch, channels, n});
}

// Reference shift with reflection, written independently of PhaseShuffleImpl::shift.
torch::Tensor reflect_shift(const torch::Tensor& row, int64_t k) {
  const int64_t n = row.size(-1);
  auto out = torch::empty_like(row);
  for (int64_t t = 0; t < n; ++t) {
    int64_t source = t - k;
    if (source < 0) source = -source;
    if (source >= n) source = 2 * (n - 1) - source;
    out.select(-1, t).copy_(row.select(-1, source));
  }
  return out;
}

TEST(PhaseShuffle, KeepsLengthAndShiftsWithinItsRadiusWithReflection) {
  torch::manual_seed(1);
  PhaseShuffle shuffle(2);
  shuffle->train();
  auto x = ramp(16, 3, 20);
  std::set<int64_t> seen;
  for (int trial = 0; trial < 8; ++trial) {
    auto y = shuffle(x);
    ASSERT_EQ(y.sizes(), x.sizes());
    for (int64_t b = 0; b < x.size(0); ++b) {
      int64_t found = 99;
      for (int64_t k = -2; k <= 2; ++k) {
        if (torch::equal(y[b], reflect_shift(x[b], k))) found = k;
      }
      ASSERT_NE(found, 99) << "example " << b << " is not a shift of at most 2";
      seen.insert(found);
    }
  }
  // 128 draws from 5 values: all of them appear (a miss has probability below 1e-11).
  EXPECT_EQ(seen.size(), 5u);
}

TEST(PhaseShuffle, IsTheIdentityInEvalMode) {
  PhaseShuffle shuffle(2);
  shuffle->eval();
  auto x = ramp(4, 2, 10);
  EXPECT_TRUE(torch::equal(shuffle(x), x));
}

}  // namespace
}  // namespace rawgan::models
