// rawgan baseline --method wiener|specsub IN... -o OUT: classical enhancement of files and
// folders, the reference every GAN result is compared with.
//
// Inputs and outputs follow `rawgan enhance`: a single input file may be written to an output
// file (OUT ending in .wav); otherwise OUT is a folder, an input file goes to OUT/<name>.wav
// and a folder's audio files (recursive) to OUT/<path inside the folder>.wav. Each output has
// the input's rate, channel count and exact length; each channel is enhanced on its own.
// Files are streamed block by block, so memory does not grow with their length.
#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "command.h"
#include "rawgan/audio/audio.h"
#include "rawgan/audio/files.h"
#include "rawgan/audio/stream.h"
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

// Streams one file through one enhancer per channel, block by block, so that memory stays
// bounded for inputs of any length. The enhancers' latency is compensated: their first
// latency_samples() outputs are dropped and zeros flush the last ones, so the output has
// exactly the input's frames. Returns the duration processed in seconds.
double enhance_file(const audio::FileJob& job, const BaselineOptions& options,
                    audio::SampleFormat format) {
  audio::FileReader reader(job.input);
  const audio::FileInfo& info = reader.info();
  if (info.n_frames <= 0) throw InputError(job.input.string() + ": has no samples");
  // The enhancers refuse such rates as a usage error, which would end the whole batch: here it
  // is this file's fault, and the others go on.
  if (info.sample_rate_hz < dsp::kMinEnhancementRateHz) {
    throw InputError(job.input.string() + ": expected a sample rate of at least " +
                     std::to_string(dsp::kMinEnhancementRateHz) + " Hz for " + options.method +
                     ", got " + std::to_string(info.sample_rate_hz));
  }
  const int n_channels = info.n_channels;
  std::vector<dsp::SpectralEnhancer> enhancers;
  for (int c = 0; c < n_channels; ++c)
    enhancers.push_back(
        options.method == "wiener"
            ? dsp::SpectralEnhancer::wiener(info.sample_rate_hz, options.wiener)
            : dsp::SpectralEnhancer::spectral_subtraction(info.sample_rate_hz, options.specsub));
  const int64_t hop = enhancers[0].hop_samples();
  int64_t n_to_skip = enhancers[0].latency_samples();

  audio::FileWriter writer(job.output, info.sample_rate_hz, n_channels, format);
  std::vector<float> in_block(hop * n_channels);
  std::vector<float> out_block(hop * n_channels);
  std::vector<float> channel_in(hop);
  std::vector<float> channel_out(hop);
  int64_t n_read_total = 0;
  int64_t n_written = 0;
  while (n_written < info.n_frames) {
    // Past the end of the file the block is zeros, which flushes the latency.
    const int64_t n_read = n_read_total < info.n_frames ? reader.read(in_block.data(), hop) : 0;
    if (n_read == 0 && n_read_total < info.n_frames)
      throw InputError(job.input.string() + ": truncated: header promises " +
                       std::to_string(info.n_frames) + " frames, read " +
                       std::to_string(n_read_total));
    n_read_total += n_read;
    std::fill(in_block.begin() + n_read * n_channels, in_block.end(), 0.0f);
    for (int c = 0; c < n_channels; ++c) {
      for (int64_t i = 0; i < hop; ++i)
        channel_in[i] = in_block[i * n_channels + c];
      enhancers[c].process(channel_in.data(), channel_out.data());
      for (int64_t i = 0; i < hop; ++i)
        out_block[i * n_channels + c] = channel_out[i];
    }
    const int64_t skip = std::min(n_to_skip, hop);
    n_to_skip -= skip;
    const int64_t n_out = std::min(hop - skip, info.n_frames - n_written);
    writer.write(out_block.data() + skip * n_channels, n_out);
    n_written += n_out;
  }
  writer.commit();
  if (writer.n_clipped() > 0)
    log::warn(job.output.string(), ": ", writer.n_clipped(), " samples clipped");
  return double(info.n_frames) / info.sample_rate_hz;
}

int run_baseline(const BaselineOptions& options) {
  const audio::SampleFormat format = audio::parse_sample_format(options.format);
  const std::vector<audio::FileJob> jobs = audio::plan_file_jobs(
      std::vector<fs::path>(options.inputs.begin(), options.inputs.end()), options.output);
  log::info("baseline ", options.method, ": ", jobs.size(), " file(s) -> ", options.output);

  audio::mark_planned_output_folder(jobs, options.output, "baseline");
  Progress progress("baseline " + options.method, static_cast<int64_t>(jobs.size()), "files");
  int n_failed = 0;
  double audio_s = 0;
  for (size_t i = 0; i < jobs.size(); ++i) {
    if (interrupt_requested())
      throw Interrupted("baseline stopped after " + std::to_string(i) + " of " +
                        std::to_string(jobs.size()) + " files");
    try {
      audio_s += enhance_file(jobs[i], options, format);
    } catch (const InputError& e) {
      log::error(e.what());
      ++n_failed;
    }
    progress.update(static_cast<int64_t>(i + 1), jobs[i].input.filename().string());
  }
  progress.finish();
  // No audio processed (every file refused): no real-time factor to speak of.
  if (progress.elapsed_s() > 0 && audio_s > 0)
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
  sub->add_option("-o,--output,--out", options->output,
                  "Output folder (or a .wav file for a single input file)")
      ->required();
  sub->add_option("--format", options->format, "Output encoding: pcm16, pcm24 or float32")
      ->capture_default_str();
  // Ranges of dsp::SpectralEnhancer, checked here to name the option before any work.
  sub->add_option("--frame-ms", options->wiener.frame_ms, "STFT frame length in ms, 4 to 256")
      ->check(number_from_to(4, 256))
      ->capture_default_str();
  // Options of one method, each refused with the other rather than ignored without a word.
  const std::vector<std::pair<CLI::Option*, std::string>> method_options = {
      {sub->add_option("--dd-alpha", options->wiener.dd_alpha,
                       "Wiener: decision-directed smoothing of the a priori SNR")
           ->check(unit_interval_number())
           ->capture_default_str(),
       "wiener"},
      {sub->add_option("--over-subtraction", options->specsub.over_subtraction,
                       "specsub: multiple of the noise power subtracted")
           ->check(number_from_to(0, 20))
           ->capture_default_str(),
       "specsub"},
      {sub->add_option("--spectral-floor", options->specsub.spectral_floor,
                       "specsub: fraction of the noisy power always kept")
           ->check(unit_interval_number())
           ->capture_default_str(),
       "specsub"}};
  sub->callback([options, method_options, &action] {
    for (const auto& [option, method] : method_options) {
      if (option->count() > 0 && options->method != method)
        throw UsageError(option->get_name() + " applies to --method " + method + " only, not to " +
                         options->method);
    }
    options->specsub.frame_ms = options->wiener.frame_ms;
    action = [options] { return run_baseline(*options); };
  });
}

const CommandRegistration kRegistration{50, add_baseline_command};

}  // namespace
}  // namespace rawgan::cli
