#include "rawgan/infer/enhancer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "rawgan/audio/resampler.h"
#include "rawgan/audio/stream.h"
#include "rawgan/dsp/emphasis.h"
#include "rawgan/util/error.h"
#include "rawgan/util/interrupt.h"
#include "rawgan/util/log.h"

namespace rawgan::infer {
namespace {

// Six significant digits, without std::to_string's fixed "1024.000000".
std::string number(double value) {
  std::ostringstream text;
  text << value;
  return text.str();
}

// A cut-off at or above Nyquist has no meaning for a one-pole filter at the model's rate (its
// pole goes to 0 and it differentiates the signal), so 0 (off) or a value below rate / 2 only.
void check_dc_block_hz(double dc_block_hz, int sample_rate_hz) {
  const double nyquist_hz = sample_rate_hz / 2.0;
  if (dc_block_hz == 0 ||
      (std::isfinite(dc_block_hz) && dc_block_hz > 0 && dc_block_hz < nyquist_hz))
    return;
  throw UsageError("--dc-block-hz: expected 0 (off) or a cut-off below " + number(nyquist_hz) +
                   " Hz, the Nyquist frequency of the model's " + std::to_string(sample_rate_hz) +
                   " Hz, got " + number(dc_block_hz));
}

}  // namespace

int64_t overlap_samples_for(double overlap_ms, int sample_rate_hz, int64_t window_samples) {
  if (overlap_ms < 0) return data::default_overlap_samples(window_samples);
  return std::llround(overlap_ms * sample_rate_hz / 1000.0);
}

// One input stream through the whole chain: resample to the model's rate, pre-emphasis,
// windowed model, de-emphasis, resample back, cut to the input's length. The emphasis filters
// run over the whole stream (not per window) with their state carried across blocks, as the
// model saw them in training (Pascual et al. 2017, sec. 4).
class Enhancer::Stream {
 public:
  Stream(const Enhancer& enhancer, int sample_rate_hz, int n_channels)
      : n_channels_(n_channels),
        to_model_(sample_rate_hz, enhancer.model_.sample_rate_hz, n_channels),
        from_model_(enhancer.model_.sample_rate_hz, sample_rate_hz, n_channels),
        overlap_add_(enhancer.model_.model, enhancer.windowing_, n_channels, enhancer.device_),
        pre_emphasis_(enhancer.model_.pre_emphasis, n_channels),
        output_filter_(enhancer.model_.pre_emphasis, enhancer.options_.dc_block_hz,
                       enhancer.model_.sample_rate_hz, n_channels) {}

  void process(const float* interleaved, int64_t n_frames, std::vector<float>& out) {
    n_in_ += n_frames;
    model_rate_.clear();
    to_model_.process(interleaved, n_frames, model_rate_);
    pre_emphasis_.process(model_rate_.data(), frames(model_rate_));
    enhanced_.clear();
    overlap_add_.process(model_rate_.data(), frames(model_rate_), enhanced_);
    back_to_input_rate(out);
  }

  void finish(std::vector<float>& out) {
    model_rate_.clear();
    to_model_.finish(model_rate_);
    pre_emphasis_.process(model_rate_.data(), frames(model_rate_));
    enhanced_.clear();
    overlap_add_.process(model_rate_.data(), frames(model_rate_), enhanced_);
    overlap_add_.finish(enhanced_);
    back_to_input_rate(out);
    restored_.clear();
    from_model_.finish(restored_);
    append_limited(out);
    // Rounding in the two rate conversions can leave the output a frame short.
    if (n_out_ < n_in_) {
      out.resize(out.size() + (n_in_ - n_out_) * n_channels_, 0.0f);
      n_out_ = n_in_;
    }
  }

  int64_t n_windows() const { return overlap_add_.n_windows_run(); }

 private:
  int64_t frames(const std::vector<float>& v) const {
    return static_cast<int64_t>(v.size()) / n_channels_;
  }

  void back_to_input_rate(std::vector<float>& out) {
    output_filter_.process(enhanced_.data(), frames(enhanced_));
    restored_.clear();
    from_model_.process(enhanced_.data(), frames(enhanced_), restored_);
    append_limited(out);
  }

  void append_limited(std::vector<float>& out) {
    const int64_t n_keep = std::min(frames(restored_), n_in_ - n_out_);
    out.insert(out.end(), restored_.begin(), restored_.begin() + n_keep * n_channels_);
    n_out_ += n_keep;
  }

