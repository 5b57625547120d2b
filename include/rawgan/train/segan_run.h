// A whole SEGAN training run, as `rawgan train` performs it: pair and load the folders, hold
// out validation pairs, train with progress, validate every N steps, keep RUNDIR/last.pt and
// RUNDIR/best.pt, resume exactly, stop cleanly on Ctrl-C.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include "rawgan/models/segan.h"
#include "rawgan/train/run.h"
#include "rawgan/train/segan_trainer.h"

namespace rawgan::dist {
class DataParallel;
}

namespace rawgan::train {

struct SeganRunOptions {
  std::filesystem::path noisy_dir, clean_dir;
  /// Separate validation folders; when empty, train.validation_fraction of the pairs is held
  /// out instead.
  std::filesystem::path valid_noisy_dir, valid_clean_dir;
  std::filesystem::path run_dir;  ///< receives last.pt and best.pt
  std::string preset;             ///< name recorded in checkpoints
  models::SeganOptions model;
  SeganTrainOptions train;
  torch::Device device = torch::kCPU;
  bool resume = false;  ///< continue from run_dir/last.pt (its model and training options win,
                        ///< except steps and epochs when given here as non-zero)
  bool skip_unpaired = false;
  /// The options the user gave that set the preset's model or training settings; with
  /// `resume`, those whose values differ from the checkpoint's are named in a warning.
  std::vector<GivenOption> given_options;
  /// The data-parallel job this process is a rank of (rawgan/dist/data_parallel.h); null: one
  /// process. train.batch_size is then the global batch, split among the ranks.
  dist::DataParallel* parallel = nullptr;
  /// Called after every step with the step count reached and its losses (e.g. by tests, or
  /// to log elsewhere); runs on the training thread. Setting it makes a GPU run read its
  /// losses every step (a host synchronisation), which it otherwise does once a second.
  std::function<void(int64_t step, const SeganStepLosses& losses)> on_step;
};

/// What a run did, for the summary line.
struct SeganRunResult {
  int64_t steps = 0;             ///< steps done in total (including those before a resume)
  int64_t windows_trained = 0;   ///< windows seen in this process
  double seconds = 0;            ///< training time in this process
  double best_ssnr_gain_db = 0;  ///< best validation segmental SNR gain (NaN: no validation)
  /// True when the run already had the steps asked for (`steps` of them, at least
  /// `total_steps`): nothing was trained, validated or written, best.pt included.
  bool already_complete = false;
  int64_t total_steps = 0;  ///< the length asked for (--steps, or --epochs in steps)
  SeganStepLosses last_losses;
};

/// Runs training as described above. Its first line logs what runs: preset, device, precision
/// and threads, on resume the checkpoint's preset and precision. Throws InputError / UsageError for
/// bad data or options, RuntimeError when a loss diverges (no checkpoint written for that step),
/// and Interrupted after writing last.pt when Ctrl-C is pressed.
SeganRunResult run_segan_training(const SeganRunOptions& options);

}  // namespace rawgan::train
