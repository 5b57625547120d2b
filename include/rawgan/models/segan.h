// SEGAN: speech enhancement GAN on the waveform (Pascual, Bonafonte, Serra, "SEGAN: Speech
// Enhancement Generative Adversarial Network", Interspeech 2017).
//
// The generator is a fully convolutional encoder-decoder (sec. 3.2, fig. 2): strided 1-D
// convolutions with PReLU halve the time axis layer by layer; a latent code z ~ N(0, 1) of the
// bottleneck's shape is concatenated to the last encoder output; transposed convolutions
// mirror the encoder, each taking the previous decoder output concatenated with the matching
// encoder output (skip connections); tanh bounds the output to [-1, 1].
//
// The discriminator (sec. 3.2, 4) runs the same convolution stack over two channels (a
// candidate and the noisy input it should correspond to), with (virtual) batch normalisation
// and LeakyReLU(0.3), then a 1x1 convolution to one channel and a linear layer to one logit.
//
// Both networks work on pre-emphasised audio (coefficient `pre_emphasis`, sec. 4). They do not
// apply the filter themselves: callers (data preparation, the enhancer) pre-emphasise inputs
// and targets with rawgan::dsp::pre_emphasis and de-emphasise the generator's output with
// rawgan::dsp::de_emphasis, using `pre_emphasis` from these options.
//
// Modules are not thread-safe; use one instance per thread or guard it.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace rawgan::models {

/// Everything that sizes a SEGAN. Defaults are the paper's (sec. 4).
struct SeganOptions {
  int sample_rate_hz = 16000;      ///< rate the model works at; audio is resampled to it
  int64_t window_samples = 16384;  ///< samples per window; a multiple of stride^depth
  int64_t kernel_size = 31;        ///< width of every (transposed) convolution, >= stride
  int64_t stride = 2;              ///< time decimation per encoder layer
  /// Output channels of encoder layers 1..depth; the decoder mirrors them.
  std::vector<int64_t> encoder_channels = {16, 32, 32, 64, 64, 128, 128, 256, 256, 512, 1024};
  bool latent = true;          ///< concatenate z ~ N(0, 1) at the bottleneck
  float pre_emphasis = 0.95f;  ///< first-order pre-emphasis coefficient, in [0, 1)
  /// Discriminator normalisation: "virtual" (reference-batch statistics, Salimans et al. 2016
  /// sec. 3.4), "batch" (plain batch norm) or "none".
  std::string discriminator_norm = "virtual";
  double leaky_slope = 0.3;  ///< discriminator LeakyReLU negative slope

  int64_t depth() const { return static_cast<int64_t>(encoder_channels.size()); }
  /// Time length of the bottleneck: window_samples / stride^depth.
  int64_t bottleneck_samples() const;
  /// Channels of the bottleneck (the last encoder layer's; z has as many).
  int64_t bottleneck_channels() const { return encoder_channels.back(); }

  /// Throws UsageError naming the setting when the options cannot build a model (e.g. a window
  /// that the encoder cannot halve `depth` times, an unknown norm).
  void validate() const;

  /// Reads the keys of to_json(); missing keys keep their defaults, unknown keys throw
  /// UsageError naming them. The result is validated.
  static SeganOptions from_json(const nlohmann::json& json);
  nlohmann::json to_json() const;
};

/// The generator G(z, x~): noisy waveform in, enhanced waveform out.
class SeganGeneratorImpl : public torch::nn::Module {
 public:
  explicit SeganGeneratorImpl(const SeganOptions& options = {});

  /// noisy: [batch, 1, window_samples], pre-emphasised, nominally in [-1, 1].
  /// z: [batch, bottleneck_channels, bottleneck_samples]; when undefined (and options.latent)
  /// it is drawn from N(0, 1) on noisy's device with the default generator. Ignored when
  /// options.latent is false.
  /// Returns [batch, 1, window_samples] in [-1, 1] (tanh), pre-emphasised like the input.
  torch::Tensor forward(const torch::Tensor& noisy, torch::Tensor z = {});

