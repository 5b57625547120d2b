#include "rawgan/train/gen_step.h"

#include <gtest/gtest.h>

#include <limits>

#include "rawgan/util/error.h"

namespace rawgan::train {
namespace {

// A WaveGAN with 2 channels at the narrowest layer and an 8-dimensional latent: a step takes
// milliseconds.
GenModels tiny_wavegan() {
  torch::manual_seed(0);
  return make_gen_models({{"kind", "wavegan"}, {"model_size", 2}, {"latent_dim", 8}});
}

torch::Tensor flat_parameters(torch::nn::Module& module) {
  std::vector<torch::Tensor> flat;
  for (const auto& p : module.parameters())
    flat.push_back(p.detach().flatten().clone());
  return torch::cat(flat);
}

TEST(GenStepOptions, CriticStepsFollowTheLossUnlessGiven) {
  EXPECT_EQ(GenStepOptions::from_json(nlohmann::json::object()).n_critic, 5);
  EXPECT_EQ(GenStepOptions::from_json({{"loss", "lsgan"}}).n_critic, 1);
  EXPECT_EQ(GenStepOptions::from_json({{"loss", "hinge"}, {"n_critic", 3}}).n_critic, 3);
  EXPECT_THROW(GenStepOptions::from_json({{"n_critic", 0}}), UsageError);
  EXPECT_THROW(GenStepOptions::from_json({{"learning_rate", 0}}), UsageError);
  EXPECT_THROW(GenStepOptions::from_json({{"loss", "none"}}), UsageError);
}

TEST(GenStep, DrawsNCriticRealBatchesAndUpdatesBothNetworks) {
  GenModels models = tiny_wavegan();
  GenStepOptions options = GenStepOptions::from_json({{"n_critic", 3}});
  GenStep stepper(models, options, torch::kCPU);
  ASSERT_TRUE(models.discriminator);
  const auto generator_before = flat_parameters(*models.generator);
  const auto discriminator_before = flat_parameters(*models.discriminator);

  int n_real = 0;
  int n_latent = 0;
  auto real_batch = [&] {
    ++n_real;
    return 0.3 * torch::randn({2, 1, models.n_samples});
  };
  auto latent_batch = [&] {
    ++n_latent;
    return torch::rand({2, models.latent_dim}) * 2 - 1;
  };
  stepper.train_step(real_batch, latent_batch, 1);

  EXPECT_EQ(n_real, 3);
  EXPECT_EQ(n_latent, 4);  // one per discriminator update and one for the generator's
  const auto rows = stepper.take_losses();
  ASSERT_EQ(rows.size(), 1u);
  const GenStepLosses& losses = rows[0];
  EXPECT_EQ(losses.step, 1);
  EXPECT_TRUE(std::isfinite(losses.discriminator));
  EXPECT_TRUE(std::isfinite(losses.generator));
  EXPECT_GT(losses.gradient_penalty, 0.0);  // a squared deviation, zero only at unit norm
  EXPECT_FALSE(torch::equal(generator_before, flat_parameters(*models.generator)));
  EXPECT_FALSE(torch::equal(discriminator_before, flat_parameters(*models.discriminator)));
}

TEST(GenStep, TakesOneRowPerStepAndThenNone) {
  GenModels models = tiny_wavegan();
  GenStep stepper(models, GenStepOptions::from_json({{"loss", "lsgan"}}), torch::kCPU);
  auto real_batch = [&] { return 0.3 * torch::randn({2, 1, models.n_samples}); };
  auto latent_batch = [&] { return torch::rand({2, models.latent_dim}) * 2 - 1; };
  for (int64_t step = 10; step < 13; ++step)
    stepper.train_step(real_batch, latent_batch, step);
  const auto rows = stepper.take_losses();
  ASSERT_EQ(rows.size(), 3u);
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].step, 10 + static_cast<int64_t>(i));
    // LSGAN's losses are means of squares: positive, and no penalty.
    EXPECT_GT(rows[i].discriminator, 0.0);
    EXPECT_GT(rows[i].generator, 0.0);
    EXPECT_EQ(rows[i].gradient_penalty, 0.0);
  }
  EXPECT_TRUE(stepper.take_losses().empty());
}

// A NaN in the real data makes the discriminator's loss NaN.
torch::Tensor nan_batch(const GenModels& models) {
  auto real = 0.3 * torch::randn({2, 1, models.n_samples});
  real[0][0][3] = std::numeric_limits<float>::quiet_NaN();
  return real;
}

TEST(GenStep, ChecksEachLossBeforeItsUpdateOnTheCpu) {
  GenModels models = tiny_wavegan();
  GenStep stepper(models, GenStepOptions::from_json({{"loss", "lsgan"}}), torch::kCPU);
  const auto before = flat_parameters(*models.discriminator);
  auto latent_batch = [&] { return torch::rand({2, models.latent_dim}) * 2 - 1; };
  EXPECT_THROW(stepper.train_step([&] { return nan_batch(models); }, latent_batch, 1),
               RuntimeError);
  EXPECT_TRUE(torch::equal(before, flat_parameters(*models.discriminator)));
}

// The path of devices other than the CPU, run on the CPU: the NaN is found when the losses are
// read, naming its step.
TEST(GenStep, DeferredChecksNameTheStepThatDiverged) {
  GenModels models = tiny_wavegan();
  GenStep stepper(models, GenStepOptions::from_json({{"loss", "lsgan"}}), torch::kCPU);
  stepper.set_deferred_checks(true);
  auto good_batch = [&] { return 0.3 * torch::randn({2, 1, models.n_samples}); };
  auto latent_batch = [&] { return torch::rand({2, models.latent_dim}) * 2 - 1; };
  stepper.train_step(good_batch, latent_batch, 1);
  stepper.train_step([&] { return nan_batch(models); }, latent_batch, 2);
  try {
    stepper.take_losses();
    FAIL() << "a NaN loss was taken";
  } catch (const RuntimeError& e) {
    EXPECT_NE(std::string(e.what()).find("discriminator loss is nan at step 2"), std::string::npos)
        << e.what();
  }
}

TEST(GenStep, BeganRowsCarryKOfTheirStep) {
  GenModels models = tiny_wavegan();
  GenStep stepper(models, GenStepOptions::from_json({{"loss", "began"}}), torch::kCPU);
  auto real_batch = [&] { return 0.3 * torch::randn({2, 1, models.n_samples}); };
  auto latent_batch = [&] { return torch::rand({2, models.latent_dim}) * 2 - 1; };
  std::vector<double> k_after;
  for (int64_t step = 1; step <= 3; ++step) {
    stepper.train_step(real_batch, latent_batch, step);
    k_after.push_back(stepper.balance()->k());
  }
  const auto rows = stepper.take_losses();
  ASSERT_EQ(rows.size(), 3u);
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_DOUBLE_EQ(rows[i].began_k, k_after[i]);
    EXPECT_GT(rows[i].real_energy, 0.0);
    EXPECT_GT(rows[i].began_m_global, 0.0);
  }
}

TEST(GenStep, BeganKeepsItsRestoredK) {
  GenModels models = tiny_wavegan();
  GenStep stepper(models, GenStepOptions::from_json({{"loss", "began"}}), torch::kCPU);
  ASSERT_NE(stepper.balance(), nullptr);
  stepper.set_began_k(0.25);
  EXPECT_DOUBLE_EQ(stepper.balance()->k(), 0.25);
}

}  // namespace
}  // namespace rawgan::train
