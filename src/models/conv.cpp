#include "rawgan/models/conv.h"

#include <vector>

#include "rawgan/models/precision.h"

namespace rawgan::models {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// dweight[o, i, k] = sum over b, t of grad[b, o, t] * padded[b, i, stride * t + k]: a forward
// convolution of the padded input with batch and channels swapped, whose kernel is the
// output gradient dilated by the stride.
torch::Tensor weight_gradient(const torch::Tensor& x, const torch::Tensor& grad, int64_t stride,
                              int64_t padding, int64_t kernel) {
  auto padded = torch::constant_pad_nd(x, {padding, padding}, 0).transpose(0, 1);
  auto sums = torch::conv1d(padded, grad.transpose(0, 1), torch::Tensor(), at::IntArrayRef{1},
                            at::IntArrayRef{0}, at::IntArrayRef{stride});
  // [in, out, n] with n >= kernel: positions past the kernel read only padding or the
  // samples no output used.
  return sums.narrow(2, 0, kernel).transpose(0, 1).contiguous();
}

// Stride 1 with at most this many output channels, such as the polyphase form of a decoder
// layer with one output channel: oneDNN's own input gradient is slow there (32 -> 2 channels
// over 8207 samples, batch 8, 2 cores: 13.4 ms; as the forward convolution of the gradient
// with the flipped weight 0.5 ms). A GEMM and a fold for deep layers was faster at one thread
// but slower at two (paper segan training 5.4-5.6 -> 5.1-5.2 windows/s), so it is not used.
constexpr int64_t kFlippedMaxOutChannels = 16;

// dx[b, i, s t + k - p] += sum over o of weight[o, i, k] grad[b, o, t].
torch::Tensor input_gradient(const torch::Tensor& grad, const torch::Tensor& x,
                             const torch::Tensor& weight, int64_t stride, int64_t padding) {
  const int64_t out_channels = weight.size(0);
  const int64_t kernel = weight.size(2);
  if (stride == 1 && out_channels <= kFlippedMaxOutChannels && padding <= kernel - 1) {
    // dx[t] = sum over j of flipped[j] grad[t + p - (kernel - 1) + j]: a correlation.
    auto flipped = weight.flip({2}).transpose(0, 1);
    auto padded = torch::constant_pad_nd(grad, {kernel - 1 - padding, kernel - 1 - padding}, 0);
    return torch::conv1d(padded, flipped);
  }
  std::vector<int64_t> bias_sizes = {out_channels};
  return std::get<0>(at::convolution_backward(grad, x, weight, bias_sizes, {stride}, {padding}, {1},
                                              false, {0}, 1, {true, false, false}));
}

class Conv1dFunction : public torch::autograd::Function<Conv1dFunction> {
 public:
  static torch::Tensor forward(AutogradContext* context, const torch::Tensor& x,
                               const torch::Tensor& weight, const torch::Tensor& bias,
                               int64_t stride, int64_t padding) {
    context->save_for_backward({x, weight});
    context->saved_data["stride"] = stride;
    context->saved_data["padding"] = padding;
    return torch::conv1d(x, weight, bias, at::IntArrayRef{stride}, at::IntArrayRef{padding});
  }

  static variable_list backward(AutogradContext* context, variable_list grads) {
    const auto saved = context->get_saved_variables();
    const torch::Tensor& x = saved[0];
    const torch::Tensor& weight = saved[1];
    const torch::Tensor grad = grads[0].contiguous();
    const int64_t stride = context->saved_data["stride"].toInt();
    const int64_t padding = context->saved_data["padding"].toInt();

    torch::Tensor grad_x, grad_weight, grad_bias;
    if (context->needs_input_grad(0)) grad_x = input_gradient(grad, x, weight, stride, padding);
    if (context->needs_input_grad(1))
      grad_weight = weight_gradient(x, grad, stride, padding, weight.size(2));
    if (context->needs_input_grad(2)) grad_bias = grad.sum(std::vector<int64_t>{0, 2});
    return {grad_x, grad_weight, grad_bias, torch::Tensor(), torch::Tensor()};
  }
};

}  // namespace

torch::Tensor conv1d(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias,
                     int64_t stride, int64_t padding) {
  const bool needs_grad =
      torch::GradMode::is_enabled() &&
      (x.requires_grad() || weight.requires_grad() || (bias.defined() && bias.requires_grad()));
  const bool fast = needs_grad && x.device().is_cpu() && x.scalar_type() == torch::kFloat &&
                    weight.scalar_type() == torch::kFloat &&
                    !autocast_enabled(c10::DeviceType::CPU);
  if (!fast)
    return torch::conv1d(x, weight, bias, at::IntArrayRef{stride}, at::IntArrayRef{padding});
  // A custom function's tensor inputs must be defined: a missing bias is a constant zero one.
  const torch::Tensor defined_bias =
      bias.defined() ? bias : torch::zeros({weight.size(0)}, weight.options());
  return Conv1dFunction::apply(x, weight, defined_bias, stride, padding);
}

}  // namespace rawgan::models
