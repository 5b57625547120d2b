// rawgan enhance --model CKPT IN... -o OUT: cleans files and folders with a trained SEGAN.
//
// Inputs and outputs follow audio::plan_file_jobs: one input file may go to an output .wav
// file; otherwise OUT is a folder mirroring the inputs' layout. Each output has its input's
// rate, channel count (every channel enhanced on its own) and exact length. Files are streamed
// block by block, windows are batched (on the GPU when --device picks one) and cross-faded.
// Ends with the real-time factor: processing time divided by audio duration.
#include <torch/torch.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "command.h"
#include "rawgan/audio/audio.h"
#include "rawgan/audio/files.h"
#include "rawgan/infer/enhancer.h"
#include "rawgan/infer/segan_model.h"
#include "rawgan/train/run.h"
#include "rawgan/util/error.h"
#include "rawgan/util/interrupt.h"
#include "rawgan/util/log.h"
#include "rawgan/util/progress.h"

namespace rawgan::cli {
namespace {

namespace fs = std::filesystem;

struct EnhanceCommandOptions {
  std::string model;
  std::vector<std::string> inputs;
  std::string output;
  std::string device = "auto";
  int64_t batch_size = 8;
  double overlap_ms = -1;  // the Enhancer's default (1/16 of the window) unless given
  double dc_block_hz = infer::EnhancerOptions{}.dc_block_hz;
  std::string format = "pcm16";
  int threads = 0;
  uint64_t seed = 0;
  std::string precision = "fp32";
};

int run_enhance(const EnhanceCommandOptions& options) {
  const audio::SampleFormat format = audio::parse_sample_format(options.format);
  if (options.batch_size <= 0)
    throw UsageError("--batch-size must be positive, got " + std::to_string(options.batch_size));
  std::vector<fs::path> inputs(options.inputs.begin(), options.inputs.end());
  const std::vector<audio::FileJob> jobs = audio::plan_file_jobs(inputs, options.output);

  const torch::Device device = train::select_device(options.device);
  const int n_threads = train::set_thread_count(options.threads);
  // z is drawn for every window; a fixed seed makes a run repeatable.
  torch::manual_seed(options.seed);
  infer::EnhancerOptions enhancer_options;
  enhancer_options.batch_size = options.batch_size;
  enhancer_options.overlap_ms = options.overlap_ms;
  enhancer_options.dc_block_hz = options.dc_block_hz;
  infer::Enhancer enhancer(
      infer::load_segan(options.model, device,
                        models::parse_precision(options.precision, "--precision")),
      enhancer_options, device);
  const infer::EnhancementModel& model = enhancer.model();
  log::info("model ", model.description, ": ", model.sample_rate_hz, " Hz, window ",
            model.window_samples, ", cross-fade ", enhancer.overlap_samples(), " samples");
  log::info("enhancing ", jobs.size(), " file(s) -> ", options.output, " on ", device.str(), ", ",
            n_threads, " thread(s), batch ", options.batch_size);

  audio::mark_planned_output_folder(jobs, options.output, "enhance");
  Progress progress("enhance", static_cast<int64_t>(jobs.size()), "files");
  double audio_s = 0;
  double work_s = 0;
  int n_failed = 0;
  for (size_t i = 0; i < jobs.size(); ++i) {
    if (interrupt_requested())
      throw Interrupted("enhance stopped after " + std::to_string(i) + " of " +
                        std::to_string(jobs.size()) + " files");
    try {
      const infer::EnhanceReport report =
          enhancer.enhance_file(jobs[i].input, jobs[i].output, format);
      // The model hears only its own band: say so when a file holds more.
      if (report.sample_rate_hz > model.sample_rate_hz) {
        log::warn(jobs[i].input.string(), ": ", report.sample_rate_hz,
                  " Hz, enhanced at the model's ", model.sample_rate_hz,
                  " Hz: the output holds nothing above ", model.sample_rate_hz / 2, " Hz");
      }
      audio_s += report.duration_s;
      work_s += report.elapsed_s;
      if (report.n_clipped > 0)
        log::warn(jobs[i].output.string(), ": ", report.n_clipped, " samples clipped");
      log::debug(jobs[i].input.string(), ": ", report.duration_s, " s, ", report.n_windows,
                 " windows, real-time factor ", report.real_time_factor());
    } catch (const InputError& e) {
      log::error(e.what());
      ++n_failed;
    }
    progress.update(static_cast<int64_t>(i + 1), jobs[i].input.filename().string());
  }
  progress.finish();
  if (audio_s > 0)
    log::info("enhanced ", audio_s, " s of audio in ", work_s, " s: real-time factor ",
              work_s / audio_s, " (", audio_s / std::max(work_s, 1e-9), "x real time)");
  if (n_failed > 0) {
    log::error(n_failed, " of ", jobs.size(), " files could not be read");
    return static_cast<int>(ExitCode::kBadInput);
  }
  return 0;
}

void add_enhance_command(CLI::App& root, Action& action) {
  auto options = std::make_shared<EnhanceCommandOptions>();
  CLI::App* sub =
      root.add_subcommand("enhance", "Enhance files or folders with a trained SEGAN checkpoint");
  sub->add_option("--model", options->model, "Checkpoint written by rawgan train (e.g. best.pt)")
      ->required();
  sub->add_option("inputs", options->inputs, "Audio files or folders (searched recursively)")
      ->required();
  sub->add_option("-o,--output,--out", options->output,
                  "Output folder (or a .wav file for a single input file)")
      ->required();
  sub->add_option("--device", options->device, "auto, cpu, cuda or cuda:N")->capture_default_str();
  sub->add_option("--dc-block-hz", options->dc_block_hz,
                  "Cut-off of the DC blocker after de-emphasis (0: off; else below half the "
                  "model's rate)")
      ->check(non_negative_number())
      ->capture_default_str();
  sub->add_option("--batch-size", options->batch_size, "Windows per model call")
      ->capture_default_str();
  sub->add_option("--overlap-ms", options->overlap_ms,
                  "Cross-fade between windows in ms (default: 1/16 of the window; at most half "
                  "of it)")
      ->check(non_negative_number());
  sub->add_option("--format", options->format, "Output encoding: pcm16, pcm24 or float32")
      ->capture_default_str();
  sub->add_option("--threads", options->threads, "CPU threads (default: all cores)")
      ->check(non_negative_integer());
  sub->add_option("--seed", options->seed, "Seed of the latent code z, 0 or more")
      ->check(non_negative_integer())
      ->capture_default_str();
  sub->add_option("--precision", options->precision,
                  "fp32, bf16 (autocast, CPU or CUDA) or fp16 (autocast, CUDA only)")
      ->check(CLI::IsMember({"fp32", "bf16", "fp16"}))
      ->capture_default_str();
  sub->callback([options, &action] { action = [options] { return run_enhance(*options); }; });
}

const CommandRegistration kRegistration{40, add_enhance_command};

}  // namespace
}  // namespace rawgan::cli
