// Noise power spectrum tracking from the noisy signal itself, frame by frame, with the
// speech-presence-probability (SPP) MMSE estimator of Gerkmann & Hendriks, "Unbiased MMSE-based
// noise power estimation with low complexity and low tracking delay", IEEE TASLP 2012.
// The estimate follows changes of the noise level during the signal, also while speech is
// present, instead of relying only on the first frames.
#pragma once

#include <vector>

namespace rawgan::dsp {

struct NoiseTrackerOptions {
  int n_initial_frames = 5;      ///< frames averaged to initialise (assumed speech-free)
  float h1_prior_snr_db = 15;    ///< fixed a priori SNR under speech presence (paper sec. III)
  float noise_smoothing = 0.8f;  ///< recursive smoothing of the noise power (paper eq. 8)
  float spp_smoothing = 0.9f;    ///< smoothing of the SPP used to avoid stagnation (sec. IV)
  float max_spp = 0.99f;         ///< SPP cap applied once the smoothed SPP exceeds it
};

/// Not thread-safe (one per stream). Allocates only in the constructor.
class NoiseTracker {
 public:
  NoiseTracker(int n_bins, const NoiseTrackerOptions& options = {});

  /// Feeds one frame's periodogram |Y_k|^2 (n_bins values) and updates the estimate.
  void update(const float* power);
  /// Current noise power per bin, in the units of the periodograms fed; always > 0.
  const std::vector<float>& noise_power() const { return noise_power_; }
  void reset();

 private:
  NoiseTrackerOptions options_;
  std::vector<float> noise_power_;
  std::vector<float> smoothed_spp_;
  int n_frames_seen_ = 0;
};

}  // namespace rawgan::dsp
