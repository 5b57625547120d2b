#include "rawgan/dsp/stft.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "rawgan/dsp/fft.h"
#include "rawgan/util/error.h"

namespace rawgan::dsp {

std::vector<float> Spectrogram::magnitude() const {
  std::vector<float> result(values.size());
  for (size_t i = 0; i < values.size(); ++i)
    result[i] = std::abs(values[i]);
  return result;
}

Stft::Stft(const StftOptions& options) : options_(options) {
  const int window_samples = options.window_samples;
  const int hop_samples = options.hop_samples;
  if (window_samples < 1 || hop_samples < 1)
    throw UsageError("STFT window and hop must be positive, got window " +
                     std::to_string(window_samples) + ", hop " + std::to_string(hop_samples));
  if (hop_samples > window_samples)
    throw UsageError("STFT hop (" + std::to_string(hop_samples) +
                     " samples) must not exceed the window (" + std::to_string(window_samples) +
                     " samples): samples between frames would be lost");
  fft_size_ = options.fft_size == 0 ? window_samples : options.fft_size;
  if (fft_size_ < window_samples)
    throw UsageError("FFT size " + std::to_string(fft_size_) + " is shorter than the window (" +
                     std::to_string(window_samples) + " samples)");
  window_ = make_window(options.window, window_samples);
  OverlapAddRange range = overlap_add_range(window_, hop_samples, 2);
  if (!(range.min >= 1e-3 * range.max))
    throw UsageError(
        "window " + window_name(options.window) + " of " + std::to_string(window_samples) +
        " samples at hop " + std::to_string(hop_samples) +
        " cannot be inverted: its squared overlap-add falls to " + std::to_string(range.min) +
        " (needs at least 1e-3 of its maximum " + std::to_string(range.max) + ")");
  RealFft::get(fft_size_);  // make the plan now, outside any later hot loop
}

int Stft::n_frames(int64_t n_samples) const {
  const int64_t half = options_.window_samples / 2;
  const int64_t last = std::max<int64_t>(0, n_samples - 1 + half);
  return static_cast<int>(last / options_.hop_samples + 1);
}

Spectrogram Stft::forward(const std::vector<float>& signal) const {
  const int window_samples = options_.window_samples;
  const int64_t n_samples = static_cast<int64_t>(signal.size());
  const int64_t half = window_samples / 2;
  const RealFft& fft = RealFft::get(fft_size_);

  Spectrogram result;
  result.n_frames = n_frames(n_samples);
  result.n_bins = n_bins();
  result.n_samples = n_samples;
  result.values.resize(size_t(result.n_frames) * result.n_bins);
  std::vector<float> frame(fft_size_, 0.0f);
  for (int t = 0; t < result.n_frames; ++t) {
    const int64_t start = int64_t(t) * options_.hop_samples - half;
    for (int n = 0; n < window_samples; ++n) {
      const int64_t i = start + n;
      frame[n] = (i >= 0 && i < n_samples) ? signal[i] * window_[n] : 0.0f;
    }
    fft.forward(frame.data(), &result.values[size_t(t) * result.n_bins]);
  }
  return result;
}

std::vector<float> Stft::inverse(const Spectrogram& spectrogram) const {
  if (spectrogram.n_bins != n_bins() || spectrogram.n_frames != n_frames(spectrogram.n_samples) ||
      spectrogram.values.size() != size_t(spectrogram.n_frames) * spectrogram.n_bins)
    throw UsageError("spectrogram of " + std::to_string(spectrogram.n_frames) + " frames x " +
                     std::to_string(spectrogram.n_bins) + " bins does not fit this STFT (" +
                     std::to_string(n_frames(spectrogram.n_samples)) + " frames x " +
                     std::to_string(n_bins()) + " bins for " +
                     std::to_string(spectrogram.n_samples) + " samples)");
  const int window_samples = options_.window_samples;
  const int64_t n_samples = spectrogram.n_samples;
  const int64_t half = window_samples / 2;
  const RealFft& fft = RealFft::get(fft_size_);

  // Weighted overlap-add into the signal's own coordinates; parts in the padding are dropped.
  std::vector<double> sum(n_samples, 0.0);
  std::vector<double> weight(n_samples, 0.0);
  std::vector<std::complex<float>> bins(n_bins());
  std::vector<float> frame(fft_size_);
  for (int t = 0; t < spectrogram.n_frames; ++t) {
    const auto* first = &spectrogram.values[size_t(t) * spectrogram.n_bins];
    std::copy(first, first + spectrogram.n_bins, bins.begin());
    fft.inverse(bins.data(), frame.data());
    const int64_t start = int64_t(t) * options_.hop_samples - half;
    for (int n = 0; n < window_samples; ++n) {
      const int64_t i = start + n;
      if (i < 0 || i >= n_samples) continue;
      sum[i] += double(frame[n]) * window_[n];
      weight[i] += double(window_[n]) * window_[n];
    }
  }
  std::vector<float> signal(n_samples);
  for (int64_t i = 0; i < n_samples; ++i)
    signal[i] = weight[i] > 1e-12 ? static_cast<float>(sum[i] / weight[i]) : 0.0f;
  return signal;
}

}  // namespace rawgan::dsp
