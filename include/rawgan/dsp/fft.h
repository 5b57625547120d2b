// Real-to-complex FFT on FFTW (single precision) with plans cached per size.
//
// `RealFft::get(n)` returns the one transform object for size n, creating its FFTW plans on
// first use. Plan creation (and the FFTW planner in general) is not thread-safe, so it happens
// under one process-wide mutex; execution is thread-safe because every call passes its own
// arrays to FFTW's new-array execute functions, and plans are made with FFTW_UNALIGNED so that
// any std::vector buffer is valid. Objects live until the process ends.
#pragma once

#include <complex>
#include <mutex>

namespace rawgan::dsp {

/// Forward and inverse real DFT of one size.
class RealFft {
 public:
  /// The cached transform of `size` samples (size >= 1). Thread-safe. Throws RuntimeError naming
  /// the size when FFTW cannot make a plan.
  static const RealFft& get(int size);

  int size() const { return size_; }
  /// Number of complex bins: size / 2 + 1.
  int n_bins() const { return size_ / 2 + 1; }

  /// X[k] = sum_n x[n] exp(-2 pi i k n / size), unnormalised. `samples` holds size() values,
  /// `spectrum` room for n_bins(). Thread-safe; allocates nothing.
  void forward(const float* samples, std::complex<float>* spectrum) const;

  /// x[n] = (1 / size) sum_k X[k] exp(+2 pi i k n / size), so inverse(forward(x)) == x.
  /// FFTW's complex-to-real transform overwrites its input, so `spectrum` (n_bins() values) is
  /// destroyed. `samples` gets size() values. Thread-safe; allocates nothing.
  void inverse(std::complex<float>* spectrum, float* samples) const;

  ~RealFft();
  RealFft(const RealFft&) = delete;
  RealFft& operator=(const RealFft&) = delete;

 private:
  explicit RealFft(int size);

  int size_;
  void* forward_plan_;  // fftwf_plan, kept opaque so that users need not include fftw3.h
  void* inverse_plan_;
};

/// The mutex that guards FFTW's planner. Code that creates FFTW plans outside RealFft must
/// hold it too.
std::mutex& fftw_planner_mutex();

}  // namespace rawgan::dsp
