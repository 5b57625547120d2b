#include "rawgan/models/began.h"

#include <gtest/gtest.h>

#include <cmath>

#include "rawgan/train/gan_losses.h"

namespace rawgan {
namespace {

TEST(BeganAutoencoder, ReconstructsClipsOfTheirLength) {
  torch::manual_seed(0);
  models::BeganAutoencoderOptions options;
  options.wavegan.model_size = 2;
  options.code_dim = 16;
  models::BeganAutoencoder autoencoder(options);
  auto x = torch::rand({3, 1, 16384}) * 2 - 1;
  EXPECT_EQ(autoencoder(x).sizes(), x.sizes());
  EXPECT_EQ(autoencoder->encode(x).sizes(), (std::vector<int64_t>{3, 16}));
}

TEST(BeganBalance, KStaysInTheUnitInterval) {
  // A large gain drives k_t to both bounds within a few updates.
  train::BeganBalance balance({/*gamma=*/0.5, /*lambda_k=*/0.5});
  bool reached_one = false, reached_zero = false;
  for (int i = 0; i < 20; ++i) {
    balance.update(/*real_energy=*/4.0, /*fake_energy=*/0.1);  // gamma L(x) > L(G(z)): k rises
    EXPECT_GE(balance.k(), 0.0);
    EXPECT_LE(balance.k(), 1.0);
    reached_one |= balance.k() == 1.0;
  }
  for (int i = 0; i < 20; ++i) {
    balance.update(0.1, 4.0);  // the generator's energy dominates: k falls
    EXPECT_GE(balance.k(), 0.0);
    EXPECT_LE(balance.k(), 1.0);
    reached_zero |= balance.k() == 0.0;
  }
  EXPECT_TRUE(reached_one);
  EXPECT_TRUE(reached_zero);
  balance.update(NAN, 1.0);
  EXPECT_EQ(balance.k(), 0.0);
}

TEST(BeganBalance, MGlobalFollowsItsDefinition) {
  train::BeganBalance balance({0.7, 0.001});
  const double real = 0.3, fake = 0.5;
  const double m = balance.update(real, fake);
  // BEGAN eq. 6: L(x) + |gamma L(x) - L(G(z))|
  EXPECT_NEAR(m, real + std::abs(0.7 * real - fake), 1e-12);
  EXPECT_EQ(balance.m_global(), m);
}

TEST(BeganBalance, DiscriminatorLossWeighsFakeEnergyByK) {
  train::BeganBalance balance({0.5, 1.0}, 0.25);
  auto losses = balance.losses(torch::tensor(2.0), torch::tensor(4.0));
  EXPECT_DOUBLE_EQ(losses.discriminator.item<double>(), 2.0 - 0.25 * 4.0);
  EXPECT_DOUBLE_EQ(losses.generator.item<double>(), 4.0);
}

}  // namespace
}  // namespace rawgan
