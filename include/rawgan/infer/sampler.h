// Sampling trained generators (WaveGAN, SpecGAN) from a checkpoint written by train-gen.
//
// Latent points are drawn from std::mt19937_64 seeded by the caller, independent of LibTorch's
// generators and of the device, so the same seed gives the same points on every machine and
// (on the CPU) the same samples. Generation runs in inference mode, in batches. SpecGAN images
// go back to waveforms by Griffin-Lim, seeded per clip from the clip's index in the call.
//
// Not thread-safe: one Sampler per thread.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace rawgan::infer {

struct SamplerOptions {
  std::string device = "auto";      ///< auto, cpu, cuda
  int64_t batch_size = 32;          ///< latent points per forward pass
  int griffin_lim_iterations = -1;  ///< SpecGAN only; < 0: the checkpoint's setting
};

class Sampler {
 public:
  /// Loads the generator of `checkpoint` (kind "wavegan" or "specgan"). Throws InputError for a
  /// missing or foreign checkpoint, UsageError for a bad device.
  Sampler(const std::filesystem::path& checkpoint, const SamplerOptions& options = {});
  ~Sampler();

  const std::string& kind() const;
  int64_t latent_dim() const;
  int64_t n_samples() const;  ///< length of one generated clip
  int sample_rate_hz() const;
  int64_t step() const;  ///< training steps of the checkpoint

  /// `n` points uniform in [-1, 1]^latent_dim: [n, latent_dim], CPU float.
  torch::Tensor random_latents(int64_t n, uint64_t seed) const;

  /// `n_steps` (>= 2) points evenly spaced on the straight line from `from` to `to` (both
  /// [latent_dim]), ends included: [n_steps, latent_dim].
  static torch::Tensor interpolate(const torch::Tensor& from, const torch::Tensor& to,
                                   int64_t n_steps);

  /// One clip of n_samples() values in [-1, 1] per row of `latents` [n, latent_dim].
  std::vector<std::vector<float>> generate(const torch::Tensor& latents);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace rawgan::infer
