#include "rawgan/models/segan.h"

#include <set>

#include "rawgan/models/conv.h"
#include "rawgan/models/polyphase.h"
#include "rawgan/util/error.h"

namespace rawgan::models {
namespace {

// Padding that makes a stride-s convolution of t samples (t a multiple of s) exactly t / s
// long, and its transposed counterpart exactly t * s long (with output_padding s - k + 2p).
int64_t same_padding(const SeganOptions& options) {
  return (options.kernel_size - options.stride + 1) / 2;
}

torch::nn::Sequential make_downsampling_layer(int64_t in_channels, int64_t out_channels,
                                              const SeganOptions& options) {
  auto conv =
      torch::nn::Conv1d(torch::nn::Conv1dOptions(in_channels, out_channels, options.kernel_size)
                            .stride(options.stride)
                            .padding(same_padding(options)));
  return torch::nn::Sequential(
      conv, torch::nn::PReLU(torch::nn::PReLUOptions().num_parameters(out_channels)));
}

// A layer of make_downsampling_layer, its convolution through models::conv1d (faster weight
// gradients on the CPU).
torch::Tensor downsample(torch::nn::Sequential& layer, const torch::Tensor& x,
                         const SeganOptions& options) {
  const auto& conv = *layer[0]->as<torch::nn::Conv1dImpl>();
  auto y = conv1d(x, conv.weight, conv.bias, options.stride, same_padding(options));
  return layer[1]->as<torch::nn::PReLUImpl>()->forward(y);
}

}  // namespace

int64_t SeganOptions::bottleneck_samples() const {
  int64_t samples = window_samples;
  for (int64_t i = 0; i < depth(); ++i)
    samples /= stride;
  return samples;
}

void SeganOptions::validate() const {
  auto fail = [](const std::string& message) { throw UsageError("SEGAN options: " + message); };
  if (sample_rate_hz <= 0) fail("sample_rate_hz must be positive");
  if (encoder_channels.empty()) fail("encoder_channels must name at least one layer");
  for (int64_t channels : encoder_channels)
    if (channels <= 0) fail("encoder_channels must all be positive");
  if (stride < 1) fail("stride must be at least 1, got " + std::to_string(stride));
  if (kernel_size < stride) {
    fail("kernel_size (" + std::to_string(kernel_size) + ") must be at least stride (" +
         std::to_string(stride) + ")");
  }
  int64_t samples = window_samples;
  for (int64_t i = 0; i < depth(); ++i) {
    if (samples <= 0 || samples % stride != 0) {
      fail("window_samples " + std::to_string(window_samples) + " cannot be divided by stride " +
           std::to_string(stride) + " " + std::to_string(depth()) +
           " times (one per encoder layer)");
    }
    samples /= stride;
  }
  if (!(pre_emphasis >= 0.0f && pre_emphasis < 1.0f)) {
    fail("pre_emphasis must be in [0, 1), got " + std::to_string(pre_emphasis));
  }
  static const std::set<std::string> kNorms = {"virtual", "batch", "none"};
  if (!kNorms.count(discriminator_norm)) {
    fail("discriminator_norm must be virtual, batch or none, got '" + discriminator_norm + "'");
  }
  if (leaky_slope < 0) fail("leaky_slope must not be negative");
}

nlohmann::json SeganOptions::to_json() const {
  return {{"sample_rate_hz", sample_rate_hz},
          {"window_samples", window_samples},
          {"kernel_size", kernel_size},
          {"stride", stride},
          {"encoder_channels", encoder_channels},
          {"latent", latent},
          {"pre_emphasis", pre_emphasis},
          {"discriminator_norm", discriminator_norm},
          {"leaky_slope", leaky_slope}};
}

SeganOptions SeganOptions::from_json(const nlohmann::json& json) {
  if (!json.is_object()) throw UsageError("SEGAN options: expected a JSON object");
  SeganOptions options;
  const nlohmann::json known = options.to_json();
  std::string unknown;
  for (const auto& item : json.items())
    if (!known.contains(item.key())) unknown += (unknown.empty() ? "" : ", ") + item.key();
  if (!unknown.empty()) {
    throw UsageError("SEGAN options: unknown key(s) " + unknown + "; known: sample_rate_hz, " +
                     "window_samples, kernel_size, stride, encoder_channels, latent, " +
                     "pre_emphasis, discriminator_norm, leaky_slope");
  }
  try {
    options.sample_rate_hz = json.value("sample_rate_hz", options.sample_rate_hz);
    options.window_samples = json.value("window_samples", options.window_samples);
    options.kernel_size = json.value("kernel_size", options.kernel_size);
    options.stride = json.value("stride", options.stride);
    options.encoder_channels = json.value("encoder_channels", options.encoder_channels);
    options.latent = json.value("latent", options.latent);
    options.pre_emphasis = json.value("pre_emphasis", options.pre_emphasis);
    options.discriminator_norm = json.value("discriminator_norm", options.discriminator_norm);
    options.leaky_slope = json.value("leaky_slope", options.leaky_slope);
  } catch (const nlohmann::json::exception& e) {
    throw UsageError(std::string("SEGAN options: a value has the wrong type (") + e.what() + ")");
  }
  options.validate();
  return options;
}

torch::nn::Sequential make_upsampling_layer(int64_t in_channels, int64_t out_channels,
                                            const SeganOptions& options) {
  const int64_t padding = same_padding(options);
  // Polyphase form: the same parameters as torch::nn::ConvTranspose1d, faster on CPUs.
  auto conv = PolyphaseConvTranspose1d(
      torch::nn::ConvTranspose1dOptions(in_channels, out_channels, options.kernel_size)
          .stride(options.stride)
          .padding(padding)
          .output_padding(options.stride - options.kernel_size + 2 * padding));
  return torch::nn::Sequential(conv);
}

SeganGeneratorImpl::SeganGeneratorImpl(const SeganOptions& options) : options_(options) {
  options_.validate();
  const auto& channels = options_.encoder_channels;
  const int64_t depth = options_.depth();

  auto encoder = register_module("encoder", torch::nn::ModuleList());
  int64_t in_channels = 1;
  for (int64_t i = 0; i < depth; ++i) {
    encoder_.push_back(make_downsampling_layer(in_channels, channels[i], options_));
    encoder->push_back(encoder_.back());
    in_channels = channels[i];
  }

  // Decoder layer j (from the bottleneck outwards) undoes encoder layer depth-1-j. Its input is
  // the bottleneck with z, or the previous decoder output with the matching encoder output.
  auto decoder = register_module("decoder", torch::nn::ModuleList());
  in_channels = channels.back() * (options_.latent ? 2 : 1);
  for (int64_t i = depth - 1; i >= 0; --i) {
    const int64_t out_channels = i > 0 ? channels[i - 1] : 1;
    auto layer = make_upsampling_layer(in_channels, out_channels, options_);
    if (i > 0) {
      layer->push_back(torch::nn::PReLU(torch::nn::PReLUOptions().num_parameters(out_channels)));
    }
    decoder_.push_back(layer);
    decoder->push_back(layer);
    in_channels = 2 * out_channels;
  }
}

torch::Tensor SeganGeneratorImpl::forward(const torch::Tensor& noisy, torch::Tensor z) {
  TORCH_CHECK(noisy.dim() == 3 && noisy.size(1) == 1 && noisy.size(2) == options_.window_samples,
              "SeganGenerator expects [batch, 1, ", options_.window_samples, "], got ",
              noisy.sizes());
  std::vector<torch::Tensor> skips;
  torch::Tensor x = noisy;
  for (auto& layer : encoder_) {
    x = downsample(layer, x, options_);
    skips.push_back(x);
  }

  if (options_.latent) {
    if (!z.defined()) z = torch::randn_like(x);
    TORCH_CHECK(z.sizes() == x.sizes(), "SeganGenerator: z must be ", x.sizes(), ", got ",
                z.sizes());
    x = torch::cat({x, z}, 1);
  }

  // Skips are consumed from the deepest but one: the bottleneck itself is already in x.
  for (size_t j = 0; j < decoder_.size(); ++j) {
    x = decoder_[j]->forward(x);
    if (j + 1 < decoder_.size()) x = torch::cat({x, skips[skips.size() - 2 - j]}, 1);
  }
  return torch::tanh(x);
}

VirtualBatchNorm1dImpl::VirtualBatchNorm1dImpl(int64_t n_channels, double eps) : eps_(eps) {
  gamma_ = register_parameter("gamma", torch::ones({1, n_channels, 1}));
  beta_ = register_parameter("beta", torch::zeros({1, n_channels, 1}));
  reference_mean_ = register_buffer("reference_mean", torch::zeros({1, n_channels, 1}));
  reference_mean_square_ =
      register_buffer("reference_mean_square", torch::ones({1, n_channels, 1}));
  reference_count_ = register_buffer("reference_count", torch::zeros({}, torch::kInt64));
}

torch::Tensor VirtualBatchNorm1dImpl::normalise(const torch::Tensor& x, const torch::Tensor& mean,
                                                const torch::Tensor& mean_square) {
  auto variance = (mean_square - mean * mean).clamp_min(0);
  return (x - mean) * torch::rsqrt(variance + eps_) * gamma_ + beta_;
}

// Statistics of half-precision activations (autocast) in float32: squares of values above 256
// overflow float16.
torch::Tensor VirtualBatchNorm1dImpl::at_least_float(const torch::Tensor& x) {
  const auto type = x.scalar_type();
  return type == torch::kHalf || type == torch::kBFloat16 ? x.to(torch::kFloat) : x;
}

torch::Tensor VirtualBatchNorm1dImpl::set_reference(const torch::Tensor& low_precision) {
  const torch::Tensor reference = at_least_float(low_precision);
  auto mean = reference.mean(std::vector<int64_t>{0, 2}, true);
  auto mean_square = (reference * reference).mean(std::vector<int64_t>{0, 2}, true);
  {
    torch::NoGradGuard no_grad;
    reference_mean_.copy_(mean);
    reference_mean_square_.copy_(mean_square);
    reference_count_.fill_(reference.size(0));
    if (!reference_count_.is_inference()) {
      n_reference_ = reference.size(0);
      n_reference_version_ = reference_count_._version();
    }
  }
  return normalise(reference, mean, mean_square);
}

int64_t VirtualBatchNorm1dImpl::reference_count() {
  // Inference tensors have no version counter; only training forwards often on a GPU anyway.
  if (reference_count_.is_inference()) return reference_count_.item<int64_t>();
  // Loading a checkpoint copies into the buffer, which bumps its version.
  if (reference_count_._version() != n_reference_version_) {
    n_reference_ = reference_count_.item<int64_t>();
    n_reference_version_ = reference_count_._version();
  }
  return n_reference_;
}

torch::Tensor VirtualBatchNorm1dImpl::forward(const torch::Tensor& low_precision) {
  const torch::Tensor x = at_least_float(low_precision);
  const int64_t n_reference = reference_count();
  if (n_reference == 0) {
    return normalise(x, x.mean(std::vector<int64_t>{0, 2}, true),
                     (x * x).mean(std::vector<int64_t>{0, 2}, true));
  }
  // Salimans et al. sec. 3.4: the example joins the reference batch with weight 1 / (n + 1).
  const double own_weight = 1.0 / static_cast<double>(n_reference + 1);
  auto mean =
      own_weight * x.mean(std::vector<int64_t>{2}, true) + (1 - own_weight) * reference_mean_;
  auto mean_square = own_weight * (x * x).mean(std::vector<int64_t>{2}, true) +
                     (1 - own_weight) * reference_mean_square_;
  return normalise(x, mean, mean_square);
}

SeganDiscriminatorImpl::SeganDiscriminatorImpl(const SeganOptions& options) : options_(options) {
  options_.validate();
  auto convs = register_module("convs", torch::nn::ModuleList());
  auto norms = register_module("norms", torch::nn::ModuleList());
  int64_t in_channels = 2;
  for (int64_t channels : options_.encoder_channels) {
    convs_.emplace_back(torch::nn::Conv1dOptions(in_channels, channels, options_.kernel_size)
                            .stride(options_.stride)
                            .padding(same_padding(options_)));
    convs->push_back(convs_.back());
    if (options_.discriminator_norm == "virtual") {
      virtual_norms_.emplace_back(channels);
      norms->push_back(virtual_norms_.back());
    } else if (options_.discriminator_norm == "batch") {
      batch_norms_.emplace_back(channels);
      norms->push_back(batch_norms_.back());
    }
    in_channels = channels;
  }
  activation_ = register_module(
      "activation",
      torch::nn::LeakyReLU(torch::nn::LeakyReLUOptions().negative_slope(options_.leaky_slope)));
  squeeze_ = register_module(
      "squeeze", torch::nn::Conv1d(torch::nn::Conv1dOptions(options_.bottleneck_channels(), 1, 1)));
  output_ = register_module("output", torch::nn::Linear(options_.bottleneck_samples(), 1));
}

torch::Tensor SeganDiscriminatorImpl::run(const torch::Tensor& candidate,
                                          const torch::Tensor& noisy, bool reference) {
  TORCH_CHECK(candidate.sizes() == noisy.sizes() && candidate.dim() == 3 &&
                  candidate.size(1) == 1 && candidate.size(2) == options_.window_samples,
              "SeganDiscriminator expects two [batch, 1, ", options_.window_samples,
              "] tensors, got ", candidate.sizes(), " and ", noisy.sizes());
  torch::Tensor x = torch::cat({candidate, noisy}, 1);
  for (size_t i = 0; i < convs_.size(); ++i) {
    x = conv1d(x, convs_[i]->weight, convs_[i]->bias, options_.stride, same_padding(options_));
    if (!virtual_norms_.empty()) {
      x = reference ? virtual_norms_[i]->set_reference(x) : virtual_norms_[i]->forward(x);
    } else if (!batch_norms_.empty()) {
      x = batch_norms_[i]->forward(x);
    }
    x = activation_->forward(x);
  }
  x = squeeze_->forward(x).flatten(1);  // [batch, bottleneck_samples]
  return output_->forward(x);
}

torch::Tensor SeganDiscriminatorImpl::forward(const torch::Tensor& candidate,
                                              const torch::Tensor& noisy) {
  return run(candidate, noisy, false);
}

void SeganDiscriminatorImpl::set_reference(const torch::Tensor& candidate,
                                           const torch::Tensor& noisy) {
  if (virtual_norms_.empty()) return;
  run(candidate, noisy, true);
}

int64_t count_parameters(const torch::nn::Module& module) {
  int64_t n = 0;
  for (const auto& parameter : module.parameters())
    n += parameter.numel();
  return n;
}

}  // namespace rawgan::models
