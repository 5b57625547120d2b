// rawgan eval-gen --real DIR --generated DIR: compares a folder of generated clips with the real
// ones: the diversity of each set and the Frechet distance between their log-mel frame
// statistics (definitions in rawgan/train/gen_features.h). Results go to stdout, one
// "name value" line each; --json FILE also writes them as JSON, as eval and bench do (refused
// before any work when it would overwrite an input or another kind of file).
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "command.h"
#include "rawgan/audio/files.h"
#include "rawgan/data/clips.h"
#include "rawgan/train/gen_features.h"
#include "rawgan/train/run.h"
#include "rawgan/util/error.h"
#include "rawgan/util/log.h"

namespace rawgan::cli {
namespace {

struct EvalGenOptions {
  std::string real_dir;
  std::string generated_dir;
  int sample_rate_hz = 16000;
  int64_t clip_samples = 16384;
  int n_threads = 0;
  std::string json;  ///< report file; empty: none
};

struct SetFigures {
  int64_t n_clips = 0;
  double diversity_db = 0;
  train::FeatureStats stats;
};

// `generated`: the set is a generator's output, measured whole; clips of digital silence are
// part of it (a real set skips them, as training does).
SetFigures measure(const std::string& dir, const EvalGenOptions& options, bool generated) {
  data::ClipOptions clip_options;
  clip_options.sample_rate_hz = options.sample_rate_hz;
  clip_options.clip_samples = options.clip_samples;
  clip_options.skip_digital_silence = !generated;
  auto clips = data::load_clips(dir, clip_options).clips;
  train::LogMelOptions features;
  features.sample_rate_hz = options.sample_rate_hz;
  auto frames = train::log_mel_frames(clips, features);
  SetFigures figures;
  figures.n_clips = clips.size(0);
  figures.diversity_db = train::diversity(train::clip_features(frames, features));
  figures.stats = train::feature_stats(frames);
  return figures;
}

int run_eval_gen(const EvalGenOptions& options) {
  // The STFT is centred, so even a 10-sample clip yields a frame, but one that is mostly
  // padding: require a full analysis window, below which the features say little about the clip
  // (and tens of thousands of tiny slices take minutes).
  const int window_samples = train::LogMelOptions{}.window_samples;
  if (options.clip_samples < window_samples)
    throw UsageError("--clip-samples: expected at least " + std::to_string(window_samples) +
                     " (one STFT window of the log-mel features), got " +
                     std::to_string(options.clip_samples));
  // Every clip is held in memory at this length: 10^7 samples took 2.2 GB for a handful of
  // files, so the length is capped at 16 times the longest preset's clips (65536).
  constexpr int64_t kMaxClipSamples = 1 << 20;
  if (options.clip_samples > kMaxClipSamples)
    throw UsageError("--clip-samples: expected at most " + std::to_string(kMaxClipSamples) +
                     " (65.5 s at 16 kHz), got " + std::to_string(options.clip_samples));
  if (!options.json.empty()) {
    std::vector<std::filesystem::path> inputs = audio::find_audio_files(options.real_dir);
    for (auto& path : audio::find_audio_files(options.generated_dir))
      inputs.push_back(std::move(path));
    check_report_path("--json", options.json, inputs);
  }
  train::set_thread_count(options.n_threads);
  const SetFigures real = measure(options.real_dir, options, false);
  const SetFigures generated = measure(options.generated_dir, options, true);
  const double frechet = train::frechet_distance(real.stats, generated.stats);
  if (real.n_clips < 2 || generated.n_clips < 2)
    log::warn("diversity needs at least 2 clips per set; a set of 1 scores 0");
  // One list of figures for both outputs, so that the two always agree.
  const std::vector<std::pair<std::string, nlohmann::json>> figures = {
      {"real_clips", real.n_clips},
      {"generated_clips", generated.n_clips},
      {"diversity_real_db", real.diversity_db},
      {"diversity_generated_db", generated.diversity_db},
      {"frechet_distance_db2", frechet}};
  nlohmann::json report;
  for (const auto& [name, value] : figures) {
    std::cout << name << ' ' << value.dump() << '\n';
    report[name] = value;
  }
  if (!options.json.empty()) write_report(options.json, "eval-gen", report);
  return 0;
}

void add_eval_gen_command(CLI::App& root, Action& action) {
  auto options = std::make_shared<EvalGenOptions>();
  CLI::App* sub = root.add_subcommand(
      "eval-gen", "Diversity of real and generated clips and the Frechet distance between them");
  sub->add_option("--real", options->real_dir, "Folder of real clips")->required();
  sub->add_option("--generated", options->generated_dir, "Folder of generated clips")->required();
  // 40 mel bands from 0 Hz to Nyquist: far below speech rates they are narrower than the STFT's
  // bins, and the figures mean nothing (a rate of 100 Hz still printed some).
  sub->add_option("--rate", options->sample_rate_hz,
                  "Sample rate both sets are compared at, 8000 to 192000 Hz")
      ->check(whole_number_from_to(8000, 192000))
      ->capture_default_str();
  sub->add_option("--clip-samples", options->clip_samples,
                  "Clip length, " + std::to_string(train::LogMelOptions{}.window_samples) +
                      " or more: shorter files are padded, longer ones sliced")
      ->capture_default_str();
  sub->add_option("--threads", options->n_threads, "CPU threads (0: all)")->capture_default_str();
  sub->add_option("--json", options->json, "Also write the figures to this JSON file");
  sub->callback([options, &action] { action = [options] { return run_eval_gen(*options); }; });
}

const CommandRegistration kRegistration{100, add_eval_gen_command};

}  // namespace
}  // namespace rawgan::cli
