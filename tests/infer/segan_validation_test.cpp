// Validation during training must score what rawgan enhance writes for the same weights, or
// best.pt is chosen by figures users never get. The validator lives below infer (in train), so
// the comparison with the Enhancer is made here.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <vector>

#include "rawgan/dsp/emphasis.h"
#include "rawgan/infer/enhancer.h"
#include "rawgan/infer/segan_model.h"
#include "rawgan/metrics/metrics.h"
#include "rawgan/train/segan_validator.h"

namespace rawgan::infer {
namespace {

constexpr int kRate = 8000;

// A small SEGAN over 256-sample windows without z, so that both paths are deterministic.
models::SeganOptions small_model() {
  models::SeganOptions options;
  options.sample_rate_hz = kRate;
  options.window_samples = 256;
  options.kernel_size = 15;
  options.encoder_channels = {4, 8, 8};
  options.latent = false;
  return options;
}

TEST(SeganValidation, ScoresTheOutputOfEnhanceForTheSameWeights) {
  torch::manual_seed(7);
  // 1.3 s of a tone in noise: many windows, the last one partial.
  const int64_t n = kRate * 13 / 10;
  auto time = torch::arange(n).to(torch::kFloat) / kRate;
  auto clean = (0.3 * torch::sin(2 * M_PI * 300.0 * time)).contiguous();
  auto noisy = (clean + 0.05 * torch::randn_like(clean)).contiguous();
  const std::vector<float> clean_samples(clean.data_ptr<float>(), clean.data_ptr<float>() + n);
  const std::vector<float> noisy_samples(noisy.data_ptr<float>(), noisy.data_ptr<float>() + n);

  const models::SeganOptions options = small_model();
  train::SeganTrainOptions train_options;
  train_options.batch_size = 3;
  train::SeganTrainer trainer(options, train_options, torch::kCPU);

  data::LoadedPair pair;  // pre-emphasised, as data::load_pair gives pairs
  pair.name = "tone";
  pair.clean = clean_samples;
  pair.noisy = noisy_samples;
  dsp::pre_emphasis(pair.clean, options.pre_emphasis);
  dsp::pre_emphasis(pair.noisy, options.pre_emphasis);
  train::SeganValidator validator({pair}, options, train_options);
  const train::SeganValidation validation = validator.run(trainer);

  Enhancer enhancer(segan_enhancement_model(trainer.generator(), options, torch::kCPU), {});
  audio::Audio input;
  input.samples = noisy_samples;
  input.sample_rate_hz = kRate;
  input.n_channels = 1;
  const audio::Audio enhanced = enhancer.enhance(input);
  const double snr_gain_db = metrics::snr_db(clean_samples, enhanced.samples) -
                             metrics::snr_db(clean_samples, noisy_samples);
  const double ssnr_gain_db = metrics::segmental_snr_db(clean_samples, enhanced.samples, kRate) -
                              metrics::segmental_snr_db(clean_samples, noisy_samples, kRate);
  ASSERT_TRUE(std::isfinite(snr_gain_db));
  EXPECT_NEAR(validation.snr_gain_db, snr_gain_db, 1e-3);
  EXPECT_NEAR(validation.ssnr_gain_db, ssnr_gain_db, 1e-3);
}

}  // namespace
}  // namespace rawgan::infer
