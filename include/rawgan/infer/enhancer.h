// Enhancement of whole files and signals of any length with a window model (e.g. a SEGAN
// generator): the input is converted to the model's rate, pre-emphasised, enhanced window by
// window with cross-fades (overlap_add.h), de-emphasised, converted back to the input's rate
// and written with exactly the input's length. Each channel is enhanced on its own (a stereo
// file stays stereo); the channels' windows share the model's batches.
//
// Files are streamed block by block through libsoxr's streaming resampler, so memory stays
// bounded (a few windows per channel) however long the input is.
//
// Not thread-safe: one Enhancer per thread (the model is called from the calling thread).
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include "rawgan/audio/audio.h"
#include "rawgan/data/overlap_add.h"
#include "rawgan/dsp/emphasis.h"

namespace rawgan::infer {

/// A model ready to enhance: its window function and the settings it was trained with.
struct EnhancementModel {
  data::WindowModel model;     ///< [batch, 1, window] -> same, on `device`
  int sample_rate_hz = 16000;  ///< rate the model works at
  int64_t window_samples = 16384;
  float pre_emphasis = 0.0f;  ///< coefficient applied before and removed after; 0 = none
  std::string description;    ///< for logs, e.g. "segan (segan-small) step 2000"
};

struct EnhancerOptions {
  /// Cross-fade between windows in milliseconds at the model's rate; negative selects the
  /// default of 1/16 of the window (64 ms for a 16384-sample window at 16 kHz); at most half
  /// the window; nan is refused.
  double overlap_ms = -1.0;
  int64_t batch_size = 8;        ///< windows per model call
  int64_t block_frames = 65536;  ///< frames read from a file per step
  /// Cut-off in Hz of a one-pole DC blocker applied after de-emphasis at the model's rate;
  /// 0 disables it; otherwise finite and below the Nyquist frequency of the model's rate.
  /// De-emphasis has a gain of 1 / (1 - a) at 0 Hz (20 for a = 0.95), so a small
  /// offset in the generator's output would otherwise become a large one in the audio.
  double dc_block_hz = dsp::kDefaultDcBlockHz;
};

/// What one enhancement did.
struct EnhanceReport {
  int64_t n_frames = 0;    ///< input (= output) frames
  int sample_rate_hz = 0;  ///< input (= output) rate; the model ran at its own
  double duration_s = 0;   ///< audio duration
  double elapsed_s = 0;    ///< wall-clock processing time
  int64_t n_windows = 0;   ///< model windows run (all channels)
  int64_t n_clipped = 0;   ///< output samples clipped to full scale
  double real_time_factor() const { return duration_s > 0 ? elapsed_s / duration_s : 0.0; }
};

class Enhancer {
 public:
  /// Throws UsageError, naming the rawgan enhance option, for options out of range (an overlap
  /// over half the window or nan, a DC-blocker cut-off at or above Nyquist or nan).
  Enhancer(EnhancementModel model, const EnhancerOptions& options,
           torch::Device device = torch::kCPU);

  /// Streams `input` to the WAV file `output` (written atomically). Throws InputError naming
  /// the input when it cannot be read or holds no samples, RuntimeError for output failures.
  EnhanceReport enhance_file(const std::filesystem::path& input,
                             const std::filesystem::path& output,
                             audio::SampleFormat format = audio::SampleFormat::kPcm16);

  /// Enhances a signal held in memory, through the same path; same rate, channels and length.
  audio::Audio enhance(const audio::Audio& input, EnhanceReport* report = nullptr);

  int64_t overlap_samples() const { return windowing_.overlap_samples; }
  const EnhancementModel& model() const { return model_; }

 private:
  class Stream;

  EnhancementModel model_;
  EnhancerOptions options_;
  data::WindowingOptions windowing_;
  torch::Device device_;
};

/// Overlap in samples for `overlap_ms` at `sample_rate_hz` (negative: window / 16).
int64_t overlap_samples_for(double overlap_ms, int sample_rate_hz, int64_t window_samples);

}  // namespace rawgan::infer
