#include "rawgan/data/mix.h"

#include <gtest/gtest.h>

#include <cmath>

#include "rawgan/metrics/metrics.h"
#include "rawgan/util/error.h"
#include "support/test_support.h"

namespace rawgan::data {
namespace {

TEST(Mix, NoiseSegmentsLoop) {
  std::vector<float> noise = {1, 2, 3};
  EXPECT_EQ(noise_segment(noise, 1, 7), (std::vector<float>{2, 3, 1, 2, 3, 1, 2}));
  EXPECT_EQ(noise_segment(noise, 5, 2), (std::vector<float>{3, 1}));
}

TEST(Mix, GainPutsTheNoiseAtTheRequestedSnr) {
  auto clean = test::sine(440, 16000, 16000).samples;
  auto noise = test::white_noise(16000, 16000, 0.3f, 5).samples;
  for (double snr_db : {-5.0, 0.0, 7.5, 20.0}) {
    double gain = noise_gain_for_snr(clean, noise, snr_db);
    std::vector<float> noisy(clean.size());
    for (size_t i = 0; i < clean.size(); ++i)
      noisy[i] = clean[i] + static_cast<float>(gain * noise[i]);
    // metrics::snr_db measures exactly the definition; float rounding costs < 1e-3 dB.
    EXPECT_NEAR(metrics::snr_db(clean, noisy), snr_db, 1e-3);
  }
  EXPECT_THROW(noise_gain_for_snr(clean, std::vector<float>(10, 0.0f), 0), InputError);
}

TEST(Mix, FoldersGivePairsOfEqualLengthAtTheListedSnrs) {
  test::TempDir dir;
  audio::write(dir / "speech/a.wav", test::sine(300, 8000, 8000));
  audio::write(dir / "speech/sub/b.wav", test::sine(500, 8000, 6000));
  // Noise at another rate and shorter than the speech: resampled and looped.
  audio::write(dir / "noise/hiss.wav", test::white_noise(16000, 4000, 0.2f, 2));
  MixOptions options;
  options.clean_dir = dir / "speech";
  options.noise_dir = dir / "noise";
  options.out_dir = dir / "out";
  options.snrs_db = {5};
  options.copies = 2;
  MixReport report = mix_folders(options);
  EXPECT_EQ(report.n_written, 4);

  for (const char* name : {"a_hiss_snr5_1.wav", "sub/b_hiss_snr5_2.wav"}) {
    auto noisy = audio::read(dir / "out/noisy" / name);
    auto clean = audio::read(dir / "out/clean" / name);
    ASSERT_EQ(noisy.samples.size(), clean.samples.size()) << name;
    EXPECT_EQ(noisy.sample_rate_hz, 8000);
    // 16-bit files: quantisation noise near -90 dBFS moves a 5 dB SNR by far less than 0.05.
    EXPECT_NEAR(metrics::snr_db(clean.samples, noisy.samples), 5.0, 0.05) << name;
  }
}

TEST(Mix, NonFiniteSnrIsAUsageErrorBeforeAnythingIsWritten) {
  test::TempDir dir;
  audio::write(dir / "speech/a.wav", test::sine(300, 8000, 8000));
  audio::write(dir / "noise/hiss.wav", test::white_noise(8000, 4000, 0.2f, 2));
  MixOptions options;
  options.clean_dir = dir / "speech";
  options.noise_dir = dir / "noise";
  options.out_dir = dir / "out";
  // Out of range too: at -100 dB the speech of both files would be rescaled to silence.
  for (double snr_db : {std::nan(""), double(INFINITY), -double(INFINITY), -100.0, -40.5, 101.0}) {
    options.snrs_db = {5, snr_db};
    EXPECT_THROW(mix_folders(options), UsageError) << snr_db;
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "out"));
}

}  // namespace
}  // namespace rawgan::data
