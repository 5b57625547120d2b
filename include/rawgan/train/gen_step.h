// One training step of the generation models (WaveGAN, SpecGAN), as `rawgan train-gen` runs
// it: n_critic discriminator updates, then one generator update, with Adam on both networks.
// The trainer (gen_trainer.h) wraps it with data, logging and checkpoints; `rawgan bench` times
// it on synthetic batches.
//
// Call order: make the generator (make_gen_models), construct a GenStep (it adds the
// discriminator the loss needs and moves both networks to the device), optionally load
// optimiser states and BEGAN's k_t from a checkpoint, then call train_step repeatedly and
// take_losses() every so often (each logging interval, and before every checkpoint).
// Not thread-safe; it draws from LibTorch's global CPU generator (gradient penalty).
//
// On the CPU each loss is checked before its optimiser step. On other devices the losses stay
// there until take_losses(), so that the host queues step after step without waiting for the
// device; BEGAN is the exception, since its k_t control needs both energies every step.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

#include "rawgan/train/gan_losses.h"
#include "rawgan/train/gen_models.h"
#include "rawgan/train/pending_losses.h"

namespace rawgan::dist {
class DataParallel;
}

namespace rawgan::train {

/// The settings of one step, from a preset's "train" section.
struct GenStepOptions {
  GanLoss loss = GanLoss::kWganGp;
  double learning_rate = 1e-4;  ///< Adam's, for both networks
  double beta1 = 0.5;
  double beta2 = 0.9;
  int64_t n_critic = 5;  ///< discriminator updates per generator update
  double gp_weight = 10.0;
  BeganOptions began;
  int64_t began_code_dim = 64;

  /// Missing keys keep their defaults, except n_critic: 5 for WGAN-GP (Gulrajani et al.,
  /// Algorithm 1), 1 for the other losses. Throws UsageError for a non-positive n_critic or
  /// learning rate, or an unknown loss.
  static GenStepOptions from_json(const nlohmann::json& train);
};

/// Figures of one train_step, for the log.
struct GenStepLosses {
  int64_t step = 0;             ///< as given to train_step
  double discriminator = 0;     ///< of the last discriminator update, penalty included
  double generator = 0;         ///< BEGAN: L(G(z))
  double gradient_penalty = 0;  ///< WGAN-GP only
  double real_energy = 0;       ///< BEGAN only: L(x) of the last real batch
  double began_k = 0;           ///< BEGAN only: k_t after this step's update
  double began_m_global = 0;    ///< BEGAN only: M_global of this step
};

class GenStep {
 public:
  /// `models` (generator made) must outlive this object; the discriminator is added here and
  /// both networks go to `device`. `parallel` (may be null: one process) averages gradients
  /// over ranks before each optimiser step and must outlive this object.
  GenStep(GenModels& models, const GenStepOptions& options, torch::Device device,
          dist::DataParallel* parallel = nullptr);
  ~GenStep();

  /// Data as the discriminator sees it ([batch, 1, n_samples] waveforms for WaveGAN,
  /// normalised [batch, 1, F, T] images for SpecGAN), on the device.
  using BatchFn = std::function<torch::Tensor()>;

  /// One generator step numbered `step`: n_critic times, a real batch and a latent batch
  /// [batch, latent_dim] are drawn (in that order) and the discriminator updated; then a latent
  /// batch is drawn and the generator updated. The step's losses are queued for take_losses().
  /// With checks at once (the CPU's default), throws RuntimeError before the optimiser step of a
  /// loss that is NaN or infinite.
  void train_step(const BatchFn& real_batch, const BatchFn& latent_batch, int64_t step);

  /// The losses of the steps since the last call, in step order; waits for the device. Throws
  /// RuntimeError naming the first step and loss that is NaN or infinite (with deferred checks
  /// that step's update has happened: write no checkpoint after it).
  std::vector<GenStepLosses> take_losses();

  /// Whether losses are checked only when read (the default off the CPU) or before each
  /// optimiser step (the CPU's default). Lets the CPU run the device path, e.g. in tests.
  void set_deferred_checks(bool deferred) { defer_checks_ = deferred; }

  const GenStepOptions& options() const { return options_; }
  torch::optim::Adam& generator_optimizer() { return *opt_g_; }
  torch::optim::Adam& discriminator_optimizer() { return *opt_d_; }
  /// BEGAN's equilibrium control; null for the score losses.
  const BeganBalance* balance() const { return balance_.get(); }
  /// Restores BEGAN's k_t (from a checkpoint); no effect for the other losses.
  void set_began_k(double k);

 private:
  void step_discriminator(const torch::Tensor& real, const torch::Tensor& latents, int64_t step);
  void step_generator(const torch::Tensor& latents, int64_t step);

  GenModels& models_;
  GenStepOptions options_;
  std::unique_ptr<dist::DataParallel> one_process_;
  dist::DataParallel& parallel_;
  std::unique_ptr<torch::optim::Adam> opt_g_, opt_d_;
  std::unique_ptr<BeganBalance> balance_;
  bool defer_checks_;
  // This step's losses (0-dimensional, on the device) until train_step queues them.
  torch::Tensor discriminator_loss_, generator_loss_, gradient_penalty_, real_energy_;
  PendingLosses pending_;
  // BEGAN: k_t and M_global of each queued step, known on the host.
  std::vector<std::pair<double, double>> began_;
};

}  // namespace rawgan::train