  int n_channels_;
  audio::Resampler to_model_;
  audio::Resampler from_model_;
  data::OverlapAdd overlap_add_;
  dsp::PreEmphasis pre_emphasis_;
  dsp::ModelOutputFilter output_filter_;
  std::vector<float> model_rate_;
  std::vector<float> enhanced_;
  std::vector<float> restored_;
  int64_t n_in_ = 0;
  int64_t n_out_ = 0;
};

Enhancer::Enhancer(EnhancementModel model, const EnhancerOptions& options, torch::Device device)
    : model_(std::move(model)), options_(options), device_(device) {
  if (model_.sample_rate_hz <= 0)
    throw UsageError("model rate must be positive, got " + std::to_string(model_.sample_rate_hz));
  if (options.block_frames <= 0)
    throw UsageError("block must be positive, got " + std::to_string(options.block_frames));
  check_dc_block_hz(options.dc_block_hz, model_.sample_rate_hz);
  // nan would pass the "negative: default" test below and round to INT64_MIN samples.
  if (!std::isfinite(options.overlap_ms))
    throw UsageError("--overlap-ms: expected a finite number of ms, got " +
                     number(options.overlap_ms));
  windowing_.window_samples = model_.window_samples;
  windowing_.overlap_samples =
      overlap_samples_for(options.overlap_ms, model_.sample_rate_hz, model_.window_samples);
  windowing_.batch_size = options.batch_size;
  // The default cross-fade's length, whatever --overlap-ms says: the stretch at a window's start
  // that later windows fade in over (measured: with a 200-step segan-small the first 10 ms of
  // a silent file peaked at -4 dBFS without it, at -44 dBFS, the file's steady level, with it).
  windowing_.lead_in_samples = data::default_overlap_samples(model_.window_samples);
  if (2 * windowing_.overlap_samples > windowing_.window_samples) {
    const double max_overlap_ms = 1000.0 * (windowing_.window_samples / 2) / model_.sample_rate_hz;
    throw UsageError("--overlap-ms: expected at most " + number(max_overlap_ms) +
                     " ms (half the model's window of " +
                     std::to_string(windowing_.window_samples) + " samples at " +
                     std::to_string(model_.sample_rate_hz) + " Hz), got " +
                     number(options.overlap_ms) +
                     " ms = " + std::to_string(windowing_.overlap_samples) + " samples");
  }
  // Validates the remaining settings once, before any file is opened.
  data::OverlapAdd check(model_.model, windowing_, 1, device_);
}

EnhanceReport Enhancer::enhance_file(const std::filesystem::path& input,
                                     const std::filesystem::path& output,
                                     audio::SampleFormat format) {
  const auto start = std::chrono::steady_clock::now();
  audio::FileReader reader(input);
  const audio::FileInfo info = reader.info();
  const int n_channels = info.n_channels;
  Stream stream(*this, info.sample_rate_hz, n_channels);
  audio::FileWriter writer(output, info.sample_rate_hz, n_channels, format);

  std::vector<float> block(static_cast<size_t>(options_.block_frames) * n_channels);
  std::vector<float> out;
  EnhanceReport report;
  report.sample_rate_hz = info.sample_rate_hz;
  for (;;) {
    if (interrupt_requested()) throw Interrupted(input.string() + ": enhancement stopped");
    const int64_t n_read = reader.read(block.data(), options_.block_frames);
    if (n_read == 0) break;
    report.n_frames += n_read;
    out.clear();
    stream.process(block.data(), n_read, out);
    writer.write(out.data(), static_cast<int64_t>(out.size()) / n_channels);
  }
  if (report.n_frames == 0) throw InputError(input.string() + ": has no samples");
  if (info.n_frames > 0 && report.n_frames != info.n_frames)
    log::warn(input.string(), ": header promises ", info.n_frames, " frames, file holds ",
              report.n_frames);
  out.clear();
  stream.finish(out);
  writer.write(out.data(), static_cast<int64_t>(out.size()) / n_channels);
  writer.commit();

  report.duration_s = static_cast<double>(report.n_frames) / info.sample_rate_hz;
  report.n_windows = stream.n_windows();
  report.n_clipped = writer.n_clipped();
  report.elapsed_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

audio::Audio Enhancer::enhance(const audio::Audio& input, EnhanceReport* report) {
  const auto start = std::chrono::steady_clock::now();
  if (input.n_channels <= 0 || input.sample_rate_hz <= 0)
    throw UsageError("enhance: audio needs a positive rate and channel count");
  Stream stream(*this, input.sample_rate_hz, input.n_channels);
  audio::Audio output;
  output.sample_rate_hz = input.sample_rate_hz;
  output.n_channels = input.n_channels;
  output.samples.reserve(input.samples.size());
  stream.process(input.samples.data(), input.n_frames(), output.samples);
  stream.finish(output.samples);
  if (report) {
    report->n_frames = input.n_frames();
    report->sample_rate_hz = input.sample_rate_hz;
    report->duration_s = input.duration_s();
    report->n_windows = stream.n_windows();
    report->elapsed_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  return output;
}

}  // namespace rawgan::infer
