// Training of the generation models (WaveGAN, SpecGAN) on a folder of clips.
//
// Call order: fill GenTrainOptions, call train_generator once; it blocks until the step count
// or time limit is reached, Ctrl-C is pressed, or a loss diverges. Everything it prints goes to
// the log (stderr). Not re-entrant: it uses LibTorch's global CPU generator, which the
// checkpoint saves and restores so that a resumed CPU run continues exactly.
//
// Run folder: last.pt (a train/checkpoint.h file of kind "wavegan" or "specgan": modules and
// optimisers "generator" and "discriminator", the RNG states, BEGAN's k_t as tensor "began_k",
// SpecGAN's per-bin statistics as "spec_mean"/"spec_std"; header.config = {"model": ...,
// "train": ...}), and metrics.csv: one line per generator step with both losses, the gradient
// penalty, BEGAN's k_t and M_global, and (every diversity_every steps) the diversity of a
// generated batch next to that of the real clips (rawgan/train/gen_features.h).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "rawgan/train/run.h"

namespace rawgan::dist {
class DataParallel;
}

namespace rawgan::train {

struct GenTrainOptions {
  std::filesystem::path clips_dir;  ///< folder of clips (recursive, any format and rate)
  std::filesystem::path run_dir;    ///< where last.pt and metrics.csv go
  std::string preset = "wavegan";   ///< a models/*.json name or path, of kind wavegan/specgan
  // Overrides of the preset's "train" section; empty / 0 / negative keeps the preset's value.
  std::string loss;     ///< wgan-gp, lsgan, nsgan, hinge, began
  int64_t n_steps = 0;  ///< generator steps in total (a resumed run counts on)
  int64_t batch_size = 0;
  double learning_rate = 0;
  int64_t n_critic = 0;          ///< discriminator steps per generator step
  int64_t checkpoint_every = 0;  ///< generator steps between writes of last.pt
  int64_t diversity_every = 0;   ///< generator steps between diversity figures
  int64_t seed = -1;
  double max_minutes = 0;       ///< > 0: stop (with a checkpoint) after this wall time
  std::string device = "auto";  ///< auto, cpu, cuda
  int n_threads = 0;            ///< 0: every hardware thread
  bool resume = false;          ///< continue run_dir/last.pt with its own configuration
  /// The options the user gave that set the preset's model or training settings; with
  /// `resume`, those whose values differ from the checkpoint's are named in a warning.
  std::vector<GivenOption> given_options;
  /// Read the losses every 20 steps, as on a device, also on the CPU (which reads every step
  /// by default); lets the CPU run the device path, e.g. in tests.
  bool deferred_loss_reads = false;
  /// The data-parallel job this process is a rank of (rawgan/dist/data_parallel.h); null: one
  /// process. batch_size is then the global batch, split among the ranks.
  dist::DataParallel* parallel = nullptr;
};

struct GenTrainSummary {
  int64_t step = 0;               ///< generator steps done, in total
  double discriminator_loss = 0;  ///< of the last step
  double generator_loss = 0;
  double diversity_generated = 0;    ///< last figure logged (dB)
  double diversity_real = 0;         ///< of the training clips (dB)
  double seconds = 0;                ///< this invocation's training time
  std::filesystem::path checkpoint;  ///< last.pt
  int64_t steps_run = 0;  ///< steps this invocation trained; 0: a resumed run already had them
};

/// Trains; returns after the last checkpoint is written. Throws UsageError for bad options,
/// InputError for an unusable clip folder or checkpoint, RuntimeError when a loss becomes NaN
/// or infinite (no checkpoint is written for that state), Interrupted after Ctrl-C (once
/// last.pt holds the state at the last finished step).
GenTrainSummary train_generator(const GenTrainOptions& options);

}  // namespace rawgan::train
