#include "rawgan/models/conv.h"

#include <gtest/gtest.h>

#include <tuple>

namespace rawgan::models {
namespace {

struct Shape {
  int64_t in_channels, out_channels, length, kernel, stride, padding;
  bool bias;
};

// Values and the gradients of input, weight and bias, for a fixed upstream gradient.
std::tuple<torch::Tensor, torch::Tensor, torch::Tensor, torch::Tensor> run(const Shape& shape,
                                                                           bool reference) {
  torch::manual_seed(5);
  auto x = torch::randn({3, shape.in_channels, shape.length}, torch::requires_grad());
  auto weight =
      torch::randn({shape.out_channels, shape.in_channels, shape.kernel}, torch::requires_grad());
  auto bias =
      shape.bias ? torch::randn({shape.out_channels}, torch::requires_grad()) : torch::Tensor();
  auto y = reference ? torch::conv1d(x, weight, bias, at::IntArrayRef{shape.stride},
                                     at::IntArrayRef{shape.padding})
                     : conv1d(x, weight, bias, shape.stride, shape.padding);
  y.backward(torch::randn_like(y));
  return {y.detach(), x.grad(), weight.grad(), shape.bias ? bias.grad() : torch::Tensor()};
}

// Sums of up to a few hundred products of unit-variance values, grouped differently by the
// two paths: float32 rounding stays far below 1e-4 relative to their size.
void expect_close(const torch::Tensor& actual, const torch::Tensor& expected) {
  ASSERT_EQ(actual.sizes(), expected.sizes());
  EXPECT_LT((actual - expected).abs().max().item<double>(),
            1e-4 * (1 + expected.abs().max().item<double>()));
}

TEST(Conv1d, ValuesAndGradientsAreTorchConv1ds) {
  // Strided layers as SEGAN's encoder and discriminator use them (stride 2, "same" padding,
  // even and odd lengths), and stride 1 without padding as the polyphase decoder does; the
  // input gradient's two paths: oneDNN's (also for deep layers of few outputs, with and
  // without a leftover input sample), the flipped weight (stride 1, few output channels).
  for (const Shape& shape : {Shape{2, 4, 64, 31, 2, 15, true}, Shape{3, 5, 37, 7, 2, 3, true},
                             Shape{4, 6, 20, 16, 1, 0, true}, Shape{4, 2, 33, 5, 3, 1, false},
                             Shape{8, 12, 16, 31, 2, 15, true}, Shape{5, 7, 16, 7, 2, 3, true},
                             Shape{4, 2, 40, 16, 1, 0, true}, Shape{3, 4, 30, 5, 1, 2, false},
                             Shape{3, 20, 40, 5, 1, 2, true}}) {
    SCOPED_TRACE(shape.length);
    auto [y, grad_x, grad_weight, grad_bias] = run(shape, false);
    auto [y_ref, grad_x_ref, grad_weight_ref, grad_bias_ref] = run(shape, true);
    expect_close(y, y_ref);
    expect_close(grad_x, grad_x_ref);
    expect_close(grad_weight, grad_weight_ref);
    if (shape.bias) expect_close(grad_bias, grad_bias_ref);
  }
}

TEST(Conv1d, FrozenWeightsGetNoGradient) {
  auto x = torch::randn({2, 3, 40}, torch::requires_grad());
  auto weight = torch::randn({4, 3, 9});
  auto bias = torch::randn({4});
  conv1d(x, weight, bias, 2, 4).sum().backward();
  EXPECT_TRUE(x.grad().defined());
  EXPECT_FALSE(weight.grad().defined());
  EXPECT_FALSE(bias.grad().defined());
}

}  // namespace
}  // namespace rawgan::models
