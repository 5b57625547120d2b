#include "rawgan/train/gen_step.h"

#include <gtest/gtest.h>

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
  const GenStepLosses& losses = stepper.train_step(real_batch, latent_batch, 1);

  EXPECT_EQ(n_real, 3);
  EXPECT_EQ(n_latent, 4);  // one per discriminator update and one for the generator's
  EXPECT_TRUE(std::isfinite(losses.discriminator));
  EXPECT_TRUE(std::isfinite(losses.generator));
  EXPECT_GT(losses.gradient_penalty, 0.0);  // a squared deviation, zero only at unit norm
  EXPECT_FALSE(torch::equal(generator_before, flat_parameters(*models.generator)));
  EXPECT_FALSE(torch::equal(discriminator_before, flat_parameters(*models.discriminator)));
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
