#include "rawgan/train/loss_scaler.h"

#include <gtest/gtest.h>

#include <limits>

#include "rawgan/util/error.h"

namespace rawgan::train {
namespace {

// A parameter whose gradient is set by hand, as backward of a scaled loss would leave it.
torch::Tensor parameter_with_grad(const torch::Tensor& grad) {
  auto parameter = torch::zeros_like(grad).requires_grad_();
  parameter.mutable_grad() = grad.clone();
  return parameter;
}

LossScalerOptions quick_growth() {
  LossScalerOptions options;
  options.initial_scale = 1024;
  options.growth_interval = 3;
  return options;
}

TEST(LossScaler, ScalesTheLossAndUnscalesFiniteGradients) {
  LossScaler scaler(quick_growth());
  EXPECT_EQ(scaler.scale(torch::tensor(0.5f)).item<float>(), 512.0f);
  auto a = parameter_with_grad(torch::full({3}, 2048.0f));
  auto b = parameter_with_grad(torch::full({2, 2}, -512.0f));
  auto no_grad = torch::zeros({2}).requires_grad_();
  EXPECT_TRUE(scaler.unscale({a, b, no_grad}));
  // Powers of two divide exactly in float32.
  EXPECT_TRUE(torch::equal(a.grad(), torch::full({3}, 2.0f)));
  EXPECT_TRUE(torch::equal(b.grad(), torch::full({2, 2}, -0.5f)));
}

TEST(LossScaler, OverflowSkipsAndHalvesGoodStepsDouble) {
  LossScaler scaler(quick_growth());
  auto fine = parameter_with_grad(torch::ones({4}));
  auto grad = torch::ones({4});
  grad[2] = std::numeric_limits<float>::infinity();
  auto overflowed = parameter_with_grad(grad);
  EXPECT_FALSE(scaler.unscale({fine, overflowed}));
  scaler.update(false);
  EXPECT_EQ(scaler.current_scale(), 512.0);
  EXPECT_EQ(scaler.skipped_steps(), 1);

  auto nan_grad = torch::ones({2});
  nan_grad[0] = std::numeric_limits<float>::quiet_NaN();
  EXPECT_FALSE(scaler.unscale({parameter_with_grad(nan_grad)}));

  // Two good steps, an overflow (the run of good steps restarts), then three good steps.
  scaler.update(true);
  scaler.update(true);
  scaler.update(false);
  EXPECT_EQ(scaler.current_scale(), 256.0);
  scaler.update(true);
  scaler.update(true);
  EXPECT_EQ(scaler.current_scale(), 256.0);
  scaler.update(true);
  EXPECT_EQ(scaler.current_scale(), 512.0);
  EXPECT_EQ(scaler.good_steps(), 0);
  EXPECT_EQ(scaler.skipped_steps(), 2);
}

TEST(LossScaler, ScaleNeverFallsBelowOne) {
  LossScalerOptions options;
  options.initial_scale = 4;
  LossScaler scaler(options);
  for (int i = 0; i < 5; ++i)
    scaler.update(false);
  EXPECT_EQ(scaler.current_scale(), 1.0);
}

TEST(LossScaler, StateRoundTrip) {
  LossScaler scaler(quick_growth());
  scaler.update(false);
  scaler.update(true);
  LossScaler restored(quick_growth());
  restored.load_state(scaler.state());
  EXPECT_EQ(restored.current_scale(), scaler.current_scale());
  EXPECT_EQ(restored.good_steps(), 1);
  EXPECT_EQ(restored.skipped_steps(), 1);
  EXPECT_THROW(restored.load_state(torch::zeros({2})), InputError);
}

}  // namespace
}  // namespace rawgan::train
