#include "rawgan/models/polyphase.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <tuple>

namespace rawgan::models {
namespace {

struct Shape {
  int64_t kernel, stride, padding, output_padding;
};

// Float32 sums of up to in_channels * kernel products in a different order than the reference:
// differences stay within a few ulps of the output's scale (about 1); 1e-4 leaves ample margin
// while catching any misplaced tap, which changes outputs by O(0.1).
constexpr double kTolerance = 1e-4;

class PolyphaseTest : public ::testing::TestWithParam<Shape> {};

TEST_P(PolyphaseTest, MatchesConvTranspose1dForwardAndBackward) {
  const Shape shape = GetParam();
  torch::manual_seed(3);
  auto options = torch::nn::ConvTranspose1dOptions(6, 5, shape.kernel)
                     .stride(shape.stride)
                     .padding(shape.padding)
                     .output_padding(shape.output_padding);
  torch::nn::ConvTranspose1d reference(options);
  PolyphaseConvTranspose1d polyphase(options, 0);  // 0: polyphase at every size
  {
    torch::NoGradGuard no_grad;
    polyphase->weight.copy_(reference->weight);
    polyphase->bias.copy_(reference->bias);
  }

  for (int64_t length : {1, 7, 32}) {
    torch::Tensor x = torch::randn({3, 6, length});
    torch::Tensor x_reference = x.clone().requires_grad_(true);
    torch::Tensor x_polyphase = x.clone().requires_grad_(true);
    torch::Tensor y_reference = reference->forward(x_reference);
    torch::Tensor y_polyphase = polyphase->forward(x_polyphase);
    ASSERT_EQ(y_polyphase.sizes(), y_reference.sizes()) << "length " << length;
    EXPECT_LT((y_polyphase - y_reference).abs().max().item<double>(), kTolerance);

    // The same upstream gradient through both gives the same gradients everywhere.
    torch::Tensor upstream = torch::randn_like(y_reference);
    reference->zero_grad();
    polyphase->zero_grad();
    (y_reference * upstream).sum().backward();
    (y_polyphase * upstream).sum().backward();
    EXPECT_LT((x_polyphase.grad() - x_reference.grad()).abs().max().item<double>(), kTolerance);
    EXPECT_LT((polyphase->weight.grad() - reference->weight.grad()).abs().max().item<double>(),
              kTolerance);
    EXPECT_LT((polyphase->bias.grad() - reference->bias.grad()).abs().max().item<double>(),
              kTolerance);
  }
}

INSTANTIATE_TEST_SUITE_P(Shapes, PolyphaseTest,
                         ::testing::Values(Shape{31, 2, 15, 1},  // SEGAN's decoder layers
                                           Shape{25, 4, 11, 1},  // WaveGAN's
                                           Shape{4, 2, 1, 0}, Shape{3, 1, 1, 0}, Shape{5, 3, 0, 2},
                                           Shape{2, 3, 0, 0}, Shape{7, 2, 3, 0}));

TEST(Polyphase, SameInitialisationAndParameterNamesAsConvTranspose1d) {
  auto options = torch::nn::ConvTranspose1dOptions(4, 3, 31).stride(2).padding(15);
  torch::manual_seed(11);
  torch::nn::ConvTranspose1d reference(options);
  torch::manual_seed(11);
  PolyphaseConvTranspose1d polyphase(options, 0);  // 0: polyphase at every size
  EXPECT_TRUE(torch::equal(polyphase->weight, reference->weight));
  EXPECT_TRUE(torch::equal(polyphase->bias, reference->bias));
  const auto names = polyphase->named_parameters().keys();
  EXPECT_EQ(names, reference->named_parameters().keys());
}

TEST(Polyphase, CachedPhasesFollowWeightChangesInInferenceMode) {
  auto options =
      torch::nn::ConvTranspose1dOptions(2, 2, 31).stride(2).padding(15).output_padding(1);
  torch::nn::ConvTranspose1d reference(options);
  PolyphaseConvTranspose1d polyphase(options, 0);  // 0: polyphase at every size
  torch::Tensor x = torch::randn({1, 2, 16});
  for (int round = 0; round < 2; ++round) {
    {
      torch::NoGradGuard no_grad;
      reference->weight.normal_();
      polyphase->weight.copy_(reference->weight);
      polyphase->bias.copy_(reference->bias);
    }
    torch::InferenceMode inference;
    torch::Tensor difference = polyphase->forward(x) - reference->forward(x);
    EXPECT_LT(difference.abs().max().item<double>(), kTolerance * 10) << "round " << round;
  }
}

TEST(Polyphase, WorksWhenBuiltUnderInferenceMode) {
  // Such parameters have no version counter; the module must not depend on one.
  torch::InferenceMode inference;
  auto options = torch::nn::ConvTranspose1dOptions(2, 3, 31).stride(2).padding(15);
  PolyphaseConvTranspose1d polyphase(options, 0);  // 0: polyphase at every size
  torch::nn::ConvTranspose1d reference(options);
  polyphase->weight.copy_(reference->weight);
  polyphase->bias.copy_(reference->bias);
  torch::Tensor x = torch::randn({2, 2, 20});
  EXPECT_LT((polyphase->forward(x) - reference->forward(x)).abs().max().item<double>(), kTolerance);
}

// A narrow layer takes the transposed convolution without gradients (inference) and the
// polyphase form when training; both give the reference's values and gradients.
TEST(Polyphase, NarrowLayersMatchInInferenceAndTraining) {
  auto options = torch::nn::ConvTranspose1dOptions(8, 1, 31).stride(2).padding(15);
  torch::nn::ConvTranspose1d reference(options);
  PolyphaseConvTranspose1d narrow(options);  // 1 output channel: below the default minimum
  narrow->weight.detach().copy_(reference->weight.detach());
  narrow->bias.detach().copy_(reference->bias.detach());
  torch::Tensor x = torch::randn({2, 8, 40});
  {
    torch::NoGradGuard no_grad;
    EXPECT_LT((narrow->forward(x) - reference->forward(x)).abs().max().item<double>(), kTolerance);
  }
  torch::Tensor y_narrow = narrow->forward(x);
  torch::Tensor y_reference = reference->forward(x);
  EXPECT_LT((y_narrow - y_reference).abs().max().item<double>(), kTolerance);
  torch::Tensor upstream = torch::randn_like(y_reference);
  (y_narrow * upstream).sum().backward();
  (y_reference * upstream).sum().backward();
  EXPECT_LT((narrow->weight.grad() - reference->weight.grad()).abs().max().item<double>(),
            kTolerance);
}

TEST(Polyphase, RefusesGroupsAndDilation) {
  EXPECT_ANY_THROW(PolyphaseConvTranspose1d(torch::nn::ConvTranspose1dOptions(2, 2, 3).groups(2)));
  EXPECT_ANY_THROW(
      PolyphaseConvTranspose1d(torch::nn::ConvTranspose1dOptions(2, 2, 3).dilation(2)));
}

}  // namespace
}  // namespace rawgan::models
