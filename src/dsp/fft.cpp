#include "rawgan/dsp/fft.h"

#include <fftw3.h>

#include <map>
#include <memory>
#include <string>

#include "rawgan/util/error.h"

namespace rawgan::dsp {

std::mutex& fftw_planner_mutex() {
  static std::mutex mutex;
  return mutex;
}

const RealFft& RealFft::get(int size) {
  if (size < 1) throw RuntimeError("FFT size must be at least 1, got " + std::to_string(size));
  std::lock_guard<std::mutex> lock(fftw_planner_mutex());
  // Deliberately never freed: references handed out stay valid even while static objects are
  // destroyed at exit, and no plan is destroyed after FFTW's own state.
  static auto* cache = new std::map<int, std::unique_ptr<RealFft>>();
  auto found = cache->find(size);
  if (found != cache->end()) return *found->second;
  std::unique_ptr<RealFft> fft(new RealFft(size));
  const RealFft& result = *fft;
  cache->emplace(size, std::move(fft));
  return result;
}

// Called with the planner mutex held (from get()).
RealFft::RealFft(int size) : size_(size) {
  // FFTW_ESTIMATE never touches the arrays; they only fix the plan's in/out-of-place kind.
  float* samples = fftwf_alloc_real(size);
  fftwf_complex* spectrum = fftwf_alloc_complex(size / 2 + 1);
  const unsigned flags = FFTW_ESTIMATE | FFTW_UNALIGNED;
  forward_plan_ = fftwf_plan_dft_r2c_1d(size, samples, spectrum, flags);
  inverse_plan_ = fftwf_plan_dft_c2r_1d(size, spectrum, samples, flags);
  fftwf_free(samples);
  fftwf_free(spectrum);
  if (forward_plan_ == nullptr || inverse_plan_ == nullptr) {
    if (forward_plan_) fftwf_destroy_plan(static_cast<fftwf_plan>(forward_plan_));
    if (inverse_plan_) fftwf_destroy_plan(static_cast<fftwf_plan>(inverse_plan_));
    throw RuntimeError("FFTW could not make a real FFT plan of size " + std::to_string(size));
  }
}

RealFft::~RealFft() {
  std::lock_guard<std::mutex> lock(fftw_planner_mutex());
  fftwf_destroy_plan(static_cast<fftwf_plan>(forward_plan_));
  fftwf_destroy_plan(static_cast<fftwf_plan>(inverse_plan_));
}

void RealFft::forward(const float* samples, std::complex<float>* spectrum) const {
  // FFTW does not modify the input of an out-of-place r2c transform; its API lacks the const.
  fftwf_execute_dft_r2c(static_cast<fftwf_plan>(forward_plan_), const_cast<float*>(samples),
                        reinterpret_cast<fftwf_complex*>(spectrum));
}

void RealFft::inverse(std::complex<float>* spectrum, float* samples) const {
  fftwf_execute_dft_c2r(static_cast<fftwf_plan>(inverse_plan_),
                        reinterpret_cast<fftwf_complex*>(spectrum), samples);
  const float scale = 1.0f / static_cast<float>(size_);
  for (int i = 0; i < size_; ++i)
    samples[i] *= scale;
}

}  // namespace rawgan::dsp
