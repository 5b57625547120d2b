#include "rawgan/data/windows.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "rawgan/dsp/emphasis.h"
#include "rawgan/util/error.h"
#include "rawgan/util/log.h"
#include "support/test_support.h"

namespace rawgan::data {
namespace {

namespace fs = std::filesystem;

constexpr int kRate = 8000;

WindowOptions small_windows() {
  WindowOptions options;
  options.sample_rate_hz = kRate;
  options.window_samples = 1024;
  options.pre_emphasis = 0.95f;
  return options;
}

FilePair write_pair(const test::TempDir& dir, const std::string& name, const audio::Audio& noisy,
                    const audio::Audio& clean) {
  FilePair pair{name, dir / "noisy" / (name + ".wav"), dir / "clean" / (name + ".wav"), ""};
  audio::write(pair.noisy, noisy, audio::SampleFormat::kFloat32);
  audio::write(pair.clean, clean, audio::SampleFormat::kFloat32);
  return pair;
}

TEST(Windows, OffsetsHopHalfAWindowAndCoverTheTail) {
  EXPECT_EQ(window_offsets(4096, 1024, 512),
            (std::vector<int64_t>{0, 512, 1024, 1536, 2048, 2560, 3072}));
  // 3000 samples: full windows at 0, 512, 1024, 1536; the last 440 samples get a window
  // ending at the end.
  EXPECT_EQ(window_offsets(3000, 1024, 512), (std::vector<int64_t>{0, 512, 1024, 1536, 1976}));
  EXPECT_EQ(window_offsets(1024, 1024, 512), (std::vector<int64_t>{0}));
  EXPECT_EQ(window_offsets(100, 1024, 512), (std::vector<int64_t>{0}));
}

TEST(Windows, EpochOrderIsASeededPermutation) {
  auto order = epoch_order(100, 7, 0);
  auto sorted = order;
  std::sort(sorted.begin(), sorted.end());
  std::vector<int64_t> expected(100);
  std::iota(expected.begin(), expected.end(), 0);
  EXPECT_EQ(sorted, expected);
  EXPECT_EQ(epoch_order(100, 7, 0), order);
  EXPECT_NE(epoch_order(100, 7, 1), order);
  EXPECT_NE(epoch_order(100, 8, 0), order);
}

TEST(Windows, BatchesHoldPreEmphasisedAudioOfBothSides) {
  test::TempDir dir;
  auto clean = test::sine(300, kRate, 3000);
  auto noisy = test::white_noise(kRate, 3000, 0.1f, 1);
  for (size_t i = 0; i < noisy.samples.size(); ++i)
    noisy.samples[i] += clean.samples[i];
  PairedWindows windows({write_pair(dir, "a", noisy, clean)}, small_windows());
  ASSERT_EQ(windows.n_windows(), 5);

  auto [noisy_batch, clean_batch] = windows.batch({4, 0});
  EXPECT_EQ(noisy_batch.sizes(), (std::vector<int64_t>{2, 1, 1024}));
  auto expected = clean.samples;
  dsp::pre_emphasis(expected, 0.95f);
  // Window 4 starts at 3000 - 1024; float32 files hold the samples exactly, so only the
  // filter's own float rounding separates the two (1e-6 of a full-scale sample).
  for (int64_t i = 0; i < 1024; i += 97) {
    EXPECT_NEAR(clean_batch[0][0][i].item<float>(), expected[1976 + i], 1e-6f);
    EXPECT_NEAR(clean_batch[1][0][i].item<float>(), expected[i], 1e-6f);
  }
}

TEST(Windows, ShortFilesArePaddedSilentAndEmptyOnesSkipped) {
  test::TempDir dir;
  std::vector<FilePair> pairs;
  auto tone = test::sine(300, kRate, 2048);
  pairs.push_back(write_pair(dir, "good", tone, tone));
  auto short_tone = test::sine(300, kRate, 300);
  pairs.push_back(write_pair(dir, "short", short_tone, short_tone));
  audio::Audio silence{std::vector<float>(2048, 0.0f), kRate, 1};
  pairs.push_back(write_pair(dir, "silent", silence, tone));
  audio::Audio empty{{}, kRate, 1};
  pairs.push_back(write_pair(dir, "empty", tone, empty));

  PairedWindows windows(pairs, small_windows());
  EXPECT_EQ(windows.report().n_pairs, 2);
  EXPECT_EQ(windows.report().n_skipped, 2);
  EXPECT_EQ(windows.report().n_padded, 1);
  // good: offsets 0, 512, 1024; short: one padded window.
  ASSERT_EQ(windows.n_windows(), 4);
  auto [noisy, clean] = windows.batch({3});
  EXPECT_NE(clean[0][0][299].item<float>(), 0.0f);
  EXPECT_EQ(clean[0][0].slice(0, 300).abs().sum().item<float>(), 0.0f);

  EXPECT_THROW(PairedWindows({pairs[2], pairs[3]}, small_windows()), InputError);
}

// A folder of short prompts gave one warning line per file before training began: the files
// are summed up in one line, and named one by one only at --verbose (debug) level.
TEST(Windows, ShortFilesAreSummedUpInOneLineAndNamedOnlyWhenVerbose) {
  test::TempDir dir;
  std::vector<FilePair> pairs;
  auto tone = test::sine(300, kRate, 2048);
  pairs.push_back(write_pair(dir, "good", tone, tone));
  auto short_tone = test::sine(300, kRate, 300);
  for (const char* name : {"short1", "short2", "short3"})
    pairs.push_back(write_pair(dir, name, short_tone, short_tone));

  const auto count = [](const std::string& text, const std::string& part) {
    int64_t n = 0;
    for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1))
      ++n;
    return n;
  };
  const log::Level before = log::level();
  log::set_level(log::Level::kInfo);
  testing::internal::CaptureStderr();
  PairedWindows windows(pairs, small_windows());
  const std::string info = testing::internal::GetCapturedStderr();
  log::set_level(log::Level::kDebug);
  testing::internal::CaptureStderr();
  PairedWindows verbose(pairs, small_windows());
  const std::string debug = testing::internal::GetCapturedStderr();
  log::set_level(before);

