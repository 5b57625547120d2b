#include "rawgan/models/specgan.h"

#include <gtest/gtest.h>

#include <cmath>

#include "rawgan/data/spec_images.h"
#include "rawgan/models/segan.h"
#include "rawgan/util/preset.h"

namespace rawgan::models {
namespace {

TEST(SpecGan, NarrowPresetsMakeAndScoreImagesOfTheirSize) {
  torch::manual_seed(0);
  for (const auto& name : list_presets()) {
    auto preset = load_preset(name);
    if (preset.value("kind", "") != "specgan") continue;
    auto options = specgan_options_from_json(preset["model"]);
    options.model_size = 2;  // depth and kernels of the preset, narrow channels
    SpecGanGenerator generator(options);
    SpecGanDiscriminator discriminator(options);
    auto images = generator(torch::rand({2, options.latent_dim}) * 2 - 1);
    const int64_t size = options.image_size;
    EXPECT_EQ(images.sizes(), (std::vector<int64_t>{2, 1, size, size})) << name;
    EXPECT_EQ(discriminator(images).sizes(), (std::vector<int64_t>{2, 1})) << name;
  }
}

TEST(SpecGan, PaperPresetHasTheDcganParameterCount) {
  auto options = specgan_options_from_json(load_preset("specgan")["model"]);
  EXPECT_EQ(options.image_size, 128);
  SpecGanGenerator generator(options);
  SpecGanDiscriminator discriminator(options);
  // G: dense 100 -> 4 x 4 x 1024, then 5 x 5 transposed convolutions 1024 ... 64 -> 1.
  int64_t expected_g = 100 * 16 * 1024 + 16 * 1024;
  const int64_t g_channels[] = {1024, 512, 256, 128, 64, 1};
  for (int i = 0; i < 5; ++i)
    expected_g += g_channels[i] * g_channels[i + 1] * 25 + g_channels[i + 1];
  int64_t expected_d = 16 * 1024 + 1;
  const int64_t d_channels[] = {1, 64, 128, 256, 512, 1024};
  for (int i = 0; i < 5; ++i)
    expected_d += d_channels[i] * d_channels[i + 1] * 25 + d_channels[i + 1];
  EXPECT_EQ(count_parameters(*generator), expected_g);
  EXPECT_EQ(count_parameters(*discriminator), expected_d);
}

// A decaying chirp: energy in many bins and frames.
torch::Tensor chirp_clip(int64_t n_samples, int sample_rate_hz) {
  auto clip = torch::empty({1, n_samples});
  auto a = clip.accessor<float, 2>();
  for (int64_t i = 0; i < n_samples; ++i) {
    const double t = double(i) / sample_rate_hz;
    a[0][i] = float(0.5 * std::exp(-2.0 * t) * std::sin(2 * M_PI * (200 + 1500 * t) * t));
  }
  return clip;
}

TEST(SpecImages, NormalisationIsUndoneWithinThreeSigma) {
  data::SpecImageOptions options;
  auto clips = torch::cat({chirp_clip(16384, 16000), 0.5 * chirp_clip(16384, 16000)});
  auto log_images = data::log_magnitude_images(clips, options);
  ASSERT_EQ(log_images.sizes(), (std::vector<int64_t>{2, 1, 128, 128}));
  auto normaliser = data::SpecNormaliser::fit(log_images);
  auto normalised = normaliser.normalise(log_images);
  EXPECT_LE(normalised.abs().max().item<float>(), 1.0f);
  // Values inside the clipping range come back to float precision (relative 1e-5 of values
  // of order 10 in log magnitude).
  auto inside = normalised.abs() < 0.999;
  auto restored = normaliser.denormalise(normalised);
  auto error = (restored - log_images).abs().masked_select(inside);
  EXPECT_LT(error.max().item<float>(), 1e-4f);
}

TEST(SpecImages, GriffinLimConvergenceFallsWithIterations) {
  data::SpecImageOptions options;
  auto log_image = data::log_magnitude_images(chirp_clip(16384, 16000), options)[0][0];
  auto result = data::image_to_waveform(log_image, options, 32, 7);
  ASSERT_EQ(result.samples.size(), size_t(16384));
  ASSERT_EQ(result.spectral_convergence.size(), 32u);
  // Fast Griffin-Lim need not fall at every step (momentum), but the trend must: the last
  // value is well below the first, and later thirds are below earlier ones on average.
  const auto& sc = result.spectral_convergence;
  EXPECT_LT(sc.back(), 0.5f * sc.front());
  auto mean = [&](size_t begin, size_t end) {
    double sum = 0;
    for (size_t i = begin; i < end; ++i)
      sum += sc[i];
    return sum / double(end - begin);
  };
  EXPECT_LT(mean(22, 32), mean(11, 22));
  EXPECT_LT(mean(11, 22), mean(0, 11));
}

}  // namespace
}  // namespace rawgan::models
