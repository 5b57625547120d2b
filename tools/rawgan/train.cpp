// rawgan train --noisy DIR --clean DIR --preset NAME --out RUNDIR [--steps N | --epochs N]:
// trains a SEGAN speech enhancer on paired folders (see rawgan/train/segan_run.h).
//
// The preset (models/<name>.json or a path) gives the model and default training options;
// options on the command line override the training ones.
#include <cmath>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include "command.h"
#include "rawgan/dist/data_parallel.h"
#include "rawgan/dist/job.h"
#include "rawgan/models/model_options.h"
#include "rawgan/models/precision.h"
#include "rawgan/train/run.h"
#include "rawgan/train/segan_run.h"
#include "rawgan/util/error.h"
#include "rawgan/util/preset.h"

namespace rawgan::cli {
namespace {

namespace fs = std::filesystem;

struct TrainCommandOptions {
  std::string noisy, clean, valid_noisy, valid_clean, out;
  std::string preset = "segan-small";
  std::string device = "auto";
  bool resume = false;
  bool skip_unpaired = false;
  int threads = 0;
  int nproc = 1;
  double dist_timeout_s = 300;
  // Training overrides, applied only when given (CLI::Option::count).
  int64_t steps = 0, epochs = 0, batch_size = 0, valid_every = 0;
  uint64_t seed = 0;
  double learning_rate = 0, validation_fraction = 0;
  std::string optimizer, precision;
  int loader_threads = 1;
  std::string loss;  // refused: train-gen's option
};

// The options that set the preset's model or training settings, and where a run's config
// keeps what each sets: --resume names those given whose values the checkpoint's replace.
const std::vector<train::GivenOption> kSettingOptions = {
    {"--preset", "/model"},
    {"--batch-size", "/train/batch_size"},
    {"--valid-every", "/train/valid_every"},
    {"--seed", "/train/seed"},
    {"--learning-rate", "/train/learning_rate"},
    {"--optimizer", "/train/optimizer"},
    {"--validation-fraction", "/train/validation_fraction"},
    {"--precision", "/train/precision"}};

int run_train(const TrainCommandOptions& cli, const CLI::App& sub) {
  if (auto code = dist::launch_if_requested(cli.nproc)) return *code;
  train::set_thread_count(cli.threads);

  nlohmann::json preset = load_model_preset(cli.preset, {"segan"});
  const nlohmann::json train_section = preset.value("train", nlohmann::json::object());
  // Here, where the preset's file is known, so that a wrong key or type is named with it.
  models::check_model_section(preset["model"], "segan", cli.preset);
  refuse_unknown_keys(train_section, train::SeganTrainOptions().to_json(),
                      cli.preset + ": training options (\"train\")");
  train::SeganRunOptions options;
  options.model = models::SeganOptions::from_json(preset["model"]);
  options.train = train::SeganTrainOptions::from_json(train_section);
  auto given = [&sub](const char* name) { return sub.get_option(name)->count() > 0; };
  if (given("--steps")) options.train.steps = cli.steps;
  if (given("--epochs")) options.train.epochs = cli.epochs;
  if (given("--batch-size")) options.train.batch_size = cli.batch_size;
  if (given("--valid-every")) options.train.valid_every = cli.valid_every;
  if (given("--seed")) options.train.seed = cli.seed;
  if (given("--learning-rate")) options.train.learning_rate = cli.learning_rate;
  if (given("--optimizer")) options.train.optimizer = cli.optimizer;
  if (given("--validation-fraction")) options.train.validation_fraction = cli.validation_fraction;
  if (given("--precision")) options.train.precision = cli.precision;
  if (given("--loader-threads")) options.train.loader_threads = cli.loader_threads;
  if (given("--steps")) options.train.epochs = 0;
  if (given("--epochs")) options.train.steps = 0;
  options.train.validate();

  options.noisy_dir = cli.noisy;
  options.clean_dir = cli.clean;
  options.valid_noisy_dir = cli.valid_noisy;
  options.valid_clean_dir = cli.valid_clean;
  options.run_dir = cli.out;
  options.preset = cli.preset;
  options.device = train::select_device(cli.device);
  options.resume = cli.resume;
  options.skip_unpaired = cli.skip_unpaired;
  for (const train::GivenOption& setting : kSettingOptions)
    if (given(setting.option.c_str())) options.given_options.push_back(setting);
  auto context = dist::join_job(options.device, cli.dist_timeout_s);
  options.device = context->device();
  // A resumed run takes the checkpoint's precision (checked by the trainer), not this one.
  if (!cli.resume)
    models::check_precision(models::parse_precision(options.train.precision, "--precision"),
                            options.device, "--precision");
  if (cli.threads == 0 && context->is_distributed()) {
    torch::set_num_threads(dist::threads_per_process(*context));
  }
  dist::DataParallel parallel(context.get());
  options.parallel = &parallel;

  train::SeganRunResult result;
  try {
    result = train::run_segan_training(options);
  } catch (const Interrupted&) {
    // Every rank stops after the same step; rank 0 says which and what it wrote.
    if (parallel.is_main()) throw;
    return static_cast<int>(ExitCode::kInterrupted);
  }
  if (!parallel.is_main()) return 0;  // rank 0 reports for the job
  const fs::path last_path = options.run_dir / "last.pt";
  const fs::path best_path = options.run_dir / "best.pt";
  std::error_code ec;
  // Only the checkpoints that exist: a run stopped before its first validation has no best.pt.
  const std::string checkpoints =
      fs::exists(best_path, ec) ? "; checkpoints " + last_path.string() + ", " + best_path.string()
                                : "; checkpoint " + last_path.string() + " (no best.pt)";
  if (result.already_complete) {
    std::cout << "nothing trained: the run already has " << result.steps << " of "
              << result.total_steps << " steps, no validation ran" << checkpoints << '\n';
    return 0;
  }
  std::cout << "trained " << result.steps << " steps";
  if (result.seconds > 0) {
    std::cout << " (" << result.windows_trained / result.seconds << " windows/s)";
  }
  if (std::isnan(result.best_ssnr_gain_db)) {
    std::cout << ", no validation (best.pt is the last state)";
  } else {
    std::cout << ", best validation segmental SNR gain " << result.best_ssnr_gain_db << " dB";
  }
  std::cout << checkpoints << '\n';
  return 0;
}

void add_train_command(CLI::App& root, Action& action) {
  auto o = std::make_shared<TrainCommandOptions>();
  CLI::App* sub = root.add_subcommand("train", "Train a SEGAN speech enhancer on paired folders");
  sub->add_option("--noisy", o->noisy, "Folder of noisy speech (searched recursively)")->required();
  sub->add_option("--clean", o->clean, "Folder of clean speech, same relative names")->required();
  sub->add_option("-o,--out,--output", o->out, "Run folder: receives last.pt and best.pt")
      ->required();
  sub->add_option("--preset", o->preset, "Model preset name or .json path")->capture_default_str();
  auto* steps =
      sub->add_option("--steps", o->steps, "Optimiser steps in total")->check(positive_integer());
  sub->add_option("--epochs", o->epochs, "Passes over the training windows")
      ->check(positive_integer())
      ->excludes(steps);
  sub->add_option("--device", o->device, "auto, cpu or cuda[:N]")->capture_default_str();
  sub->add_flag("--resume", o->resume,
                "Continue the run in --out from its last.pt, with its model and training options "
                "(only --steps/--epochs and --loader-threads apply)");
  sub->add_option("--seed", o->seed, "Seed of weights, data order, split and z, 0 or more")
      ->check(non_negative_integer());
  sub->add_option("--batch-size", o->batch_size, "Windows per step")->check(positive_integer());
  sub->add_option("--learning-rate", o->learning_rate, "Learning rate of both optimisers")
      ->check(positive_number());
  sub->add_option("--optimizer", o->optimizer, "rmsprop or adam")
      ->check(CLI::IsMember({"rmsprop", "adam"}));
  auto* fraction = sub->add_option("--validation-fraction", o->validation_fraction,
                                   "Share of pairs held out for validation, in [0, 1)");
  auto* valid_noisy = sub->add_option("--valid-noisy", o->valid_noisy, "Validation noisy folder")
                          ->excludes(fraction);
  auto* valid_clean = sub->add_option("--valid-clean", o->valid_clean, "Validation clean folder")
                          ->excludes(fraction);
  valid_noisy->needs(valid_clean);
  valid_clean->needs(valid_noisy);
  sub->add_option("--precision", o->precision,
                  "fp32, bf16 (autocast, CPU or CUDA) or fp16 (autocast with loss scaling, CUDA)")
      ->check(CLI::IsMember({"fp32", "bf16", "fp16"}));
  sub->add_option("--loader-threads", o->loader_threads,
                  "Threads assembling batches ahead of training; 0: none (same batches)")
      ->check(non_negative_integer());
  sub->add_flag("--skip-unpaired", o->skip_unpaired, "Leave out files without a partner");
  sub->add_option("--valid-every", o->valid_every, "Steps between validations and last.pt")
      ->check(non_negative_integer());
  sub->add_option("--threads", o->threads, "CPU threads (default: all cores)")
      ->check(non_negative_integer());
  sub->add_option("--nproc", o->nproc, "Train with N local processes, e.g. one per GPU")
      ->check(positive_integer());
  sub->add_option("--dist-timeout", o->dist_timeout_s,
                  "Seconds a process waits for the others before the job fails")
      ->check(positive_number())
      ->capture_default_str();
  // Not train's: named here (and left out of --help) so that a user who gives it learns why.
  CLI::Option* loss = sub->add_option("--loss", o->loss)->group("");
  sub->callback([o, sub, loss, &action] {
    if (loss->count() > 0)
      throw UsageError(
          "--loss: train trains SEGAN with its own least-squares GAN loss and L1 term and takes "
          "no --loss; --loss (wgan-gp, lsgan, nsgan, hinge; began with WaveGAN only) is "
          "train-gen's");
    action = [o, sub] { return run_train(*o, *sub); };
  });
}

const CommandRegistration kRegistration{30, add_train_command};

}  // namespace
}  // namespace rawgan::cli
