#include "rawgan/models/polyphase.h"

#include <string>

#include "rawgan/models/conv.h"
#include "rawgan/util/error.h"

namespace rawgan::models {
namespace {

int64_t first(const torch::ExpandingArray<1>& value) {
  return (*value)[0];
}

}  // namespace

PolyphaseConvTranspose1dImpl::PolyphaseConvTranspose1dImpl(
    const torch::nn::ConvTranspose1dOptions& options, int64_t min_out_channels)
    : options_(options), min_out_channels_(min_out_channels) {
  if (options.groups() != 1 || first(options.dilation()) != 1)
    throw UsageError("polyphase transposed convolution: groups and dilation must be 1, got " +
                     std::to_string(options.groups()) + " and " +
                     std::to_string(first(options.dilation())));
  if (torch::enumtype::get_enum_name(options.padding_mode()) != "kZeros")
    throw UsageError("polyphase transposed convolution: only zero padding is supported");
  // Taking the parameters of a ConvTranspose1d built from the same options gives the same
  // initialisation, drawing the same random numbers, as the module this one replaces.
  torch::nn::ConvTranspose1d reference(options);
  weight = register_parameter("weight", reference->weight.detach().clone());
  if (options.bias()) bias = register_parameter("bias", reference->bias.detach().clone());
}

void PolyphaseConvTranspose1dImpl::polyphase_parameters(torch::Tensor& phase_weight,
                                                        torch::Tensor& phase_bias) {
  // Parameters made under InferenceMode carry no version counter, so changes to them cannot be
  // detected: their phases are rebuilt on every call.
  const bool cacheable = !torch::GradMode::is_enabled() && !weight.is_inference() &&
                         !(bias.defined() && bias.is_inference());
  const int64_t bias_version = bias.defined() && cacheable ? bias._version() : 0;
  if (cacheable && cached_weight_.defined() && cached_data_ == weight.data_ptr() &&
      cached_version_ == weight._version() && cached_bias_version_ == bias_version) {
    phase_weight = cached_weight_;
    phase_bias = cached_bias_;
    return;
  }

  const int64_t stride = first(options_.stride());
  const int64_t kernel = first(options_.kernel_size());
  const int64_t n_taps = (kernel + stride - 1) / stride;
  const int64_t in = weight.size(0);
  const int64_t out = weight.size(1);
  // Tap k = m * stride + r of phase r; the ordinary convolution correlates, so taps run
  // backwards: result[o * stride + r, i, j] = weight[i, o, (n_taps - 1 - j) * stride + r].
  phase_weight = torch::constant_pad_nd(weight, {0, n_taps * stride - kernel}, 0)
                     .view({in, out, n_taps, stride})
                     .flip({2})
                     .permute({1, 3, 0, 2})
                     .reshape({out * stride, in, n_taps});
  phase_bias = bias.defined() ? bias.repeat_interleave(stride) : torch::Tensor();
  if (cacheable) {
    cached_weight_ = phase_weight;
    cached_bias_ = phase_bias;
    cached_data_ = weight.data_ptr();
    cached_version_ = weight._version();
    cached_bias_version_ = bias_version;
  } else {
    cached_weight_ = torch::Tensor();
    cached_bias_ = torch::Tensor();
  }
}

torch::Tensor PolyphaseConvTranspose1dImpl::forward(const torch::Tensor& x) {
  TORCH_CHECK(x.dim() == 3 && x.size(1) == weight.size(0),
              "PolyphaseConvTranspose1d expects [batch, ", weight.size(0), ", length], got ",
              x.sizes());
  const int64_t stride = first(options_.stride());
  const int64_t kernel = first(options_.kernel_size());
  const int64_t padding = first(options_.padding());
  const int64_t n_taps = (kernel + stride - 1) / stride;
  const int64_t length = x.size(2);
  const int64_t n_out =
      (length - 1) * stride - 2 * padding + kernel + first(options_.output_padding());
  const int64_t out = weight.size(1);
  // Training goes polyphase at every width: the transposed convolution's backward is slow.
  if (out < min_out_channels_ && !torch::GradMode::is_enabled())
    return torch::conv_transpose1d(x, weight, bias, stride, padding,
                                   first(options_.output_padding()));

  torch::Tensor phase_weight;
  torch::Tensor phase_bias;
  polyphase_parameters(phase_weight, phase_bias);

  // Output sample t' is full-output sample t = t' + padding = q * stride + r; phase r at input
  // position q reads x[q - n_taps + 1 .. q]. Positions q_first..q_last cover all outputs; the
  // input is zero-padded (or cut, by negative padding) to exactly what they read.
  const int64_t q_first = padding / stride;
  const int64_t q_last = (padding + n_out - 1) / stride;
  torch::Tensor input = torch::constant_pad_nd(x, {n_taps - 1 - q_first, q_last - (length - 1)}, 0);
  torch::Tensor phases = conv1d(input, phase_weight, phase_bias, 1, 0);

  // [batch, out * stride, n_q] -> [batch, out, n_q * stride]: sample (q - q_first) * stride + r.
  const int64_t n_q = q_last - q_first + 1;
  torch::Tensor interleaved = phases.view({x.size(0), out, stride, n_q})
                                  .permute({0, 1, 3, 2})
                                  .reshape({x.size(0), out, n_q * stride});
  return interleaved.narrow(2, padding - q_first * stride, n_out);
}

}  // namespace rawgan::models