  const SeganOptions& options() const { return options_; }

 private:
  SeganOptions options_;
  // Each layer is a Sequential (convolution, PReLU) registered in the ModuleLists "encoder"
  // and "decoder"; the vectors give typed access to the same modules.
  std::vector<torch::nn::Sequential> encoder_, decoder_;
};
TORCH_MODULE(SeganGenerator);

/// Virtual batch normalisation over channels of [batch, channels, time] (Salimans et al. 2016,
/// "Improved techniques for training GANs", sec. 3.4): every example is normalised with the
/// statistics of a fixed reference batch combined with its own, so an example's output does
/// not depend on the other examples of its batch. The reference statistics are buffers (saved
/// in checkpoints), set by `set_reference`; until then the batch's own statistics are used.
class VirtualBatchNorm1dImpl : public torch::nn::Module {
 public:
  explicit VirtualBatchNorm1dImpl(int64_t n_channels, double eps = 1e-5);

  /// Stores the per-channel mean and mean square of `reference` [n, channels, time] (detached)
  /// and returns `reference` normalised with them.
  torch::Tensor set_reference(const torch::Tensor& reference);
  /// x: [batch, channels, time] -> same shape; float16 and bfloat16 inputs (autocast) are
  /// normalised in float32 and come out in float32.
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::Tensor normalise(const torch::Tensor& x, const torch::Tensor& mean,
                          const torch::Tensor& mean_square);
  int64_t reference_count();
  static torch::Tensor at_least_float(const torch::Tensor& x);

  double eps_;
  torch::Tensor gamma_, beta_;
  torch::Tensor reference_mean_, reference_mean_square_, reference_count_;
  // reference_count_'s value on the host and the buffer version it was read at: reading a GPU
  // buffer in every forward would wait for the device each time.
  int64_t n_reference_ = 0;
  int64_t n_reference_version_ = -1;
};
TORCH_MODULE(VirtualBatchNorm1d);

/// Builds one decoder layer: a transposed convolution that multiplies the time axis by
/// `options.stride` ([batch, in_channels, t] -> [batch, out_channels, t * stride]). The one
/// place that chooses how upsampling is computed.
torch::nn::Sequential make_upsampling_layer(int64_t in_channels, int64_t out_channels,
                                            const SeganOptions& options);

/// The discriminator D(x, x~): is `candidate` the clean version of `noisy`?
class SeganDiscriminatorImpl : public torch::nn::Module {
 public:
  explicit SeganDiscriminatorImpl(const SeganOptions& options = {});

  /// candidate, noisy: [batch, 1, window_samples] -> logits [batch, 1] (unbounded; the
  /// least-squares loss compares them with 1 for real and 0 for fake).
  torch::Tensor forward(const torch::Tensor& candidate, const torch::Tensor& noisy);

  /// With norm "virtual": runs a reference batch (same shapes as forward) through the network
  /// and stores every layer's statistics; call it before forward, e.g. once per training step
  /// under torch::NoGradGuard with a batch fixed at the start of training. No effect for the
  /// other norms.
  void set_reference(const torch::Tensor& candidate, const torch::Tensor& noisy);

  const SeganOptions& options() const { return options_; }

 private:
  torch::Tensor run(const torch::Tensor& candidate, const torch::Tensor& noisy, bool reference);

  SeganOptions options_;
  std::vector<torch::nn::Conv1d> convs_;
  // One of these is filled, by discriminator_norm; registered in the ModuleList "norms".
  std::vector<VirtualBatchNorm1d> virtual_norms_;
  std::vector<torch::nn::BatchNorm1d> batch_norms_;
  torch::nn::LeakyReLU activation_{nullptr};
  torch::nn::Conv1d squeeze_{nullptr};
  torch::nn::Linear output_{nullptr};
};
TORCH_MODULE(SeganDiscriminator);

/// Number of trainable parameters of a module (for logs and size checks).
int64_t count_parameters(const torch::nn::Module& module);

}  // namespace rawgan::models
