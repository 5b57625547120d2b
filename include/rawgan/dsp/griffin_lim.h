// Phase reconstruction from a magnitude spectrogram (Griffin & Lim 1984), with the momentum
// of the "fast Griffin-Lim" variant (Perraudin, Balazs & Sondergaard 2013, Algorithm 2).
// Used to turn SpecGAN's generated magnitudes into audio.
#pragma once

#include <cstdint>
#include <vector>

#include "rawgan/dsp/stft.h"

namespace rawgan::dsp {

struct GriffinLimOptions {
  int n_iterations = 32;
  float momentum = 0.99f;  ///< 0 gives the original algorithm; (0, 1) accelerates it
  uint32_t seed = 0;       ///< seeds the random initial phase
};

struct GriffinLimResult {
  std::vector<float> signal;  ///< n_samples values
  /// Spectral convergence after each iteration: || |STFT(x_i)| - S ||_F / ||S||_F, where S is
  /// the target magnitude (0 when S is all zeros). One value per iteration.
  std::vector<float> spectral_convergence;
};

/// `magnitude` is frame-major [n_frames x stft.n_bins()], with n_frames == stft.n_frames(
/// n_samples) (e.g. Spectrogram::magnitude()). Throws UsageError on a shape mismatch or
/// negative iteration count. Thread-safe.
GriffinLimResult griffin_lim(const std::vector<float>& magnitude, int64_t n_samples,
                             const Stft& stft, const GriffinLimOptions& options = {});

}  // namespace rawgan::dsp
