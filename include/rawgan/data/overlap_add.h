// Windowed enhancement of a stream: the signal is cut into overlapping windows of the model's
// length, windows are run through the model in batches, and the outputs are cross-faded back
// into one signal of exactly the input's length.
//
// Window k starts at k * hop, hop = window - overlap. Neighbouring windows overlap by
// `overlap_samples`, where the earlier one fades out and the later one fades in with
// complementary raised-cosine (sin^2 / cos^2) ramps that sum to one, so an identity model gives
// back its input; the first window does not fade in and the last does not fade out. The last
// window is padded with zeros past the end of the input. A lead-in runs the first window over
// zeros before the input's start and drops their outputs: a model's output is least reliable
// over its window's first samples (an undertrained SEGAN puts a thump there), which every later
// window fades in over and the first alone would keep. A short cross-fade removes seams at far
// less cost than 50 % overlap: the work per input sample is window / hop.
//
// Not thread-safe: one object per stream. Call `process` any number of times, then `finish`.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <vector>

namespace rawgan::data {

/// Maps a batch of windows [batch, 1, window] to enhanced windows of the same shape, on the
/// device of its input. Called under torch::InferenceMode.
using WindowModel = std::function<torch::Tensor(const torch::Tensor&)>;

struct WindowingOptions {
  int64_t window_samples = 16384;  ///< model window, > 0
  int64_t overlap_samples = 1024;  ///< cross-fade length, in [0, window_samples / 2]
  int64_t batch_size = 8;          ///< windows per model call, > 0 (channels count separately)
  int64_t lead_in_samples = 0;     ///< zeros before the input, in [0, window_samples / 2]
};

/// The cross-fade rawgan enhance uses unless told otherwise, and its lead-in: 1/16 of the
/// window (1024 samples, 64 ms, of a 16384-sample window at 16 kHz).
inline int64_t default_overlap_samples(int64_t window_samples) {
  return window_samples / 16;
}

/// The fade-in ramp of a cross-fade of `n_samples`: sin^2(pi/2 (i + 0.5) / n). Reversed, it is
/// the matching fade-out; the two sum to one at every sample.
std::vector<float> crossfade_ramp(int64_t n_samples);

class OverlapAdd {
 public:
  /// Throws UsageError naming the setting when the options are out of range.
  OverlapAdd(WindowModel model, const WindowingOptions& options, int n_channels,
             torch::Device device = torch::kCPU);

  /// Takes `n_frames` interleaved frames and appends the frames whose output is final to `out`
  /// (interleaved). Output lags input by up to about a window plus a batch of hops.
  void process(const float* interleaved, int64_t n_frames, std::vector<float>& out);

  /// Ends the stream: runs the remaining windows and appends the rest of the output. In total
  /// exactly as many frames come out as went in.
  void finish(std::vector<float>& out);

  int64_t hop_samples() const { return hop_; }
  int64_t n_windows_run() const { return n_windows_run_; }

 private:
  struct Pending {
    int64_t index;  // window number k
    bool last;
  };

  void extract_window(int64_t index, bool last);
  void run_batch(std::vector<float>& out);
  void add_window(const float* const* outputs, const Pending& window, std::vector<float>& out);

  WindowModel model_;
  WindowingOptions options_;
  int n_channels_;
  torch::Device device_;
  int64_t hop_;
  std::vector<float> ramp_;

  int64_t n_in_ = 0;     // frames received
  int64_t in_base_ = 0;  // absolute frame of input_[c][0]
  int64_t next_window_ = 0;
  std::vector<std::vector<float>> input_;        // per channel, frames not yet needed dropped
  std::vector<Pending> pending_;                 // windows waiting for the model, in order
  std::vector<float> batch_;                     // [pending][channel][window] samples
  int64_t out_base_ = 0;                         // absolute frame of accumulator_[c][0]
  std::vector<std::vector<float>> accumulator_;  // per channel, weighted sums not yet final
  int64_t n_windows_run_ = 0;
  int64_t n_skip_ = 0;  // output frames of the lead-in not dropped yet
  bool finished_ = false;
};

}  // namespace rawgan::data
