// Short-time Fourier transform and its inverse on FFTW, for spectral enhancement baselines,
// Griffin-Lim and spectrogram pictures.
//
// Framing ("centred", as in librosa/torch.stft with center=true): frame t covers samples
// [t * hop - window / 2, t * hop + window / 2) of the signal, zeros outside it; there are
// floor((n_samples - 1 + window / 2) / hop) + 1 frames, so that every sample is covered by all
// the frames that overlap it on the right. Each frame is windowed, zero-padded to fft_size and
// transformed. The inverse is the least-squares overlap-add of Griffin & Lim (1984, eq. 6):
// every frame is windowed again and the sum is divided by the overlap-added squared window, so
// that analysis then synthesis returns the signal for any window/hop pair whose squared window
// overlap-adds to a non-zero value everywhere (checked at construction), trimmed to the
// original length.
//
// An Stft object is immutable after construction; its methods are thread-safe.
#pragma once

#include <complex>
#include <cstdint>
#include <vector>

#include "rawgan/dsp/window.h"

namespace rawgan::dsp {

struct StftOptions {
  int window_samples = 512;
  int hop_samples = 128;
  int fft_size = 0;  ///< 0: the window length; otherwise at least window_samples
  WindowType window = WindowType::kHann;
};

/// A complex spectrogram, frame-major: bin k of frame t at values[t * n_bins + k].
struct Spectrogram {
  int n_frames = 0;
  int n_bins = 0;
  int64_t n_samples = 0;  ///< length of the analysed signal, restored by the inverse
  std::vector<std::complex<float>> values;

  std::complex<float>& at(int frame, int bin) { return values[size_t(frame) * n_bins + bin]; }
  const std::complex<float>& at(int frame, int bin) const {
    return values[size_t(frame) * n_bins + bin];
  }
  /// |X|, frame-major like `values`.
  std::vector<float> magnitude() const;
};

class Stft {
 public:
  /// Throws UsageError when a size is not positive, hop > window, fft_size < window, or the
  /// squared window does not overlap-add to a value of at least 1e-3 times its maximum at this
  /// hop (then the inverse would divide by almost nothing).
  explicit Stft(const StftOptions& options);

  const StftOptions& options() const { return options_; }
  int n_bins() const { return fft_size_ / 2 + 1; }
  int fft_size() const { return fft_size_; }
  const std::vector<float>& window() const { return window_; }
  /// Frames used for a signal of `n_samples` (at least 1, even for an empty signal).
  int n_frames(int64_t n_samples) const;

  Spectrogram forward(const std::vector<float>& signal) const;
  /// The signal of spectrogram.n_samples samples. Throws UsageError when the spectrogram's shape
  /// does not match this transform.
  std::vector<float> inverse(const Spectrogram& spectrogram) const;

 private:
  StftOptions options_;
  int fft_size_;
  std::vector<float> window_;
};

}  // namespace rawgan::dsp