  EXPECT_EQ(windows.report().n_padded, 3);
  EXPECT_EQ(count(info, "3 of 4 pairs are shorter than one 1024-sample window"), 1) << info;
  EXPECT_EQ(count(info, "zero-padded"), 1) << info;
  EXPECT_EQ(count(info, "short1"), 1) << info;  // the first, in the summary
  EXPECT_EQ(count(info, "short3"), 0) << info;
  EXPECT_EQ(count(debug, "shorter than one 1024-sample window; zero-padded"), 3) << debug;
  EXPECT_EQ(count(debug, "short3"), 1) << debug;
}

TEST(Windows, SmallLengthDifferencesAreTrimmedLargeOnesNameBothFiles) {
  test::TempDir dir;
  auto options = small_windows();
  options.max_length_mismatch_samples = 8;
  auto pair = write_pair(dir, "a", test::sine(300, kRate, 2000), test::sine(300, kRate, 1995));
  PairedWindows windows({pair}, options);
  EXPECT_EQ(windows.report().n_trimmed, 1);
  EXPECT_EQ(windows.files()[0].noisy.size(), 1995u);

  auto bad = write_pair(dir, "b", test::sine(300, kRate, 2000), test::sine(300, kRate, 1900));
  try {
    PairedWindows({bad}, options);
    FAIL() << "a 100-sample difference was accepted";
  } catch (const InputError& e) {
    std::string message = e.what();
    EXPECT_NE(message.find(bad.noisy.string()), std::string::npos) << message;
    EXPECT_NE(message.find(bad.clean.string()), std::string::npos) << message;
  }

  // Files at twice the model's rate: the message gives their durations, not the sample counts
  // after resampling, which the user's files do not hold.
  auto fast =
      write_pair(dir, "c", test::sine(300, 2 * kRate, 4000), test::sine(300, 2 * kRate, 3800));
  try {
    PairedWindows({fast}, options);
    FAIL() << "a 100-sample difference was accepted";
  } catch (const InputError& e) {
    std::string message = e.what();
    const std::string n_noisy_s = std::to_string(4000.0 / (2 * kRate)).substr(0, 5) + " s";
    EXPECT_NE(message.find("(" + n_noisy_s + ")"), std::string::npos) << message;
  }
}

TEST(Windows, OtherRatesAndChannelsAreConvertedToTheModelsRate) {
  test::TempDir dir;
  auto mono = test::sine(300, 16000, 4000);
  audio::Audio stereo{{}, 16000, 2};
  for (float s : mono.samples)
    stereo.samples.insert(stereo.samples.end(), {s, -0.5f * s});
  auto pair = write_pair(dir, "a", stereo, mono);
  PairedWindows windows({pair}, small_windows());
  // 4000 samples at 16 kHz are 2000 at 8 kHz.
  EXPECT_EQ(windows.files()[0].clean.size(), 2000u);
  EXPECT_EQ(windows.files()[0].noisy.size(), 2000u);
}

}  // namespace
}  // namespace rawgan::data
