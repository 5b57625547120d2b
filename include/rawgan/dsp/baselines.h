// Classical single-channel speech enhancement, the baselines every GAN result is compared with:
// a Wiener filter with the decision-directed a priori SNR of Ephraim & Malah (1984, eq. 51) and
// power spectral subtraction with over-subtraction and a spectral floor (Berouti, Schwartz &
// Makhoul 1979). Both track the noise spectrum through the signal (noise_tracker.h).
//
// Framing: sqrt-Hann analysis and synthesis windows of frame_ms (rounded to an even number of
// samples), hop half a frame, FFT of the frame length; the squared window overlap-adds to 1, so
// a gain of 1 returns the input exactly. Silence and all-zero input give all-zero output, never
// NaN or infinity.
#pragma once

#include <memory>
#include <vector>

#include "rawgan/dsp/noise_tracker.h"

namespace rawgan::dsp {

/// The lowest sample rate the enhancers take: below it a 4 ms frame holds too few samples.
constexpr int kMinEnhancementRateHz = 1000;

struct WienerOptions {
  float frame_ms = 32;
  float dd_alpha = 0.98f;           ///< decision-directed smoothing (Ephraim & Malah: 0.98)
  float min_prior_snr_db = -15.0f;  ///< floor of the a priori SNR, limits musical noise
  NoiseTrackerOptions noise;
};

struct SpectralSubtractionOptions {
  float frame_ms = 32;
  float over_subtraction = 2.0f;  ///< alpha: multiple of the noise power subtracted
  float spectral_floor = 0.01f;   ///< beta: the result keeps at least beta * |Y|^2
  NoiseTrackerOptions noise;
};

/// Block-wise (streaming) form of both baselines, for live use.
///
/// Call order: construct, then `process` with exactly hop_samples() new input samples each
/// time; each call returns hop_samples() output samples. The output is the enhanced input
/// delayed by latency_samples() = frame length - hop = hop_samples() samples (256 at 16 kHz
/// with the default 32 ms frames); the first latency_samples() outputs belong to the zeros
/// that precede the stream. `process` allocates nothing and takes time proportional to one
/// FFT. Not thread-safe: one object per stream.
class SpectralEnhancer {
 public:
  static SpectralEnhancer wiener(int sample_rate_hz, const WienerOptions& options = {});
  static SpectralEnhancer spectral_subtraction(int sample_rate_hz,
                                               const SpectralSubtractionOptions& options = {});
  ~SpectralEnhancer();
  SpectralEnhancer(SpectralEnhancer&&) noexcept;
  SpectralEnhancer& operator=(SpectralEnhancer&&) noexcept;

  int frame_samples() const;
  int hop_samples() const;
  int latency_samples() const;

  /// Reads hop_samples() values from `input` and writes hop_samples() values to `output`
  /// (they may be the same buffer).
  void process(const float* input, float* output);
  /// Forgets all history: buffers, noise estimate and previous gains.
  void reset();

  /// Gain rule applied to one frame (implemented by the Wiener and subtraction baselines).
  class GainRule;

 private:
  struct State;
  explicit SpectralEnhancer(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

/// Whole-signal forms: the output has exactly mono.size() samples, aligned with the input
/// (the streaming latency is compensated). Throws UsageError for a rate below 1000 Hz or an
/// option out of range.
std::vector<float> enhance_wiener(const std::vector<float>& mono, int sample_rate_hz,
                                  const WienerOptions& options = {});
std::vector<float> enhance_spectral_subtraction(const std::vector<float>& mono, int sample_rate_hz,
                                                const SpectralSubtractionOptions& options = {});

}  // namespace rawgan::dsp
