// First-order pre-emphasis and its inverse, as used by SEGAN (Pascual et al. 2017, sec. 4:
// coefficient 0.95 applied to inputs before training, removed from outputs), and the DC blocker
// that follows de-emphasis in enhancement. The whole-signal functions treat x[-1] as 0; the
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

 private:
  float coefficient_;
  std::vector<float> last_output_;
};

/// The DC blocker's cut-off that rawgan enhance, live and training's validation apply after
/// de-emphasis, so that validation scores what enhancement writes.
constexpr double kDefaultDcBlockHz = 20.0;

/// One-pole DC blocker, y[n] = x[n] - x[n - 1] + r y[n - 1] with r = exp(-2 pi fc / fs): a zero
/// at 0 Hz and a pole just inside it, -3 dB near `cutoff_hz`. De-emphasis has a gain of
/// 1 / (1 - a) at 0 Hz (20 for a = 0.95), so it turns a small offset in a model's output into a
/// large one; this removes it. A cut-off of 0 passes the samples through.
class DcBlocker {
 public:
  DcBlocker(double cutoff_hz, int sample_rate_hz, int n_channels);
  void process(float* interleaved, int64_t n_frames);

 private:
  float pole_ = 0.0f;
  std::vector<float> last_input_;
  std::vector<float> last_output_;
};

}  // namespace rawgan::dsp
