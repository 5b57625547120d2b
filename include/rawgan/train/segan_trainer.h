// Training SEGAN (Pascual et al. 2017): the options of a run, one optimisation step of both
// networks, and the checkpoint they are saved to and resumed from.
//
// Checkpoint layout (train::CheckpointWriter): kind "segan"; header.config =
// {"model": SeganOptions::to_json(), "train": SeganTrainOptions::to_json()}, plus "data"
// (train/run.h) when the caller puts it in the header it passes to save(); modules and
// optimisers named "generator" and "discriminator"; the LibTorch CPU RNG and the data RNG;
// with fp16, the loss scalers' states as tensors "generator_loss_scaler" and
// "discriminator_loss_scaler".
//
// Call order: construct, optionally load(), set_reference_batch() (needed for virtual batch
// norm), then train_step() repeatedly. Not thread-safe.
//
// Host synchronisation: on a CUDA device, train_step_tensors() does not wait for the device
// (losses stay there; the NaN check is deferred to check_finite()), except with fp16, whose
// loss scaler reads one overflow flag per network and step. On the CPU nothing is
// asynchronous, and every loss is checked before the optimiser step it concerns.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "rawgan/models/precision.h"
#include "rawgan/models/segan.h"
#include "rawgan/train/checkpoint.h"
#include "rawgan/train/loss_scaler.h"
#include "rawgan/train/pending_losses.h"

namespace rawgan::train {

/// How a SEGAN is trained. Defaults follow the paper (sec. 4) except the batch size, which is
/// sized for a CPU (the paper uses 400).
struct SeganTrainOptions {
  int64_t batch_size = 16;
  std::string optimizer = "rmsprop";  ///< "rmsprop" (the paper's) or "adam"
  double learning_rate = 2e-4;
  double l1_weight = 100;  ///< lambda of SEGAN eq. 5
  uint64_t seed = 0;       ///< weights, data order, validation split, z
  int64_t steps = 0;       ///< optimiser steps in total; 0: use `epochs`
  int64_t epochs = 0;      ///< passes over the training windows, when steps is 0
  int64_t valid_every =
      200;  ///< steps between validations (and last.pt writes); 0: only at the end
  double validation_fraction = 0.1;  ///< of the training pairs, when no validation folders
  /// Pairs whose lengths differ by at most this many samples are trimmed to the shorter.
  int64_t max_length_mismatch_samples = 32;
  /// "fp32", "bf16" (autocast to bfloat16, CPU or CUDA) or "fp16" (autocast to float16 with
  /// dynamic loss scaling, CUDA only); see models/precision.h.
  std::string precision = "fp32";
  /// Threads assembling batches ahead of the training loop; 0: on the training thread. The
  /// batches are the same either way (data/batch_loader.h).
  int loader_threads = 1;

  /// Throws UsageError naming the setting when it is out of range.
  void validate() const;
  /// Missing keys keep their defaults; unknown keys throw UsageError naming them.
  static SeganTrainOptions from_json(const nlohmann::json& json);
  nlohmann::json to_json() const;
};

/// The losses of one step (SEGAN eqs. 4 and 5), as plain numbers for logging.
struct SeganStepLosses {
  double discriminator_real = 0;     ///< 1/2 E[(D(x, x~) - 1)^2]
  double discriminator_fake = 0;     ///< 1/2 E[D(G(z, x~), x~)^2]
  double generator_adversarial = 0;  ///< 1/2 E[(D(G(z, x~), x~) - 1)^2]
  double generator_l1 = 0;           ///< mean |G(z, x~) - x| (before the lambda weight)
};

/// The same losses as 0-dimensional float32 tensors on the trainer's device, detached.
struct SeganStepLossTensors {
  torch::Tensor discriminator_real, discriminator_fake, generator_adversarial, generator_l1;

  /// Reads the four values (on CUDA: waits for the step to finish).
  SeganStepLosses values() const;
};

class SeganTrainer {
 public:
  /// Builds both networks on `device` (weights drawn from the global LibTorch generator, so
  /// seed it first) and their optimisers.
  SeganTrainer(const models::SeganOptions& model, const SeganTrainOptions& train,
               torch::Device device);

  /// The fixed reference batch of virtual batch norm (clean and noisy windows
  /// [n, 1, window_samples], any device). Its statistics are recomputed with the current
  /// discriminator before each discriminator pass (Salimans et al. 2016, sec. 3.4).
  void set_reference_batch(const torch::Tensor& clean, const torch::Tensor& noisy);

