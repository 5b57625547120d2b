// The cached FFTW transform: correctness against a direct DFT and use from several threads.
#include "rawgan/dsp/fft.h"

#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <random>
#include <thread>
#include <vector>

namespace rawgan::dsp {
namespace {

std::vector<float> random_signal(int n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> x(n);
  for (float& v : x)
    v = dist(rng);
  return x;
}

TEST(RealFft, MatchesDirectDftAndInverts) {
  for (int size : {1, 2, 7, 64, 400}) {
    const RealFft& fft = RealFft::get(size);
    std::vector<float> x = random_signal(size, 1);
    std::vector<std::complex<float>> spectrum(fft.n_bins());
    fft.forward(x.data(), spectrum.data());
    for (int k = 0; k < fft.n_bins(); ++k) {
      std::complex<double> direct = 0;
      for (int n = 0; n < size; ++n)
        direct += double(x[n]) * std::polar(1.0, -2 * M_PI * k * n / size);
      // Single-precision FFT of |x| <= 1: absolute error grows like eps * sqrt(N) * log N,
      // far below 1e-3 for these sizes.
      EXPECT_NEAR(spectrum[k].real(), direct.real(), 1e-3) << "size " << size << " bin " << k;
      EXPECT_NEAR(spectrum[k].imag(), direct.imag(), 1e-3) << "size " << size << " bin " << k;
    }
    std::vector<float> back(size);
    fft.inverse(spectrum.data(), back.data());
    for (int n = 0; n < size; ++n)
      EXPECT_NEAR(back[n], x[n], 1e-5) << "size " << size;
  }
}

TEST(RealFft, SameObjectForSameSize) {
  EXPECT_EQ(&RealFft::get(256), &RealFft::get(256));
}

TEST(RealFft, PlansAndExecutesFromManyThreads) {
  // Eight threads ask for overlapping sizes (so plans are created concurrently) and execute
  // them repeatedly; every round trip must return its input (same bound as above).
  const std::vector<int> sizes = {96, 160, 224, 288, 352, 416};
  std::vector<float> x = random_signal(416, 7);
  std::vector<char> ok(8, 1);  // not vector<bool>: its bits share words
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      for (int repeat = 0; repeat < 50; ++repeat)
        for (size_t s = 0; s < sizes.size(); ++s) {
          const int size = sizes[(s + t) % sizes.size()];
          const RealFft& fft = RealFft::get(size);
          std::vector<std::complex<float>> spectrum(fft.n_bins());
          std::vector<float> back(size);
          fft.forward(x.data(), spectrum.data());
          fft.inverse(spectrum.data(), back.data());
          for (int n = 0; n < size; ++n)
            if (std::abs(back[n] - x[n]) > 1e-5f) ok[t] = 0;
        }
    });
  for (auto& thread : threads)
    thread.join();
  for (int t = 0; t < 8; ++t)
    EXPECT_TRUE(ok[t]) << "thread " << t;
}

}  // namespace
}  // namespace rawgan::dsp
