// SpecGAN's image side (Donahue et al. 2019, section 4): waveform clips to log-magnitude
// spectrogram images normalised per frequency bin, and generated images back to waveforms by
// Griffin-Lim. STFT and Griffin-Lim come from the dsp layer (FFTW).
//
// Layout: an image is [image_size (frequency bins, DC first), image_size (frames)]. A clip of
// n_samples = hop * image_size samples has image_size + 1 centred frames of window / 2 + 1 =
// image_size + 1 bins; the last frame and the Nyquist bin are dropped, as in the paper, and
// put back as zeros for the inverse.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace rawgan::data {

struct SpecImageOptions {
  int64_t image_size = 128;
  int64_t n_samples = 16384;
  int64_t window_samples = 256;
  int64_t hop_samples = 128;
};

/// Log magnitude log(|X| + 1e-6) of each clip. clips [n, n_samples] (CPU) -> [n, 1, image_size,
/// image_size]. Throws UsageError when clip length or sizes do not fit together.
torch::Tensor log_magnitude_images(const torch::Tensor& clips, const SpecImageOptions& options);

/// Per-frequency-bin statistics of a training set (section 4: "normalize each frequency bin to
/// have zero mean and unit variance", then clip to 3 standard deviations and scale to [-1, 1]).
struct SpecNormaliser {
  torch::Tensor mean;  ///< [image_size], log magnitude
  torch::Tensor std;   ///< [image_size], > 0

  /// Statistics over all clips and frames of `log_images` [n, 1, F, T].
  static SpecNormaliser fit(const torch::Tensor& log_images);
  /// [n, 1, F, T] log magnitude -> values in [-1, 1].
  torch::Tensor normalise(const torch::Tensor& log_images) const;
  /// The inverse of normalise (exact inside the 3-sigma range): [n, 1, F, T] -> log magnitude.
  torch::Tensor denormalise(const torch::Tensor& images) const;
};

struct WaveformFromImage {
  std::vector<float> samples;               ///< n_samples values
  std::vector<float> spectral_convergence;  ///< Griffin-Lim's, one value per iteration
};

/// Turns one log-magnitude image [F, T] (CPU) into a waveform with `n_iterations` of fast
/// Griffin-Lim from a random phase seeded by `seed`.
WaveformFromImage image_to_waveform(const torch::Tensor& log_image, const SpecImageOptions& options,
                                    int n_iterations, uint32_t seed);

}  // namespace rawgan::data
