// rawgan train-gen: trains WaveGAN or SpecGAN on a folder of clips (see train/gen_trainer.h).
#include <iostream>
#include <memory>
#include <string>

#include "command.h"
#include "rawgan/dist/data_parallel.h"
#include "rawgan/dist/job.h"
#include "rawgan/train/gan_losses.h"
#include "rawgan/train/gen_trainer.h"
#include "rawgan/train/run.h"
#include "rawgan/util/error.h"
#include "rawgan/util/progress.h"

namespace rawgan::cli {
namespace {

struct JobOptions {
  int nproc = 1;
  double dist_timeout_s = 300;
};

int run_train_gen(train::GenTrainOptions options, const JobOptions& job) {
  if (auto code = dist::launch_if_requested(job.nproc)) return *code;
  auto context = dist::join_job(train::select_device(options.device), job.dist_timeout_s);
  if (context->is_distributed()) {
    options.device = context->device().str();
    if (options.n_threads == 0) options.n_threads = dist::threads_per_process(*context);
  }
  dist::DataParallel parallel(context.get());
  options.parallel = &parallel;
  train::GenTrainSummary summary;
  try {
    summary = train::train_generator(options);
  } catch (const Interrupted&) {
    // Every rank stops after the same step; rank 0 says which and what it wrote.
    if (parallel.is_main()) throw;
    return static_cast<int>(ExitCode::kInterrupted);
  }
  if (!parallel.is_main()) return 0;  // rank 0 reports for the job
  if (summary.steps_run == 0) {
    // No losses or diversity to report: nothing ran.
    std::cout << "steps " << summary.step << "\n"
              << "checkpoint " << summary.checkpoint.string() << "\n";
    return 0;
  }
  std::cout << "steps " << summary.step << "\n"
            << "d_loss " << summary.discriminator_loss << "\n"
            << "g_loss " << summary.generator_loss << "\n"
            << "diversity_generated_db " << summary.diversity_generated << "\n"
            << "diversity_real_db " << summary.diversity_real << "\n"
            << "time " << format_duration(summary.seconds) << "\n"
            << "checkpoint " << summary.checkpoint.string() << "\n";
  return 0;
}

// The options that set the preset's model or training settings, and where a run's config
// keeps what each sets: --resume names those given whose values the checkpoint's replace.
const std::vector<train::GivenOption> kSettingOptions = {
    {"--preset", "/model"},
    {"--loss", "/train/loss"},
    {"--batch-size", "/train/batch_size"},
    {"--lr", "/train/learning_rate"},
    {"--n-critic", "/train/n_critic"},
    {"--checkpoint-every", "/train/checkpoint_every"},
    {"--diversity-every", "/train/diversity_every"},
    {"--seed", "/train/seed"}};

void add_train_gen_command(CLI::App& root, Action& action) {
  // GenTrainOptions keeps the preset's value for a 0 or negative override, so each override is
  // checked here: a given --steps 0 would otherwise start the preset's full run.
  auto options = std::make_shared<train::GenTrainOptions>();
  CLI::App* sub =
      root.add_subcommand("train-gen", "Train a generator (WaveGAN, SpecGAN) on a folder of clips");
  sub->add_option("--clips", options->clips_dir,
                  "Folder of clips (recursive; any format and rate; short clips are padded, "
                  "long ones sliced)")
      ->required();
  sub->add_option("-o,--out,--output", options->run_dir, "Run folder for last.pt and metrics.csv")
      ->required();
  sub->add_option("--preset", options->preset,
                  "Preset name or .json path: wavegan, wavegan-small, wavegan-long, specgan, "
                  "specgan-small")
      ->capture_default_str();
  std::string loss_help = "Adversarial loss (default: the preset's, wgan-gp):";
  for (const auto& name : train::gan_loss_names())
    loss_help += " " + name;
  loss_help += " (began: WaveGAN presets only)";
  sub->add_option("--loss", options->loss, loss_help);
  sub->add_option("--steps", options->n_steps, "Generator steps in total (default: preset's)")
      ->check(positive_integer());
  sub->add_option("--batch-size", options->batch_size, "Clips per batch (default: preset's)")
      ->check(positive_integer());
  sub->add_option("--lr", options->learning_rate, "Adam learning rate (default: preset's)")
      ->check(positive_number());
  sub->add_option("--n-critic", options->n_critic,
                  "Discriminator steps per generator step (default: 5 for wgan-gp, else 1)")
      ->check(positive_integer());
  sub->add_option("--checkpoint-every", options->checkpoint_every,
                  "Generator steps between checkpoints (default: preset's)")
      ->check(positive_integer());
  sub->add_option("--diversity-every", options->diversity_every,
                  "Generator steps between diversity figures (default: preset's)")
      ->check(positive_integer());
  sub->add_option("--seed", options->seed, "Random seed (default: the preset's, else 0)")
      ->check(non_negative_integer());
  sub->add_option(
         "--minutes", options->max_minutes,
         "Stop after this many minutes of training, writing a checkpoint (default: no limit)")
      ->check(positive_number());
  sub->add_option("--device", options->device, "auto, cpu or cuda")->capture_default_str();
  sub->add_option("--threads", options->n_threads, "CPU threads (0: all)")
      ->check(non_negative_integer())
      ->capture_default_str();
  sub->add_flag("--resume", options->resume,
                "Continue the run in --out from last.pt (its configuration; --steps may extend "
                "it)");
  auto job = std::make_shared<JobOptions>();
  sub->add_option("--nproc", job->nproc, "Train with N local processes, e.g. one per GPU")
      ->check(positive_integer());
  sub->add_option("--dist-timeout", job->dist_timeout_s,
                  "Seconds a process waits for the others before the job fails")
      ->check(positive_number())
      ->capture_default_str();
  sub->callback([options, job, sub, &action] {
    for (const train::GivenOption& setting : kSettingOptions)
      if (sub->get_option(setting.option)->count() > 0) options->given_options.push_back(setting);
    action = [options, job] { return run_train_gen(*options, *job); };
  });
}

const CommandRegistration kRegistration{80, add_train_gen_command};

}  // namespace
}  // namespace rawgan::cli
