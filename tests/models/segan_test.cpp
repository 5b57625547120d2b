#include "rawgan/models/segan.h"

#include <gtest/gtest.h>

#include "rawgan/util/error.h"
#include "rawgan/util/preset.h"
#include "support/test_support.h"

namespace rawgan::models {
namespace {

SeganOptions preset_options(const std::string& name) {
  return SeganOptions::from_json(load_preset(name).at("model"));
}

// Checks G and D map a batch of the options' windows to the documented shapes and ranges.
void expect_shapes(const SeganOptions& options, int64_t batch) {
  torch::manual_seed(0);
  SeganGenerator generator(options);
  SeganDiscriminator discriminator(options);
  torch::NoGradGuard no_grad;
  auto noisy = 0.5 * torch::randn({batch, 1, options.window_samples}).clamp(-1, 1);
  auto enhanced = generator(noisy);
  ASSERT_EQ(enhanced.sizes(), noisy.sizes());
  EXPECT_LE(enhanced.abs().max().item<float>(), 1.0f);
  discriminator->set_reference(noisy, noisy);
  auto logits = discriminator(enhanced, noisy);
  EXPECT_EQ(logits.sizes(), (std::vector<int64_t>{batch, 1}));
  EXPECT_TRUE(torch::isfinite(logits).all().item<bool>());
}

TEST(Segan, SmallPresetShapes) {
  expect_shapes(preset_options("segan-small"), 2);
}

TEST(Segan, PaperDepthAndKernelShapes) {
  // The paper preset's full width costs seconds per forward on two cores; the same depth,
  // kernel and window with channels divided by 8 checks every shape rule it relies on.
  SeganOptions options = preset_options("segan");
  for (auto& channels : options.encoder_channels)
    channels = std::max<int64_t>(2, channels / 8);
  expect_shapes(options, 1);
}

TEST(Segan, PaperPresetParameterCount) {
  SeganOptions options = preset_options("segan");
  EXPECT_EQ(options.window_samples, 16384);
  EXPECT_EQ(options.bottleneck_samples(), 8);  // sec. 3.2: 16384 / 2^11
  SeganGenerator generator(options);
  // Count derived from the architecture: each encoder layer has k * in * out weights + out
  // biases + out PReLU slopes; each decoder layer the same with its doubled inputs.
  int64_t expected = 0;
  int64_t in = 1;
  for (int64_t out : options.encoder_channels) {
    expected += 31 * in * out + 2 * out;
    in = out;
  }
  in = 2 * options.encoder_channels.back();
  for (int64_t i = options.depth() - 1; i >= 0; --i) {
    int64_t out = i > 0 ? options.encoder_channels[i - 1] : 1;
    expected += 31 * in * out + out + (i > 0 ? out : 0);
    in = 2 * out;
  }
  EXPECT_EQ(count_parameters(*generator), expected);
  // The two layers beside the bottleneck alone hold 31 * (512 * 1024 + 2048 * 512) = 48.8 M
  // weights, so a correct count of the whole generator is well above that.
  EXPECT_GT(expected, 48'000'000);
}

TEST(Segan, LatentIsDrawnWhenAbsentAndUsedWhenGiven) {
  SeganOptions options = preset_options("segan-small");
  SeganGenerator generator(options);
  torch::NoGradGuard no_grad;
  auto noisy = 0.1 * torch::randn({1, 1, options.window_samples});
  auto z = torch::randn({1, options.bottleneck_channels(), options.bottleneck_samples()});
  EXPECT_TRUE(torch::equal(generator(noisy, z), generator(noisy, z)));
  EXPECT_FALSE(torch::equal(generator(noisy), generator(noisy)));

  options.latent = false;
  SeganGenerator deterministic(options);
  EXPECT_TRUE(torch::equal(deterministic(noisy), deterministic(noisy)));
}

TEST(Segan, VirtualBatchNormMakesExamplesIndependentOfTheirBatch) {
  SeganOptions options = preset_options("segan-small");
  SeganDiscriminator discriminator(options);
  torch::NoGradGuard no_grad;
  auto reference = torch::randn({4, 1, options.window_samples});
  discriminator->set_reference(reference, reference);
  auto a = torch::randn({3, 1, options.window_samples});
  auto alone = discriminator(a.slice(0, 0, 1), a.slice(0, 0, 1));
  auto in_batch = discriminator(a, a).slice(0, 0, 1);
  // Same arithmetic in a different batch layout: equal up to float rounding.
  EXPECT_TRUE(torch::allclose(alone, in_batch, 1e-4, 1e-5));
}

// The reference count is kept on the host between forwards (a GPU read would wait for the
// device), yet a checkpoint copied into the buffers must still be followed.
TEST(Segan, VirtualBatchNormFollowsLoadedReferenceStatistics) {
  torch::NoGradGuard no_grad;
  torch::manual_seed(1);
  VirtualBatchNorm1d saved(3), loaded(3);
  saved->set_reference(torch::randn({4, 3, 32}));
  loaded->set_reference(2 + 3 * torch::randn({9, 3, 32}));
  auto x = torch::randn({2, 3, 32});
  loaded(x);  // caches the count 9
  auto source = saved->named_buffers();
  for (auto& buffer : loaded->named_buffers())
    buffer.value().copy_(source[buffer.key()]);
  EXPECT_TRUE(torch::equal(loaded(x), saved(x)));
}

// Under fp16 autocast the convolutions hand float16 activations to the norm; their squares
// overflow float16 above 256, so statistics are taken in float32.
TEST(Segan, VirtualBatchNormOfHalfPrecisionInputIsFloat32AndFinite) {
  torch::NoGradGuard no_grad;
  torch::manual_seed(2);
  VirtualBatchNorm1d norm(3);
  auto reference = 1000 * torch::randn({4, 3, 32});
  auto x = 1000 * torch::randn({2, 3, 32});
  norm->set_reference(reference.to(torch::kHalf));
  auto half = norm(x.to(torch::kHalf));
  EXPECT_EQ(half.scalar_type(), torch::kFloat);
  ASSERT_TRUE(torch::isfinite(half).all().item<bool>());
  norm->set_reference(reference);
  // float16 keeps 11 significant bits: inputs rounded by up to 2^-11 (5e-4) relative move
  // normalised values by about as much; 1e-2 absolute on unit-scale outputs is ample.
  EXPECT_TRUE(torch::allclose(half, norm(x), 0.0, 1e-2));
}

TEST(Segan, OptionsRoundTripAndRejectUnknownOrInvalid) {
  SeganOptions options;
  options.encoder_channels = {4, 8};
  options.window_samples = 64;
  options.discriminator_norm = "batch";
  auto back = SeganOptions::from_json(options.to_json());
  EXPECT_EQ(back.to_json(), options.to_json());

  try {
    SeganOptions::from_json({{"window_samples", 64}, {"encoder_channel", {4}}});
    FAIL() << "an unknown key was accepted";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("encoder_channel"), std::string::npos);
  }
  EXPECT_THROW(SeganOptions::from_json({{"window_samples", 100}}), UsageError);
  EXPECT_THROW(SeganOptions::from_json({{"discriminator_norm", "layer"}}), UsageError);
  EXPECT_THROW(SeganOptions::from_json({{"kernel_size", "wide"}}), UsageError);
}

}  // namespace
}  // namespace rawgan::models
