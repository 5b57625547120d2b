#include "rawgan/train/gan_losses.h"

#include <gtest/gtest.h>

#include "rawgan/models/wavegan.h"
#include "rawgan/util/error.h"

namespace rawgan::train {
namespace {

bool all_finite(torch::nn::Module& module) {
  for (const auto& p : module.parameters()) {
    if (p.grad().defined() && !torch::isfinite(p.grad()).all().item<bool>()) return false;
  }
  return true;
}

TEST(GradientPenalty, IsFiniteOnAnAllZeroBatch) {
  torch::manual_seed(0);
  models::WaveGanOptions options;
  options.model_size = 2;
  models::WaveGanDiscriminator critic(options);
  auto zeros = torch::zeros({4, 1, 16384});
  auto score = [&](const torch::Tensor& x) { return critic(x); };
  auto penalty = gradient_penalty(score, zeros, zeros);
  ASSERT_TRUE(std::isfinite(penalty.item<double>()));
  penalty.backward();
  EXPECT_TRUE(all_finite(*critic));
}

TEST(GradientPenalty, IsFiniteWhereTheCriticsGradientIsZero) {
  // A linear critic with zero weights: its gradient with respect to the input is exactly
  // zero, where a plain sqrt has an infinite derivative (0/0 = NaN in the weights' gradient).
  auto weight = torch::zeros({1, 1, 64}, torch::requires_grad());
  auto linear = [&](const torch::Tensor& x) { return (x * weight).sum({1, 2}).unsqueeze(1); };
  auto zeros = torch::zeros({3, 1, 64});
  auto penalty = gradient_penalty(linear, zeros, zeros, 10.0);
  // (||0|| - 1)^2 = 1, times the weight 10; the 1e-12 inside the root moves it by ~2e-5.
  EXPECT_NEAR(penalty.item<double>(), 10.0, 1e-4);
  penalty.backward();
  ASSERT_TRUE(weight.grad().defined());
  EXPECT_TRUE(torch::isfinite(weight.grad()).all().item<bool>());
}

TEST(GanLosses, ReachTheirMinimaWhereTheTheoryPutsThem) {
  auto ones = torch::ones({4, 1});
  // Least squares: D(x) = 1 on real and 0 on fake is optimal for D; D(G(z)) = 1 for G.
  EXPECT_DOUBLE_EQ(discriminator_loss(GanLoss::kLeastSquares, ones, 0 * ones).item<double>(), 0);
  EXPECT_DOUBLE_EQ(generator_loss(GanLoss::kLeastSquares, ones).item<double>(), 0);
  // Hinge: no loss once real scores >= 1 and fake scores <= -1.
  EXPECT_DOUBLE_EQ(discriminator_loss(GanLoss::kHinge, 2 * ones, -2 * ones).item<double>(), 0);
  // Non-saturating: the loss falls as D separates real from fake more confidently.
  const double weak = discriminator_loss(GanLoss::kNonSaturating, ones, -ones).item<double>();
  const double strong =
      discriminator_loss(GanLoss::kNonSaturating, 5 * ones, -5 * ones).item<double>();
  EXPECT_LT(strong, weak);
  EXPECT_LT(generator_loss(GanLoss::kNonSaturating, 5 * ones).item<double>(),
            generator_loss(GanLoss::kNonSaturating, ones).item<double>());
  // WGAN: the critic's loss is the negative score gap.
  EXPECT_DOUBLE_EQ(discriminator_loss(GanLoss::kWganGp, 3 * ones, ones).item<double>(), -2);
}

TEST(GanLosses, NamesRoundTripAndUnknownNamesAreRefused) {
  for (const auto& name : gan_loss_names())
    EXPECT_EQ(gan_loss_name(parse_gan_loss(name)), name);
  EXPECT_EQ(parse_gan_loss("least-squares"), GanLoss::kLeastSquares);
  try {
    parse_gan_loss("wgan");
    FAIL() << "expected UsageError";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("wgan-gp"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace rawgan::train
