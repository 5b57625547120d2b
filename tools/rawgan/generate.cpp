// rawgan generate: writes clips sampled from a trained WaveGAN or SpecGAN checkpoint.
//
// --length: a clip is the model's length (e.g. 16384 samples); a shorter --length keeps the
// start of each clip; a longer one is refused, naming the presets whose models make clips that
// long (wavegan-long: 65536), since concatenating independent clips would not be a longer sound.
// --interpolate STEPS: per -n, STEPS clips at evenly spaced latent points on the straight line
// between two random points, both ends included, to hear how the generator morphs.
// Clips already in -o under the names to write are refused (they may come from a random seed
// and be unrepeatable) unless --overwrite.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "command.h"
#include "rawgan/audio/audio.h"
#include "rawgan/audio/files.h"
#include "rawgan/infer/sampler.h"
#include "rawgan/util/error.h"
#include "rawgan/util/interrupt.h"
#include "rawgan/util/log.h"
#include "rawgan/util/preset.h"
#include "rawgan/util/progress.h"

namespace rawgan::cli {
namespace {

// Points per interpolation line: two ends at least; at most 1000 so that the three-digit step
// numbers in the file names sort in order.
constexpr int64_t kMaxInterpolateSteps = 1000;
// Clips of one run: every latent point is drawn before the first batch (so that a seed gives the
// same clips whatever the batch size), and 10^8 of them took 22 GB before anything was written.
constexpr int64_t kMaxClips = 1000000;

struct GenerateOptions {
  std::string model;
  int64_t n_clips = 1;
  std::string out_dir;
  int64_t seed = -1;
  int64_t length_samples = 0;     ///< 0: the model's clip length
  int64_t interpolate_steps = 0;  ///< 0: no interpolation
  bool interpolate_given = false;
  int64_t batch_size = 32;
  int griffin_lim_iterations = -1;  ///< < 0: the checkpoint's
  bool griffin_lim_given = false;
  std::string device = "auto";
  std::string format = "pcm16";
  bool overwrite = false;
};

// Where to get clips of `n_samples`, for the error message: the generator presets whose clips
// are that long, or, when none is, the longest preset.
std::string presets_for_length(int64_t n_samples) {
  std::string names;
  std::string longest;
  int64_t longest_samples = 0;
  for (const auto& name : list_presets()) {
    try {
      auto preset = load_preset(name);
      const auto kind = preset.value("kind", std::string());
      if (kind != "wavegan" && kind != "specgan") continue;
      const int64_t length = preset["model"].value("n_samples", int64_t(16384));
      const std::string entry = name + " (" + std::to_string(length) + " samples)";
      if (length >= n_samples) names += (names.empty() ? "" : ", ") + entry;
      if (length > longest_samples) {
        longest = entry;
        longest_samples = length;
      }
    } catch (const Error&) {
      continue;
    }
  }
  if (!names.empty()) return "; for longer clips train a model from a longer preset: " + names;
  if (!longest.empty()) return "; no preset makes clips that long; the longest is " + longest;
  return "";
}

// Zero-padded so that names sort in order: clip_007.wav, line_002_step_004.wav.
std::string padded(int64_t value, size_t width) {
  std::string digits = std::to_string(value);
  return std::string(digits.size() < width ? width - digits.size() : 0, '0') + digits;
}

std::string clip_name(int64_t index, int64_t n, int64_t step = -1) {
  const size_t width = std::max<size_t>(3, std::to_string(std::max<int64_t>(n - 1, 0)).size());
  if (step < 0) return "clip_" + padded(index, width) + ".wav";
  return "line_" + padded(index, width) + "_step_" + padded(step, 3) + ".wav";
}

// The files a run writes: N clips, or N lines of STEPS points.
std::vector<std::string> output_names(const GenerateOptions& options) {
  std::vector<std::string> names;
  for (int64_t i = 0; i < options.n_clips; ++i) {
    if (options.interpolate_steps <= 0) {
      names.push_back(clip_name(i, options.n_clips));
      continue;
    }
    for (int64_t s = 0; s < options.interpolate_steps; ++s)
      names.push_back(clip_name(i, options.n_clips, s));
  }
  return names;
}

// Clips from a random seed cannot be made again, so an earlier run's clips are kept unless the
// user asks otherwise; checked before the model is loaded, so that nothing is written.
void ensure_nothing_overwritten(const std::filesystem::path& out_dir,
                                const std::vector<std::string>& names) {
  std::error_code ec;
  std::filesystem::path first;
  int64_t n_existing = 0;
  for (const auto& name : names) {
    if (!std::filesystem::exists(out_dir / name, ec)) continue;
    if (n_existing++ == 0) first = out_dir / name;
  }
  if (n_existing == 0) return;
  throw UsageError("-o " + out_dir.string() + ": " + first.string() + " already exists (" +
                   std::to_string(n_existing) + " of the " + std::to_string(names.size()) +
                   " files to write would be overwritten); choose another -o folder or pass "
                   "--overwrite");
}

int run_generate(const GenerateOptions& options) {
  if (options.interpolate_given &&
      (options.interpolate_steps < 2 || options.interpolate_steps > kMaxInterpolateSteps)) {
    throw UsageError("--interpolate: expected 2 to " + std::to_string(kMaxInterpolateSteps) +
                     " points per line (both ends included), got " +
                     std::to_string(options.interpolate_steps));
  }
  const int64_t per_line = std::max<int64_t>(1, options.interpolate_steps);
  if (options.n_clips > kMaxClips / per_line) {
    throw UsageError("-n: expected at most " + std::to_string(kMaxClips) +
                     " clips in one run (-n times --interpolate), got " +
                     std::to_string(options.n_clips) +
                     (per_line > 1 ? " x " + std::to_string(per_line) : std::string()) +
                     "; run generate again with another --seed for more");
  }
  const auto format = audio::parse_sample_format(options.format);
  audio::ensure_output_folder(options.out_dir, "-o");
  const std::filesystem::path out_dir = options.out_dir;
  const std::vector<std::string> names = output_names(options);
  if (!options.overwrite) ensure_nothing_overwritten(out_dir, names);

  infer::SamplerOptions sampler_options;
  sampler_options.device = options.device;
  sampler_options.batch_size = options.batch_size;
  sampler_options.griffin_lim_iterations = options.griffin_lim_iterations;
  infer::Sampler sampler(options.model, sampler_options);
  if (options.griffin_lim_given && sampler.kind() != "specgan")
    log::warn("--griffin-lim is ignored: it applies to SpecGAN, and ", options.model, " is a ",
              sampler.kind(), " checkpoint");

  const int64_t length = options.length_samples > 0 ? options.length_samples : sampler.n_samples();
  if (length > sampler.n_samples()) {
    throw UsageError("--length " + std::to_string(length) + ": " + options.model +
                     " makes clips of " + std::to_string(sampler.n_samples()) +
                     " samples, so --length can be 1 to " + std::to_string(sampler.n_samples()) +
                     presets_for_length(length));
  }
  uint64_t seed = options.seed >= 0 ? static_cast<uint64_t>(options.seed) : std::random_device{}();
  log::info("generate: ", sampler.kind(), " at step ", sampler.step(), ", seed ", seed, ", ",
            length, " samples at ", sampler.sample_rate_hz(), " Hz");

  // Latent points, in the order of `names`: N random ones, or N lines of STEPS points between
  // pairs of random ends.
  torch::Tensor latents;
  if (options.interpolate_steps > 0) {
    auto ends = sampler.random_latents(2 * options.n_clips, seed);
    std::vector<torch::Tensor> lines;
    for (int64_t i = 0; i < options.n_clips; ++i)
      lines.push_back(
          infer::Sampler::interpolate(ends[2 * i], ends[2 * i + 1], options.interpolate_steps));
    latents = torch::cat(lines);
  } else {
    latents = sampler.random_latents(options.n_clips, seed);
  }

  audio::mark_output_folder(out_dir, "generate");
  Progress progress("generate", latents.size(0), "clips");
  int64_t n_clipped = 0;
  for (int64_t start = 0; start < latents.size(0); start += options.batch_size) {
    if (interrupt_requested()) {
      progress.finish("interrupted");
      throw Interrupted("generate stopped after " + std::to_string(start) + " of " +
                        std::to_string(latents.size(0)) + " clips; those are in " +
                        out_dir.string());
    }
    const int64_t n = std::min(options.batch_size, latents.size(0) - start);
    auto clips = sampler.generate(latents.narrow(0, start, n));
    for (int64_t i = 0; i < n; ++i) {
      audio::Audio clip{std::vector<float>(clips[i].begin(), clips[i].begin() + length),
                        sampler.sample_rate_hz(), 1};
      const auto path = out_dir / names[start + i];
      n_clipped += audio::write(path, clip, format).n_clipped;
      std::cout << path.string() << "\n";
    }
    // Flushed per batch, so that a run stopped by Ctrl-C lists whole names of what it wrote.
    std::cout.flush();
    progress.update(start + n);
  }
  progress.finish();
  if (n_clipped > 0) log::warn(n_clipped, " samples were clipped to full scale");
  return 0;
}

void add_generate_command(CLI::App& root, Action& action) {
  auto options = std::make_shared<GenerateOptions>();
  CLI::App* sub = root.add_subcommand("generate", "Write clips sampled from a trained generator");
  sub->add_option("--model", options->model, "Checkpoint from train-gen (last.pt)")->required();
  sub->add_option("-n", options->n_clips, "Clips to write (with --interpolate: lines to write)")
      ->check(positive_integer())
      ->capture_default_str();
  sub->add_option("-o,--out,--output", options->out_dir,
                  "Output folder; a run that would replace files already there (clip_000.wav, "
                  "...) is refused unless --overwrite")
      ->required();
  sub->add_flag("--overwrite", options->overwrite,
                "Replace clips of the same names already in the -o folder");
  sub->add_option(
      "--seed", options->seed,
      "Seed of the latent points; a negative one (the default) picks a random seed, which "
      "is logged");
  sub->add_option(
         "--length", options->length_samples,
         "Samples per clip: 1 to the model's clip length, keeping the start (default: the model's)")
      ->check(positive_integer());
  CLI::Option* interpolate = sub->add_option(
      "--interpolate", options->interpolate_steps,
      "STEPS (2 to 1000): per -n, write STEPS clips at evenly spaced points on the straight line "
      "between two random latent points, both ends included");
  sub->add_option("--batch-size", options->batch_size, "Latent points per forward pass")
      ->check(positive_integer())
      ->capture_default_str();
  CLI::Option* griffin_lim =
      sub->add_option("--griffin-lim", options->griffin_lim_iterations,
                      "SpecGAN: Griffin-Lim iterations, 1 or more (default: the model's)")
          ->check(positive_integer());
  sub->add_option("--device", options->device, "auto, cpu or cuda")->capture_default_str();
  sub->add_option("--format", options->format, "pcm16, pcm24 or float32")->capture_default_str();
  sub->callback([options, interpolate, griffin_lim, &action] {
    options->interpolate_given = interpolate->count() > 0;
    options->griffin_lim_given = griffin_lim->count() > 0;
    action = [options] { return run_generate(*options); };
  });
}

const CommandRegistration kRegistration{90, add_generate_command};

}  // namespace
}  // namespace rawgan::cli
