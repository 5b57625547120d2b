// Mixed precision (models/precision.h) in SEGAN training and inference.
#include <gtest/gtest.h>

#include <chrono>

#include "rawgan/models/precision.h"
#include "rawgan/train/segan_trainer.h"
#include "rawgan/util/error.h"
#include "rawgan/util/log.h"
#include "tiny_segan.h"

namespace rawgan::train {
namespace {

using models::Precision;

constexpr int kRate = kTinyRateHz;

SeganTrainOptions tiny_training(const std::string& precision) {
  SeganTrainOptions options;
  options.batch_size = 4;
  options.optimizer = "adam";
  options.learning_rate = 1e-3;
  options.seed = 11;
  options.precision = precision;
  return options;
}

// Tones in white noise, [n, 1, samples].
std::pair<torch::Tensor, torch::Tensor> tone_batch(int64_t n, int64_t samples) {
  auto time = torch::arange(samples).to(torch::kFloat) / kRate;
  auto frequencies = 300 + 200 * torch::arange(n).to(torch::kFloat).view({n, 1, 1});
  auto clean = 0.4 * torch::sin(2 * M_PI * frequencies * time.view({1, 1, samples}));
  torch::manual_seed(3);
  return {clean + 0.1 * torch::randn_like(clean), clean};
}

double relative_l2(const torch::Tensor& estimate, const torch::Tensor& reference) {
  return ((estimate - reference).norm() / reference.norm()).item<double>();
}

TEST(Precision, NamesAndDevices) {
  EXPECT_EQ(models::parse_precision("bf16"), Precision::kBFloat16);
  EXPECT_EQ(models::precision_name(models::parse_precision("fp16")), "fp16");
  EXPECT_THROW(models::parse_precision("fp8", "--precision"), UsageError);
  EXPECT_THROW(models::check_precision(Precision::kFloat16, torch::kCPU), UsageError);
  EXPECT_NO_THROW(models::check_precision(Precision::kBFloat16, torch::kCPU));
  EXPECT_THROW(SeganTrainer(tiny_model(), tiny_training("fp16"), torch::kCPU), UsageError);
  EXPECT_THROW(SeganTrainOptions::from_json({{"precision", "half"}}), UsageError);
  const auto options = tiny_training("bf16");
  EXPECT_EQ(SeganTrainOptions::from_json(options.to_json()).precision, "bf16");
}

TEST(Precision, AutocastGuardAppliesInsideAndRestoresAfter) {
  auto input = torch::randn({1, 2, 32});
  auto weight = torch::randn({3, 2, 5});
  {
    models::AutocastGuard outer(torch::kCPU, Precision::kBFloat16);
    EXPECT_EQ(torch::conv1d(input, weight).scalar_type(), torch::kBFloat16);
    {
      models::AutocastGuard inner(torch::kCPU, Precision::kFloat32);
      EXPECT_EQ(torch::conv1d(input, weight).scalar_type(), torch::kBFloat16);
    }
    EXPECT_EQ(torch::conv1d(input, weight).scalar_type(), torch::kBFloat16);
  }
  EXPECT_EQ(torch::conv1d(input, weight).scalar_type(), torch::kFloat);
}

// Same weights, input and z. bfloat16 keeps 8 significant bits of every convolution's inputs
// and weights (relative rounding error up to 2^-9, 0.2 %) and accumulates in float32, so the
// roundings partly cancel: the relative L2 error measured here is about 1.3e-3. 1e-2 leaves
// room for other CPUs' kernels, while a wrong result (a layer skipped, a scale lost) is off by
// order 1.
TEST(Precision, Bf16GeneratorForwardIsCloseToFp32) {
  torch::manual_seed(0);
  auto options = tiny_model();
  options.encoder_channels = {8, 16, 32};
  options.window_samples = 1024;
  models::SeganGenerator generator(options);
  generator->eval();
  auto [noisy, clean] = tone_batch(4, options.window_samples);
  auto z = torch::randn({4, options.bottleneck_channels(), options.bottleneck_samples()});
  torch::NoGradGuard no_grad;
  auto full = generator->forward(noisy, z);
  torch::Tensor mixed;
  {
    models::AutocastGuard autocast(torch::kCPU, Precision::kBFloat16);
    mixed = generator->forward(noisy, z);
  }
  const double error = relative_l2(mixed.to(torch::kFloat), full);
  log::info("bf16 vs fp32 generator output: relative L2 error ", error);
  EXPECT_GT(error, 0.0);  // autocast really ran in bfloat16
  EXPECT_LT(error, 1e-2);
}

TEST(Precision, Bf16TrainingStepIsFiniteAndUpdatesFloat32Weights) {
  torch::manual_seed(0);
  SeganTrainer trainer(tiny_model(), tiny_training("bf16"), torch::kCPU);
  auto [noisy, clean] = tone_batch(4, 256);
  trainer.set_reference_batch(clean, noisy);
  auto generator_before = trainer.generator()->parameters()[0].clone();
  auto discriminator_before = trainer.discriminator()->parameters()[0].clone();
  SeganStepLosses losses = trainer.train_step(noisy, clean);
  for (double loss : {losses.discriminator_real, losses.discriminator_fake,
                      losses.generator_adversarial, losses.generator_l1})
    EXPECT_TRUE(std::isfinite(loss)) << loss;
  EXPECT_FALSE(torch::equal(generator_before, trainer.generator()->parameters()[0]));
  EXPECT_FALSE(torch::equal(discriminator_before, trainer.discriminator()->parameters()[0]));
  // The weights stay float32 (autocast casts copies); enhancement gives float32 windows.
  EXPECT_EQ(trainer.generator()->parameters()[0].scalar_type(), torch::kFloat);
  EXPECT_EQ(trainer.enhance(noisy).scalar_type(), torch::kFloat);
  EXPECT_EQ(trainer.skipped_updates(), 0);
}

// Run by hand (--gtest_also_run_disabled_tests); logs the steps per second of fp32 and bf16 on this
// CPU (bfloat16 is only fast with native bf16 instructions, e.g. AVX512-BF16 or AMX).
TEST(Precision, DISABLED_LogsTrainingSpeedOfFp32AndBf16) {
  auto options = tiny_model();
  options.encoder_channels = {8, 16, 32, 32};
  options.window_samples = 4096;
  auto [noisy, clean] = tone_batch(4, options.window_samples);
  for (const std::string precision : {"fp32", "bf16"}) {
    torch::manual_seed(0);
    SeganTrainer trainer(options, tiny_training(precision), torch::kCPU);
    trainer.set_reference_batch(clean, noisy);
    trainer.train_step(noisy, clean);  // warm-up
    const auto start = std::chrono::steady_clock::now();
    const int n_steps = 5;
    for (int i = 0; i < n_steps; ++i)
      trainer.train_step(noisy, clean);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    log::info(precision, ": ", n_steps / seconds, " training steps/s (batch 4 x ",
              options.window_samples, " samples)");
    EXPECT_EQ(trainer.step(), n_steps + 1);
  }
}

}  // namespace
}  // namespace rawgan::train
