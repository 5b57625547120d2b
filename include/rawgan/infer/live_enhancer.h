// Low-delay streaming enhancement with a window model, for `rawgan live`.
//
// Offline enhancement (enhancer.h) waits for a whole window before any of it comes out, which
// for SEGAN's windows is a second or more. Live enhancement instead slides the model's window
// along the stream one hop at a time: after each hop of new input the model runs on the most
// recent window of input, and only the stretch of its output that ends `lookahead` samples
// before the window's end is kept. Every output sample then lags its input by exactly the
// look-ahead, and the model still sees window - lookahead samples of past context for it.
// Neighbouring stretches are cross-faded with the ramps of overlap_add.h, so an identity model
// passes the stream through unchanged. The trade-off is explicit: a shorter look-ahead means
// less delay but samples nearer the window's edge, where the model has less future context;
// a shorter hop means less buffering but more model runs (window / hop per window of audio).
//
// Pre-emphasis, de-emphasis and the DC blocker run over the whole stream with state, as in
// Enhancer. Works at the model's own rate, mono. Not thread-safe: one thread drives it.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

#include "rawgan/dsp/emphasis.h"
#include "rawgan/infer/enhancer.h"

namespace rawgan::infer {

struct LiveEnhancerOptions {
  int64_t hop_samples = 0;        ///< new samples per model run; 0: window / 8
  int64_t lookahead_samples = 0;  ///< future context of each output sample; 0: window / 4
  /// Cut-off of the DC blocker after de-emphasis; 0: off.
  double dc_block_hz = dsp::kDefaultDcBlockHz;
};

class LiveEnhancer {
 public:
  /// Throws UsageError naming the setting when hop + look-ahead exceed the window or either is
  /// not positive.
  LiveEnhancer(EnhancementModel model, const LiveEnhancerOptions& options,
               torch::Device device = torch::kCPU);

  int64_t hop_samples() const { return hop_; }
  /// Output sample n is the enhancement of input sample n - latency_samples().
  int64_t latency_samples() const { return lookahead_; }
  int64_t crossfade_samples() const { return static_cast<int64_t>(ramp_.size()); }
  int sample_rate_hz() const { return model_.sample_rate_hz; }
  const EnhancementModel& model() const { return model_; }

  /// Reads hop_samples() input samples and writes hop_samples() output samples. May be called
  /// from another thread than the constructor's; it then uses the constructor's thread count.
  void process(const float* input, float* output);

  std::string describe() const;

 private:
  EnhancementModel model_;
  torch::Device device_;
  int64_t window_;
  int64_t hop_;
  int64_t lookahead_;
  int n_threads_;               // LibTorch threads of the constructing thread, used by process
  std::vector<float> ramp_;     // fade-in over the cross-fade
  std::vector<float> history_;  // the last window of pre-emphasised input
  std::vector<float> tail_;     // the previous run's output just past its kept stretch
  dsp::PreEmphasis pre_emphasis_;
  dsp::ModelOutputFilter output_filter_;
};

}  // namespace rawgan::infer
