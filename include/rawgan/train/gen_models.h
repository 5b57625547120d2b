// The generation models behind one interface, built from a preset's or checkpoint's "model"
// object ({"kind": "wavegan" | "specgan", ...sizes}), for the trainer and the sampler.
#pragma once

#include <torch/torch.h>

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "rawgan/models/specgan.h"
#include "rawgan/models/wavegan.h"
#include "rawgan/train/gan_losses.h"

namespace rawgan::train {

using TensorFn = std::function<torch::Tensor(const torch::Tensor&)>;

struct GenModels {
  std::string kind;                ///< "wavegan" or "specgan"
  models::WaveGanOptions wavegan;  ///< valid when kind == "wavegan"
  models::SpecGanOptions specgan;  ///< valid when kind == "specgan"
  int64_t latent_dim = 0;
  int64_t n_samples = 0;  ///< waveform length of one generated clip
  int64_t sample_rate_hz = 0;

  std::shared_ptr<torch::nn::Module> generator;
  std::shared_ptr<torch::nn::Module> discriminator;  ///< null until add_discriminator
  /// z [batch, latent_dim] -> WaveGAN: [batch, 1, n_samples]; SpecGAN: normalised image
  /// [batch, 1, image_size, image_size].
  TensorFn generate;
  /// Data as `generate` makes it -> scores [batch, 1] (score losses).
  TensorFn score;
  /// Data -> its reconstruction (BEGAN's autoencoder).
  TensorFn reconstruct;
};

/// Builds the generator of `model`; throws UsageError for an unknown kind or bad sizes.
GenModels make_gen_models(const nlohmann::json& model);

/// Adds the discriminator `loss` needs: WaveGAN's or SpecGAN's critic, or for kBegan the
/// autoencoder of rawgan/models/began.h with `began_code_dim` (WaveGAN only: UsageError
/// otherwise).
void add_discriminator(GenModels& models, GanLoss loss, int64_t began_code_dim);

/// Moves both networks to `device`.
void to_device(GenModels& models, torch::Device device);

}  // namespace rawgan::train