  /// Called after each backward pass with the network whose gradients are ready, before its
  /// optimiser steps: the place to all-reduce gradients across processes.
  using GradientHook = std::function<void(torch::nn::Module&)>;
  void set_gradient_hook(GradientHook hook) { gradient_hook_ = std::move(hook); }

  /// One step of SEGAN training on pre-emphasised windows [batch, 1, window_samples]:
  /// a discriminator update with the least-squares loss on (clean, noisy) as real and
  /// (G(z, noisy), noisy) as fake, then a generator update with the least-squares loss plus
  /// l1_weight * L1 to clean. Throws RuntimeError (before the optimiser step it concerns) when a
  /// loss is NaN or infinite. Increments step().
  /// Reads the losses, so on CUDA it waits for the step; see train_step_tensors.
  SeganStepLosses train_step(const torch::Tensor& noisy, const torch::Tensor& clean);

  /// The same step without waiting for the device: the batches are copied with
  /// non_blocking = true (asynchronous from pinned memory), and on a non-CPU device the losses
  /// are queued for check_finite() instead of checked before the optimiser steps (so a NaN
  /// step is found later and its update has happened; no checkpoint must be written before
  /// check_finite()). On the CPU it checks every loss at once, like train_step.
  SeganStepLossTensors train_step_tensors(const torch::Tensor& noisy, const torch::Tensor& clean);

  /// Reads the losses of the steps not checked yet (one host synchronisation) and throws
  /// RuntimeError naming the first step and loss that is NaN or infinite. Free on the CPU.
  void check_finite();

  /// Whether train_step_tensors queues the losses for check_finite() (the default on devices
  /// other than the CPU) or checks them at once (the CPU's default). Lets the CPU run the
  /// device path, e.g. in tests.
  void set_deferred_checks(bool deferred) { defer_checks_ = deferred; }

  /// Enhances pre-emphasised windows [batch, 1, window_samples] without gradients, in eval mode,
  /// at the training precision; float32 out.
  torch::Tensor enhance(const torch::Tensor& noisy, const torch::Tensor& z = {});

  /// Writes everything needed to resume: both networks, both optimisers, the RNG states and
  /// `header` (whose kind, config and step are filled in here; a "data" entry the caller put
  /// in its config is kept).
  void save(const std::filesystem::path& path, CheckpointHeader header,
            const std::mt19937_64& data_rng) const;
  /// Restores what save() wrote (also the step counter and the RNG states).
  void load(const CheckpointReader& reader, std::mt19937_64& data_rng);

  /// The configuration stored in checkpoints: {"model": ..., "train": ...}.
  nlohmann::json config() const;

  models::SeganGenerator& generator() { return generator_; }
  models::SeganDiscriminator& discriminator() { return discriminator_; }
  const models::SeganOptions& model_options() const { return model_; }
  const SeganTrainOptions& train_options() const { return train_; }
  torch::Device device() const { return device_; }
  int64_t step() const { return step_; }
  models::Precision precision() const { return precision_; }
  /// Optimiser steps skipped because fp16 gradients overflowed (0 unless fp16).
  int64_t skipped_updates() const;

 private:
  // Recomputes virtual batch norm's reference statistics unless the discriminator is
  // unchanged since they were last computed.
  void refresh_reference();
  // What the reference statistics depend on besides the reference batch; empty when it
  // cannot be known (inference tensors).
  std::vector<int64_t> discriminator_state() const;
  // Backward of `loss`, the gradient hook, then the optimiser step (through the loss scaler
  // with fp16, which may skip it).
  void update(const torch::Tensor& loss, torch::nn::Module& network,
              torch::optim::Optimizer& optimizer, LossScaler* scaler);

  models::SeganOptions model_;
  SeganTrainOptions train_;
  torch::Device device_;
  models::SeganGenerator generator_;
  models::SeganDiscriminator discriminator_;
  std::unique_ptr<torch::optim::Optimizer> generator_optimizer_;
  std::unique_ptr<torch::optim::Optimizer> discriminator_optimizer_;
  torch::Tensor reference_clean_, reference_noisy_;
  // discriminator_state() when the reference statistics were last computed; empty: never.
  std::vector<int64_t> reference_state_;
  GradientHook gradient_hook_;
  int64_t step_ = 0;
  models::Precision precision_ = models::Precision::kFloat32;
  std::unique_ptr<LossScaler> generator_scaler_, discriminator_scaler_;  // fp16 only
  bool defer_checks_;
  // Steps whose losses check_finite() has not read yet (deferred checks only).
  PendingLosses pending_;
};

}  // namespace rawgan::train
