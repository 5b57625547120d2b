#include "rawgan/data/spec_images.h"

#include <cmath>
#include <string>

#include "rawgan/dsp/griffin_lim.h"
#include "rawgan/dsp/stft.h"
#include "rawgan/util/error.h"

namespace rawgan::data {
namespace {

// Keeps log() finite in silent bins; far below any audible magnitude of a 16-bit signal.
constexpr float kMagnitudeFloor = 1e-6f;
// Normalised values are clipped to this many standard deviations (section 4).
constexpr double kClipSigmas = 3.0;

dsp::Stft make_stft(const SpecImageOptions& options) {
  if (options.window_samples != 2 * options.image_size ||
      options.n_samples != options.hop_samples * options.image_size) {
    throw UsageError("spectrogram images: window " + std::to_string(options.window_samples) +
                     ", hop " + std::to_string(options.hop_samples) + " and " +
                     std::to_string(options.n_samples) + " samples do not give " +
                     std::to_string(options.image_size) + " x " +
                     std::to_string(options.image_size) + " images");
  }
  dsp::StftOptions stft;
  stft.window_samples = static_cast<int>(options.window_samples);
  stft.hop_samples = static_cast<int>(options.hop_samples);
  return dsp::Stft(stft);
}

}  // namespace

torch::Tensor log_magnitude_images(const torch::Tensor& clips, const SpecImageOptions& options) {
  const dsp::Stft stft = make_stft(options);
  if (clips.dim() != 2 || clips.size(1) != options.n_samples) {
    throw UsageError("spectrogram images: clips must be [n, " + std::to_string(options.n_samples) +
                     "], got " + c10::str(clips.sizes()));
  }
  const int64_t size = options.image_size;
  auto contiguous = clips.to(torch::kFloat).contiguous();
  auto images = torch::empty({clips.size(0), 1, size, size});
  for (int64_t i = 0; i < clips.size(0); ++i) {
    const float* data = contiguous[i].data_ptr<float>();
    auto spectrogram = stft.forward(std::vector<float>(data, data + options.n_samples));
    auto slice = images[i][0];
    auto image = slice.accessor<float, 2>();
    for (int64_t frame = 0; frame < size; ++frame) {
      for (int64_t bin = 0; bin < size; ++bin) {
        image[bin][frame] = std::log(std::abs(spectrogram.at(frame, bin)) + kMagnitudeFloor);
      }
    }
  }
  return images;
}

SpecNormaliser SpecNormaliser::fit(const torch::Tensor& log_images) {
  // Statistics per frequency row over clips, channel and frames.
  auto per_bin = log_images.transpose(0, 2).reshape({log_images.size(2), -1});
  SpecNormaliser result;
  result.mean = per_bin.mean(1);
  // A bin that never changes (e.g. a single silent clip) must not divide by zero.
  result.std = per_bin.std(1, /*unbiased=*/false).clamp_min(1e-3);
  return result;
}

torch::Tensor SpecNormaliser::normalise(const torch::Tensor& log_images) const {
  auto mu = mean.view({1, 1, -1, 1}).to(log_images.device());
  auto sigma = std.view({1, 1, -1, 1}).to(log_images.device());
  return ((log_images - mu) / sigma).clamp(-kClipSigmas, kClipSigmas) / kClipSigmas;
}

torch::Tensor SpecNormaliser::denormalise(const torch::Tensor& images) const {
  auto mu = mean.view({1, 1, -1, 1}).to(images.device());
  auto sigma = std.view({1, 1, -1, 1}).to(images.device());
  return images * kClipSigmas * sigma + mu;
}

WaveformFromImage image_to_waveform(const torch::Tensor& log_image, const SpecImageOptions& options,
                                    int n_iterations, uint32_t seed) {
  const dsp::Stft stft = make_stft(options);
  const int64_t size = options.image_size;
  if (log_image.dim() != 2 || log_image.size(0) != size || log_image.size(1) != size) {
    throw UsageError("spectrogram image must be [" + std::to_string(size) + ", " +
                     std::to_string(size) + "], got " + c10::str(log_image.sizes()));
  }
  // Dropped frame and Nyquist bin come back as zero magnitude.
  const int n_frames = stft.n_frames(options.n_samples);
  const int n_bins = stft.n_bins();
  std::vector<float> magnitude(size_t(n_frames) * n_bins, 0.0f);
  auto image = log_image.to(torch::kCPU, torch::kFloat).contiguous();
  auto values = image.accessor<float, 2>();
  for (int64_t frame = 0; frame < size; ++frame) {
    for (int64_t bin = 0; bin < size; ++bin) {
      const float m = std::exp(values[bin][frame]) - kMagnitudeFloor;
      magnitude[size_t(frame) * n_bins + bin] = std::max(m, 0.0f);
    }
  }
  dsp::GriffinLimOptions gl;
  gl.n_iterations = n_iterations;
  gl.seed = seed;
  auto result = dsp::griffin_lim(magnitude, options.n_samples, stft, gl);
  return {std::move(result.signal), std::move(result.spectral_convergence)};
}

}  // namespace rawgan::data
