// First-order pre-emphasis and its inverse, as used by SEGAN (Pascual et al. 2017, sec. 4:
// coefficient 0.95 applied to inputs before training, removed from outputs), and the DC blocker
// that enhancement applies with it. The whole-signal functions treat x[-1] as 0; the
// streaming classes carry their state across blocks, so a stream cut into blocks gives exactly
// what the whole signal would.
#pragma once

#include <cstdint>
#include <vector>

namespace rawgan::dsp {

constexpr float kDefaultEmphasis = 0.95f;

/// In place: y[n] = x[n] - coefficient * x[n - 1], with x[-1] = 0.
void pre_emphasis(std::vector<float>& samples, float coefficient = kDefaultEmphasis);

/// In place, the exact inverse of pre_emphasis: y[n] = x[n] + coefficient * y[n - 1].
void de_emphasis(std::vector<float>& samples, float coefficient = kDefaultEmphasis);

/// pre_emphasis over a stream of interleaved blocks, one state per channel. Coefficient 0
/// passes the samples through.
class PreEmphasis {
 public:
  PreEmphasis(float coefficient, int n_channels);
  void process(float* interleaved, int64_t n_frames);

 private:
  float coefficient_;
  std::vector<float> last_input_;
};

/// de_emphasis over a stream of interleaved blocks, one state per channel.
class DeEmphasis {
 public:
  DeEmphasis(float coefficient, int n_channels);
  void process(float* interleaved, int64_t n_frames);
  /// Sets the state as if each channel's input had stood at `input_levels[c]` forever, and
  /// returns the output levels that gives, input_level / (1 - coefficient) (the input levels
  /// themselves for a coefficient of 0 or 1, which leave the state alone).
  std::vector<float> prime(const std::vector<float>& input_levels);

 private:
  float coefficient_;
  std::vector<float> last_output_;
};

/// The DC blocker's cut-off that rawgan enhance, live and training's validation apply to the
/// model's output (ModelOutputFilter), so that validation scores what enhancement writes.
constexpr double kDefaultDcBlockHz = 20.0;

/// One-pole DC blocker, y[n] = x[n] - x[n - 1] + r y[n - 1] with r = exp(-2 pi fc / fs): a zero
/// at 0 Hz and a pole just inside it, -3 dB near `cutoff_hz`. De-emphasis has a gain of
/// 1 / (1 - a) at 0 Hz (20 for a = 0.95), so it turns a small offset in a model's output into a
/// large one; this removes it. A cut-off of 0 passes the samples through.
class DcBlocker {
 public:
  DcBlocker(double cutoff_hz, int sample_rate_hz, int n_channels);
  void process(float* interleaved, int64_t n_frames);
  /// Sets the state as if each channel had stood at `levels[c]` forever, so that an offset
  /// present from the first sample leaves without a transient (from zero state, y[0] = x[0]).
  void prime(const std::vector<float>& levels);
  bool enabled() const { return pole_ != 0.0f; }

 private:
  float pole_ = 0.0f;
  std::vector<float> last_input_;
  std::vector<float> last_output_;
};

/// What enhancement, live enhancement and validation apply to a SEGAN's pre-emphasised output:
/// de-emphasis, then the DC blocker (when dc_block_hz > 0). From zero state, de-emphasis would
/// ramp a model's small offset up 1 / (1 - coefficient) times over its first milliseconds, and
/// the blocker would pass that ramp as a thump at the start of every output. So the first
/// block primes both filters with the offset, estimated as the mean of the first
/// kPrimeFrames frames: in the pre-emphasised domain speech has almost no DC (pre-emphasis
/// passes 0 Hz at 1 - coefficient), so that mean is close to the model's offset alone. A
/// stream cut into blocks gives what the whole signal would if the first block holds
/// kPrimeFrames frames (or the whole signal).
class ModelOutputFilter {
 public:
  static constexpr int64_t kPrimeFrames = 1024;

  ModelOutputFilter(float emphasis, double dc_block_hz, int sample_rate_hz, int n_channels);
  void process(float* interleaved, int64_t n_frames);

 private:
  DeEmphasis de_emphasis_;
  DcBlocker dc_blocker_;
  int n_channels_;
  bool primed_ = false;
};

}  // namespace rawgan::dsp
