#include "rawgan/dsp/noise_tracker.h"

#include <algorithm>
#include <cmath>

namespace rawgan::dsp {
namespace {

// Keeps every ratio finite on digital silence.
constexpr float kMinPower = 1e-20f;

}  // namespace

NoiseTracker::NoiseTracker(int n_bins, const NoiseTrackerOptions& options)
    : options_(options), noise_power_(n_bins, kMinPower), smoothed_spp_(n_bins, 0.0f) {}

void NoiseTracker::reset() {
  std::fill(noise_power_.begin(), noise_power_.end(), kMinPower);
  std::fill(smoothed_spp_.begin(), smoothed_spp_.end(), 0.0f);
  n_frames_seen_ = 0;
}

void NoiseTracker::update(const float* power) {
  const size_t n_bins = noise_power_.size();
  if (n_frames_seen_ < options_.n_initial_frames) {
    // Running mean of the first frames.
    const float weight = 1.0f / static_cast<float>(n_frames_seen_ + 1);
    for (size_t k = 0; k < n_bins; ++k)
      noise_power_[k] =
          std::max(kMinPower, noise_power_[k] + weight * (power[k] - noise_power_[k]));
    ++n_frames_seen_;
    return;
  }

  const float xi_h1 = std::pow(10.0f, options_.h1_prior_snr_db / 10.0f);
  const float prior_factor = 1.0f + xi_h1;
  const float exponent_factor = xi_h1 / (1.0f + xi_h1);
  for (size_t k = 0; k < n_bins; ++k) {
    // Eq. 18 with equal priors: a posteriori probability of speech presence.
    const float posterior_snr = power[k] / noise_power_[k];
    float spp = 1.0f / (1.0f + prior_factor * std::exp(-posterior_snr * exponent_factor));
    // Sec. IV: cap the SPP where it has stayed high, so that the estimate cannot freeze.
    smoothed_spp_[k] =
        options_.spp_smoothing * smoothed_spp_[k] + (1.0f - options_.spp_smoothing) * spp;
    if (smoothed_spp_[k] > options_.max_spp) spp = std::min(spp, options_.max_spp);
    // Eq. 22 (MMSE noise periodogram) and eq. 8 (recursive smoothing).
    const float noise_periodogram = (1.0f - spp) * power[k] + spp * noise_power_[k];
    noise_power_[k] =
        std::max(kMinPower, options_.noise_smoothing * noise_power_[k] +
                                (1.0f - options_.noise_smoothing) * noise_periodogram);
  }
}

}  // namespace rawgan::dsp
