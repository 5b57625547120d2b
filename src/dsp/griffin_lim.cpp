#include "rawgan/dsp/griffin_lim.h"

#include <cmath>
#include <random>
#include <string>

#include "rawgan/util/error.h"

namespace rawgan::dsp {
namespace {

// Replaces the magnitude of every bin of `spectrum` by `target`, keeping its phase (a zero bin
// takes phase 0).
void impose_magnitude(const std::vector<float>& target, Spectrogram& spectrum) {
  for (size_t i = 0; i < target.size(); ++i) {
    const float magnitude = std::abs(spectrum.values[i]);
    spectrum.values[i] = magnitude > 0 ? spectrum.values[i] * (target[i] / magnitude)
                                       : std::complex<float>(target[i], 0.0f);
  }
}

float spectral_convergence(const std::vector<float>& target, const Spectrogram& estimate,
                           double target_norm) {
  double error = 0;
  for (size_t i = 0; i < target.size(); ++i) {
    const double d = std::abs(estimate.values[i]) - target[i];
    error += d * d;
  }
  return target_norm > 0 ? static_cast<float>(std::sqrt(error) / target_norm) : 0.0f;
}

}  // namespace

GriffinLimResult griffin_lim(const std::vector<float>& magnitude, int64_t n_samples,
                             const Stft& stft, const GriffinLimOptions& options) {
  const int n_frames = stft.n_frames(n_samples);
  if (magnitude.size() != size_t(n_frames) * stft.n_bins())
    throw UsageError("Griffin-Lim: magnitude has " + std::to_string(magnitude.size()) +
                     " values, expected " + std::to_string(n_frames) + " frames x " +
                     std::to_string(stft.n_bins()) + " bins for " + std::to_string(n_samples) +
                     " samples");
  if (options.n_iterations < 0)
    throw UsageError("Griffin-Lim iterations must be >= 0, got " +
                     std::to_string(options.n_iterations));
  double target_norm = 0;
  for (float m : magnitude)
    target_norm += double(m) * m;
  target_norm = std::sqrt(target_norm);

  // Start from the target magnitude with uniformly random phase.
  Spectrogram current;
  current.n_frames = n_frames;
  current.n_bins = stft.n_bins();
  current.n_samples = n_samples;
  current.values.resize(magnitude.size());
  std::mt19937 rng(options.seed);
  std::uniform_real_distribution<float> phase(0.0f, float(2 * M_PI));
  for (size_t i = 0; i < magnitude.size(); ++i)
    current.values[i] = std::polar(magnitude[i], phase(rng));

  GriffinLimResult result;
  Spectrogram previous_projection = current;
  for (int iteration = 0; iteration < options.n_iterations; ++iteration) {
    // Project onto consistent spectrograms (STFT of a signal), then onto the target magnitude.
    Spectrogram projection = stft.forward(stft.inverse(current));
    result.spectral_convergence.push_back(spectral_convergence(magnitude, projection, target_norm));
    // Momentum step of Perraudin et al. (2013), Algorithm 2: extrapolate along the last change.
    for (size_t i = 0; i < projection.values.size(); ++i) {
      const std::complex<float> accelerated =
          projection.values[i] +
          options.momentum * (projection.values[i] - previous_projection.values[i]);
      previous_projection.values[i] = projection.values[i];
      current.values[i] = accelerated;
    }
    impose_magnitude(magnitude, current);
  }
  result.signal = stft.inverse(current);
  return result;
}

}  // namespace rawgan::dsp
