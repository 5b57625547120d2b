// Streaming sample-rate conversion with libsoxr, for inputs too long to resample in one call.
// Gives the same samples as `resample` in audio.h (same libsoxr quality), delivered block by
// block, and exactly round(n_in * out_rate / in_rate) frames once `finish` is called.
//
// One object converts one stream; it is not thread-safe. Call `process` any number of times,
// then `finish` once; after `finish` the object accepts nothing more.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

namespace rawgan::audio {

class Resampler {
 public:
  /// Both rates in Hz (positive); throws UsageError otherwise and RuntimeError when libsoxr
  /// refuses the conversion. Equal rates pass samples through unchanged.
  Resampler(int in_rate_hz, int out_rate_hz, int n_channels);
  ~Resampler();
  Resampler(const Resampler&) = delete;
  Resampler& operator=(const Resampler&) = delete;

  /// Converts `n_frames` interleaved frames and appends what is ready to `out` (interleaved).
  /// The filter holds back a few hundred frames until later input or `finish` releases them.
  void process(const float* interleaved, int64_t n_frames, std::vector<float>& out);

  /// Flushes the filter and appends the last frames, so that the total output is exactly
  /// round(n_in * out_rate / in_rate) frames (trimmed, or padded with zeros).
  void finish(std::vector<float>& out);

  int in_rate_hz() const { return in_rate_hz_; }
  int out_rate_hz() const { return out_rate_hz_; }
  int n_channels() const { return n_channels_; }

  /// Output frames for `n_in_frames` input frames: round(n_in * out_rate / in_rate).
  static int64_t output_frames(int64_t n_in_frames, int in_rate_hz, int out_rate_hz);

 private:
  void append(const float* frames, int64_t n_frames, std::vector<float>& out);

  int in_rate_hz_;
  int out_rate_hz_;
  int n_channels_;
  int64_t n_in_ = 0;
  int64_t n_out_ = 0;
  bool finished_ = false;
  std::vector<float> buffer_;
  struct Handle;
  std::unique_ptr<Handle> handle_;
};

}  // namespace rawgan::audio
