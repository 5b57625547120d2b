// rawgan baseline --method wiener|specsub IN... -o OUT: classical enhancement of files and
// folders, the reference every GAN result is compared with.
//
// Inputs and outputs follow `rawgan enhance`: a single input file may be written to an output
// file (OUT ending in .wav); otherwise OUT is a folder, an input file goes to OUT/<name>.wav
// and a folder's audio files (recursive) to OUT/<path inside the folder>.wav. Each output has
// the input's rate, channel count and exact length; each channel is enhanced on its own.
#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "command.h"
#include "rawgan/audio/audio.h"
#include "rawgan/dsp/baselines.h"
#include "rawgan/util/error.h"
#include "rawgan/util/interrupt.h"
#include "rawgan/util/log.h"
#include "rawgan/util/progress.h"

namespace rawgan::cli {
namespace {

namespace fs = std::filesystem;

struct BaselineOptions {
  std::string method = "wiener";
  std::vector<std::string> inputs;
  std::string output;
  std::string format = "pcm16";
  dsp::WienerOptions wiener;
  dsp::SpectralSubtractionOptions specsub;
};

struct Job {
  fs::path input;
  fs::path output;
};

bool is_audio_file(const fs::path& path) {
  static const std::vector<std::string> kExtensions = {".wav",  ".flac", ".ogg", ".aif",
                                                       ".aiff", ".au",   ".w64", ".caf"};
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
  return std::find(kExtensions.begin(), kExtensions.end(), ext) != kExtensions.end();
}

// Pairs every input file with its output path, refusing collisions and overwriting inputs.
std::vector<Job> plan_jobs(const BaselineOptions& options) {
  const fs::path out(options.output);
  std::vector<Job> jobs;
  std::vector<fs::path> all_inputs;
  const bool single_file_output = options.inputs.size() == 1 &&
                                  fs::is_regular_file(options.inputs[0]) &&
                                  out.extension() == ".wav" && !fs::is_directory(out);
  for (const std::string& input : options.inputs) {
    const fs::path in(input);
    if (fs::is_regular_file(in)) {
      fs::path target = single_file_output ? out : out / in.filename().replace_extension(".wav");
      jobs.push_back({in, target});
    } else if (fs::is_directory(in)) {
      std::vector<fs::path> files;
      for (const auto& entry : fs::recursive_directory_iterator(in))
        if (entry.is_regular_file() && is_audio_file(entry.path())) files.push_back(entry.path());
      std::sort(files.begin(), files.end());
      if (files.empty()) log::warn(input, ": folder holds no audio files");
      for (const fs::path& file : files)
        jobs.push_back({file, (out / fs::relative(file, in)).replace_extension(".wav")});
    } else {
      throw InputError(input + ": no such file or folder");
    }
  }
  std::map<fs::path, fs::path> seen;
  for (const Job& job : jobs) {
    all_inputs.push_back(job.input);
    auto [it, inserted] = seen.emplace(job.output.lexically_normal(), job.input);
    if (!inserted)
      throw UsageError("inputs " + it->second.string() + " and " + job.input.string() +
                       " would both be written to " + job.output.string());
  }
  for (const Job& job : jobs)
    audio::ensure_not_an_input(job.output, all_inputs);
  return jobs;
}

// Enhances each channel separately and re-interleaves; the length is kept exactly.
audio::Audio enhance(const audio::Audio& in, const BaselineOptions& options) {
  audio::Audio out = in;
  const int64_t n_frames = in.n_frames();
  std::vector<float> channel(n_frames);
  for (int c = 0; c < in.n_channels; ++c) {
    for (int64_t i = 0; i < n_frames; ++i)
      channel[i] = in.samples[i * in.n_channels + c];
    const std::vector<float> enhanced =
        options.method == "wiener"
            ? dsp::enhance_wiener(channel, in.sample_rate_hz, options.wiener)
            : dsp::enhance_spectral_subtraction(channel, in.sample_rate_hz, options.specsub);
    for (int64_t i = 0; i < n_frames; ++i)
      out.samples[i * in.n_channels + c] = enhanced[i];
  }
  return out;
}

int run_baseline(const BaselineOptions& options) {
  const audio::SampleFormat format = audio::parse_sample_format(options.format);
  const std::vector<Job> jobs = plan_jobs(options);
  log::info("baseline ", options.method, ": ", jobs.size(), " file(s) -> ", options.output);

  Progress progress("baseline " + options.method, static_cast<int64_t>(jobs.size()), "files");
  int n_failed = 0;
  double audio_s = 0;
  for (size_t i = 0; i < jobs.size(); ++i) {
    if (interrupt_requested())
      throw Interrupted("baseline stopped after " + std::to_string(i) + " of " +
                        std::to_string(jobs.size()) + " files");
    try {
      const audio::Audio in = audio::read(jobs[i].input);
      const audio::WriteReport report = audio::write(jobs[i].output, enhance(in, options), format);
      if (report.n_clipped > 0)
        log::warn(jobs[i].output.string(), ": ", report.n_clipped, " samples clipped");
      audio_s += in.duration_s();
    } catch (const InputError& e) {
      log::error(e.what());
      ++n_failed;
    }
    progress.update(static_cast<int64_t>(i + 1), jobs[i].input.filename().string());
  }
  progress.finish();
  if (progress.elapsed_s() > 0)
    log::info("processed ", audio_s, " s of audio, real-time factor ",
              progress.elapsed_s() / std::max(audio_s, 1e-9));
  if (n_failed > 0) {
    log::error(n_failed, " of ", jobs.size(), " files could not be read");
    return static_cast<int>(ExitCode::kBadInput);
  }
  return 0;
}

void add_baseline_command(CLI::App& root, Action& action) {
  auto options = std::make_shared<BaselineOptions>();
  CLI::App* sub = root.add_subcommand(
      "baseline",
      "Enhance files or folders with a classical method (Wiener, spectral subtraction)");
  sub->add_option("--method", options->method, "wiener or specsub")
      ->check(CLI::IsMember({"wiener", "specsub"}))
      ->capture_default_str();
  sub->add_option("inputs", options->inputs, "Audio files or folders (searched recursively)")
      ->required();
  sub->add_option("-o,--output", options->output,
                  "Output folder (or a .wav file for a single input file)")
      ->required();
  sub->add_option("--format", options->format, "Output encoding: pcm16, pcm24 or float32")
      ->capture_default_str();
  sub->add_option("--frame-ms", options->wiener.frame_ms, "STFT frame length in ms")
      ->capture_default_str();
  sub->add_option("--dd-alpha", options->wiener.dd_alpha,
                  "Wiener: decision-directed smoothing of the a priori SNR")
      ->capture_default_str();
  sub->add_option("--over-subtraction", options->specsub.over_subtraction,
                  "specsub: multiple of the noise power subtracted")
      ->capture_default_str();
  sub->add_option("--spectral-floor", options->specsub.spectral_floor,
                  "specsub: fraction of the noisy power always kept")
      ->capture_default_str();
  sub->callback([options, &action] {
    options->specsub.frame_ms = options->wiener.frame_ms;
    action = [options] { return run_baseline(*options); };
  });
}

const CommandRegistration kRegistration{50, add_baseline_command};

}  // namespace
}  // namespace rawgan::cli
