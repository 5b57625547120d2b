// STFT framing, validation of window/hop pairs, and the identity round trip.
#include "rawgan/dsp/stft.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <thread>

#include "rawgan/util/error.h"

namespace rawgan::dsp {
namespace {

std::vector<float> noise(int64_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.0f, 0.3f);
  std::vector<float> x(n);
  for (float& v : x)
    v = std::clamp(dist(rng), -1.0f, 1.0f);
  return x;
}

TEST(Window, PeriodicHannAndCola) {
  std::vector<float> hann = make_window(WindowType::kHann, 8);
  EXPECT_FLOAT_EQ(hann[0], 0.0f);
  EXPECT_FLOAT_EQ(hann[4], 1.0f);  // periodic: the peak is at N / 2
  EXPECT_TRUE(is_constant_overlap_add(hann, 4));
  EXPECT_TRUE(is_constant_overlap_add(make_window(WindowType::kSqrtHann, 512), 256, 2));
  EXPECT_FALSE(is_constant_overlap_add(hann, 3));
  EXPECT_EQ(parse_window("hamming"), WindowType::kHamming);
  EXPECT_THROW(parse_window("kaiser"), UsageError);
}

TEST(Stft, RefusesInvalidWindowHopPairs) {
  EXPECT_THROW(Stft({512, 513, 0, WindowType::kHann}), UsageError);  // hop > window
  EXPECT_THROW(Stft({512, 0, 0, WindowType::kHann}), UsageError);
  EXPECT_THROW(Stft({512, 128, 256, WindowType::kHann}), UsageError);  // FFT < window
  // A periodic Hann at hop == window overlap-adds to zero at each frame start.
  EXPECT_THROW(Stft({512, 512, 0, WindowType::kHann}), UsageError);
  EXPECT_NO_THROW(Stft({512, 512, 0, WindowType::kRectangular}));
  EXPECT_NO_THROW(Stft({400, 100, 512, WindowType::kHamming}));
}

TEST(Stft, IdentityRoundTripRestoresSignalAndLength) {
  const std::vector<StftOptions> configs = {
      {512, 128, 0, WindowType::kHann},      {512, 256, 0, WindowType::kSqrtHann},
      {400, 160, 512, WindowType::kHamming}, {64, 64, 0, WindowType::kRectangular},
      {255, 100, 256, WindowType::kHann},  // odd window, hop not dividing it
  };
  for (const StftOptions& options : configs) {
    Stft stft(options);
    // Lengths around and below one window, and one of several seconds.
    for (int64_t n : {1, 5, 63, 200, 511, 512, 513, 1000, 48000}) {
      std::vector<float> x = noise(n, static_cast<uint32_t>(n));
      Spectrogram spectrogram = stft.forward(x);
      EXPECT_EQ(spectrogram.n_frames, stft.n_frames(n));
      std::vector<float> y = stft.inverse(spectrogram);
      ASSERT_EQ(y.size(), x.size());
      float max_error = 0;
      for (int64_t i = 0; i < n; ++i)
        max_error = std::max(max_error, std::abs(y[i] - x[i]));
      // The bound; single-precision FFT and overlap-add of |x| <= 1 stay near 1e-6.
      EXPECT_LT(max_error, 1e-5f) << window_name(options.window) << " window "
                                  << options.window_samples << " hop " << options.hop_samples
                                  << " length " << n;
    }
  }
}

TEST(Stft, CentredFramesPutASineInItsBin) {
  Stft stft({512, 128, 0, WindowType::kHann});
  std::vector<float> x(16000);
  for (size_t i = 0; i < x.size(); ++i)
    x[i] = 0.5f * std::sin(2 * M_PI * 1000.0 * i / 16000.0);
  Spectrogram s = stft.forward(x);
  // 1000 Hz at 16 kHz with 512 bins per 16 kHz is bin 32 exactly.
  const int middle = s.n_frames / 2;
  int peak = 0;
  for (int k = 0; k < s.n_bins; ++k)
    if (std::abs(s.at(middle, k)) > std::abs(s.at(middle, peak))) peak = k;
  EXPECT_EQ(peak, 32);
  EXPECT_THROW(stft.inverse(Spectrogram{}), UsageError);
}

TEST(Stft, OneObjectUsedFromSeveralThreads) {
  // The transform is shared read-only; each call owns its buffers, so concurrent round trips
  // must each return their own signal.
  const Stft stft({400, 100, 512, WindowType::kHann});
  std::vector<char> ok(6, 1);  // not vector<bool>: its bits share words
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t)
    threads.emplace_back([&, t] {
      const std::vector<float> x = noise(4000 + 37 * t, 100 + t);
      for (int repeat = 0; repeat < 20; ++repeat) {
        const std::vector<float> y = stft.inverse(stft.forward(x));
        for (size_t i = 0; i < x.size(); ++i)
          if (std::abs(y[i] - x[i]) > 1e-5f) ok[t] = 0;
      }
    });
  for (auto& thread : threads)
    thread.join();
  for (int t = 0; t < 6; ++t)
    EXPECT_TRUE(ok[t]) << "thread " << t;
}

}  // namespace
}  // namespace rawgan::dsp
