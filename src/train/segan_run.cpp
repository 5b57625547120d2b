#include "rawgan/train/segan_run.h"

#include <chrono>
#include <cmath>
#include <limits>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "rawgan/data/batch_loader.h"
#include "rawgan/data/pairs.h"
#include "rawgan/data/windows.h"
#include "rawgan/dist/data_parallel.h"
#include "rawgan/train/run.h"
#include "rawgan/train/segan_validator.h"
#include "rawgan/util/error.h"
#include "rawgan/util/interrupt.h"
#include "rawgan/util/log.h"
#include "rawgan/util/progress.h"

namespace rawgan::train {
namespace {

namespace fs = std::filesystem;

// The epoch index whose order picks the reference batch of virtual batch norm; real epochs
// are >= 0, so the reference batch is a pure function of the seed.
constexpr int64_t kReferenceEpoch = -1;
// On a GPU the losses are read (a host synchronisation, and the check for NaN) at most this
// often, and before every checkpoint; on the CPU reading them is free and happens every step.
constexpr double kLossReadInterval_s = 1.0;
// Batches the background loader keeps ready ahead of the training loop.
constexpr int64_t kBatchesAhead = 4;

data::WindowOptions window_options(const models::SeganOptions& model,
                                   const SeganTrainOptions& train) {
  data::WindowOptions options;
  options.sample_rate_hz = model.sample_rate_hz;
  options.window_samples = model.window_samples;
  options.pre_emphasis = model.pre_emphasis;
  options.max_length_mismatch_samples = train.max_length_mismatch_samples;
  return options;
}

std::vector<data::LoadedPair> load_validation(const std::vector<data::FilePair>& pairs,
                                              const data::WindowOptions& options) {
  std::vector<data::LoadedPair> loaded;
  data::LoadReport report;
  for (const auto& pair : pairs) {
    data::LoadedPair one;
    if (data::load_pair(pair, options, one, report)) loaded.push_back(std::move(one));
  }
  return loaded;
}

std::string describe(const SeganStepLosses& losses) {
  std::ostringstream out;
  out.precision(4);
  out << "D real " << losses.discriminator_real << ", D fake " << losses.discriminator_fake
      << ", G adv " << losses.generator_adversarial << ", G L1 " << losses.generator_l1;
  return out.str();
}

// Takes the model and training options of the checkpoint to resume from; `steps` and `epochs`
// given on the command line (non-zero) extend or shorten the run.
void adopt_checkpoint_options(const CheckpointReader& reader, SeganRunOptions& options) {
  const auto& config = reader.header().config;
  auto model = models::SeganOptions::from_json(config.at("model"));
  auto train = SeganTrainOptions::from_json(config.at("train"));
  if (options.train.steps > 0 || options.train.epochs > 0) {
    train.steps = options.train.steps;
    train.epochs = options.train.epochs;
  }
  // The loader's threads do not change the batches, so this run's setting holds.
  train.loader_threads = options.train.loader_threads;
  options.model = model;
  options.train = train;
  options.preset = reader.header().preset;
}

// Warns when validation pairs given as folders are training pairs too (the same noisy file,
// through any spelling of its path): validation then scores what the model was fitted to, and
// best.pt is picked by it.
void warn_shared_validation_pairs(const data::PairSplit& split) {
  std::set<fs::path> training;
  std::error_code ec;
  for (const data::FilePair& pair : split.train)
    training.insert(fs::weakly_canonical(pair.noisy, ec));
  int64_t n_shared = 0;
  std::string first;
  for (const data::FilePair& pair : split.valid) {
    if (training.count(fs::weakly_canonical(pair.noisy, ec)) == 0) continue;
    if (n_shared++ == 0) first = pair.noisy.string();
  }
  if (n_shared > 0)
    log::warn(n_shared, " of the ", split.valid.size(),
              " validation pairs are training pairs too (the first: ", first,
              "): validation scores what the model is trained on, and picks best.pt by it; give "
              "--valid-noisy and --valid-clean folders of other recordings");
}

// Warns about the options given for a resumed run (`asked`) that the checkpoint's replace.
void warn_unapplied(const CheckpointReader& reader, const SeganRunOptions& asked,
                    const SeganRunOptions& adopted) {
  const auto config_of = [](const SeganRunOptions& options) -> nlohmann::json {
    return {{"preset", options.preset},
            {"model", options.model.to_json()},
            {"train", options.train.to_json()}};
  };
  warn_unapplied_options(reader.path(), asked.given_options, config_of(asked), config_of(adopted));
}

// The run's first line: what runs, which on resume is the checkpoint's preset and precision.
void log_setup(const SeganRunOptions& options) {
  log::info("preset ", options.preset, ", device ", options.device.str(), ", precision ",
            options.train.precision, ", ", torch::get_num_threads(), " thread(s)");
}

}  // namespace

SeganRunResult run_segan_training(const SeganRunOptions& run_options) {
  SeganRunOptions options = run_options;
  dist::DataParallel one_process;
  dist::DataParallel& parallel = options.parallel ? *options.parallel : one_process;
  const fs::path last_path = options.run_dir / "last.pt";
  const fs::path best_path = options.run_dir / "best.pt";
  std::optional<CheckpointReader> reader;
  std::error_code ec;
  const RunFolder run_folder(options.run_dir, options.resume);
  nlohmann::json recorded_data;  // null: a new run, or a checkpoint from before the record
  if (options.resume) {
    reader.emplace(last_path, "", options.device);
    require_resumable_kind(*reader, {"segan"});
    const SeganRunOptions asked = options;
    adopt_checkpoint_options(*reader, options);
    log_setup(options);
    if (parallel.is_main()) warn_unapplied(*reader, asked, options);
    recorded_data = reader->header().config.value("data", nlohmann::json());
  } else {
    log_setup(options);
  }
  const SeganTrainOptions& train = options.train;
  train.validate();
  options.model.validate();
  if (train.steps == 0 && train.epochs == 0) {
    throw UsageError("the run needs a length: --steps N or --epochs N with N > 0");
  }

  // Data: training pairs, and validation pairs from folders or held out by seed.
  auto pairs = data::pair_folders(options.noisy_dir, options.clean_dir, options.skip_unpaired);
  data::PairSplit split;
  if (!options.valid_noisy_dir.empty()) {
    split.train = pairs;
    split.valid =
        data::pair_folders(options.valid_noisy_dir, options.valid_clean_dir, options.skip_unpaired);
    if (parallel.is_main()) warn_shared_validation_pairs(split);
  } else {
    split = data::split_pairs(pairs, train.validation_fraction, train.seed);
  }
  // What the checkpoint records of the data: the folders, and the pairs found in --noisy and
  // --clean before any are held out for validation.
  std::vector<std::pair<std::string, fs::path>> folders = {{"--noisy", options.noisy_dir},
                                                           {"--clean", options.clean_dir}};
  if (!options.valid_noisy_dir.empty()) {
    folders.emplace_back("--valid-noisy", options.valid_noisy_dir);
    folders.emplace_back("--valid-clean", options.valid_clean_dir);
  }
  const nlohmann::json data_record =
      run_data_record(folders, "pairs", static_cast<int64_t>(pairs.size()));
  if (options.resume && parallel.is_main())
    warn_if_data_changed(last_path, recorded_data, data_record);
  const auto window_opts = window_options(options.model, train);
  data::PairedWindows windows(split.train, window_opts);
  SeganValidator validator(load_validation(split.valid, window_opts), options.model, train);
  log::info("training on ", windows.report().n_pairs, " pairs (", windows.n_windows(),
            " windows of ", options.model.window_samples, " samples at ",
            options.model.sample_rate_hz, " Hz), validating on ", split.valid.size(), " pairs");
  if (validator.empty() && parallel.is_main())
    log::warn("no validation pairs: best.pt will be the last state");

  // Model, optimisers and RNGs; a resumed run replaces all of them with the checkpoint's.
  torch::manual_seed(train.seed);
  SeganTrainer trainer(options.model, train, options.device);
  std::mt19937_64 data_rng(train.seed);
  double best_gain_db = -std::numeric_limits<double>::infinity();
  if (reader) {
    trainer.load(*reader, data_rng);
    best_gain_db = reader->header().best_metric;
    log::info("resuming ", last_path.string(), " at step ", trainer.step());
    reader.reset();
  }
  log::info("generator ", models::count_parameters(*trainer.generator()),
            " parameters, discriminator ", models::count_parameters(*trainer.discriminator()),
            ", on ", options.device.str());

  // Several processes: every rank starts from rank 0's weights, trains on its share of each
  // global batch, and averages gradients before each optimiser step.
  parallel.local_batch_size(train.batch_size, "--batch-size");
  parallel.add_module(*trainer.generator());
  parallel.add_module(*trainer.discriminator());
  trainer.set_gradient_hook(
      [&parallel](torch::nn::Module& net) { parallel.average_gradients(net); });

  const int64_t n_windows = windows.n_windows();
  const int64_t batch_size = train.batch_size;
  {
    auto order = data::epoch_order(n_windows, train.seed, kReferenceEpoch);
    order.resize(std::min<int64_t>(batch_size, n_windows));
    auto [noisy, clean] = windows.batch(order);
    trainer.set_reference_batch(clean, noisy);
  }
  const data::BatchSchedule schedule(n_windows, batch_size, train.seed);
  const int64_t steps_per_epoch = schedule.steps_per_epoch();
  // --epochs counts passes over the windows; so many that their steps overflow is a usage error.
  if (train.steps <= 0 && train.epochs > std::numeric_limits<int64_t>::max() / steps_per_epoch)
    throw UsageError("--epochs " + std::to_string(train.epochs) + ": " +
                     std::to_string(steps_per_epoch) +
                     " steps per epoch make more steps than a run can count; give fewer epochs");
  const int64_t total_steps = train.steps > 0 ? train.steps : train.epochs * steps_per_epoch;

  auto save = [&](const fs::path& path) {
    CheckpointHeader header;
    header.preset = options.preset;
    header.config["data"] = data_record;
    header.epoch = trainer.step() / steps_per_epoch;
    header.best_metric = best_gain_db;
    trainer.save(path, header, data_rng);
  };
  auto validate_and_save = [&]() {
    if (!validator.empty()) {
      SeganValidation v = validator.run(trainer);
      log::info("step ", trainer.step(), ": validation SNR gain ", v.snr_gain_db,
                " dB, segmental SNR gain ", v.ssnr_gain_db, " dB");
      if (v.ssnr_gain_db > best_gain_db || !fs::exists(best_path, ec)) {
        best_gain_db = std::max(best_gain_db, v.ssnr_gain_db);
        save(best_path);
      }
    }
    save(last_path);
  };

  SeganRunResult result;
  result.total_steps = total_steps;
  if (trainer.step() >= total_steps) {
    // No validation runs, so there is no gain to report and best.pt stays as it is.
    log::info("the run already has ", trainer.step(), " of ", total_steps, " steps");
    result.steps = trainer.step();
    result.already_complete = true;
    result.best_ssnr_gain_db = std::numeric_limits<double>::quiet_NaN();
    return result;
  }

  // Batches come from the loader's threads in pinned memory and reach a GPU asynchronously;
  // the loader is destroyed (its threads joined) when an exception leaves the loop.
  data::BatchLoaderOptions loader_options;
  loader_options.n_threads = train.loader_threads;
  loader_options.n_ahead = kBatchesAhead;
  loader_options.pin_memory = options.device.is_cuda();
  loader_options.select = [&parallel](const std::vector<int64_t>& global) {
    return parallel.local_part(global);
  };
  const int64_t first_step = trainer.step();
  data::BatchLoader loader(windows, schedule, first_step, total_steps, loader_options);
  Progress progress("training", total_steps - first_step, "steps");
  const bool read_every_step = options.device.is_cpu() || options.on_step;
  auto last_read = std::chrono::steady_clock::now();
  std::string detail;
  while (trainer.step() < total_steps) {
    const int64_t epoch = schedule.epoch_of(trainer.step());
    data::Batch batch = loader.next();
    SeganStepLossTensors losses = trainer.train_step_tensors(batch.noisy, batch.clean);
    result.windows_trained += batch_size;

    const bool last_step = trainer.step() == total_steps;
    const bool validating =
        parallel.is_main() &&
        (last_step || (train.valid_every > 0 && trainer.step() % train.valid_every == 0));
    const auto now = std::chrono::steady_clock::now();
    if (read_every_step || validating || last_step ||
        std::chrono::duration<double>(now - last_read).count() >= kLossReadInterval_s) {
      trainer.check_finite();
      result.last_losses = losses.values();
      last_read = now;
      if (options.on_step) options.on_step(trainer.step(), result.last_losses);
      const double windows_per_s = result.windows_trained / std::max(1e-9, progress.elapsed_s());
      std::ostringstream line;
      line.precision(3);
      line << "epoch " << epoch + 1 << ", " << describe(result.last_losses) << ", " << windows_per_s
           << " windows/s";
      detail = line.str();
    }
    progress.update(trainer.step() - first_step, detail);

    if (validating) validate_and_save();
    if (stop_check_due(parallel.is_distributed(), trainer.step()) &&
        parallel.any(interrupt_requested()) && !last_step) {
      if (parallel.is_main()) {
        trainer.check_finite();
        save(last_path);
      }
      progress.finish("interrupted");
      std::error_code exists_error;
      const std::string no_best =
          fs::exists(best_path, exists_error)
              ? ""
              : " (no best.pt yet: no validation ran; enhance with last.pt)";
      throw Interrupted("interrupted at step " + std::to_string(trainer.step()) + "; " +
                        last_path.string() + " written, continue with --resume" + no_best);
    }
  }
  result.seconds = progress.elapsed_s();
  progress.finish(describe(result.last_losses));
  if (trainer.skipped_updates() > 0) {
    log::info(trainer.skipped_updates(), " optimiser updates skipped for fp16 overflow");
  }
  if (validator.empty() && parallel.is_main()) save(best_path);
  result.steps = trainer.step();
  result.best_ssnr_gain_db =
      validator.empty() ? std::numeric_limits<double>::quiet_NaN() : best_gain_db;
  return result;
}

}  // namespace rawgan::train
