// Every file under ../shared/data is either read with the rate, channel count and frame count its
// manifest gives, or refused with a message naming it.
#include <gtest/gtest.h>

#include "rawgan/audio/audio.h"
#include "rawgan/util/error.h"
#include "support/test_support.h"

namespace rawgan::audio {
namespace {

struct Expected {
  const char* path;
  int sample_rate_hz;
  int n_channels;
  int64_t n_frames;
};

// Rates and channels from MANIFEST.md; frame counts agree with its durations (e.g. 1.96 s at
// 16 kHz for p287_001 is 31367 frames).
const Expected kReadable[] = {
    {"clean/alsa-front-left-48k.wav", 48000, 1, 71042},
    {"clean/arctic-aew-a0001-16k.wav", 16000, 1, 62081},
    {"clean/arctic-axb-a0004-16k.wav", 16000, 1, 44880},
    {"clean/jfk-16k.wav", 16000, 1, 176000},
    {"clean/ljspeech-050-0131-22k.wav", 22050, 1, 168861},
    {"noise/air-conditioner-16k.wav", 16000, 1, 383006},
    {"noise/alsa-noise-48k.wav", 48000, 1, 67579},
    {"noise/vinyl-hiss-44k-stereo.flac", 44100, 2, 352800},
    {"odd/flac24-192k-stereo.flac", 192000, 2, 1336184},
    {"odd/flac24-44k-0.8s.flac", 44100, 1, 34984},
    {"odd/float32-44k-short-fmt.wav", 44100, 1, 541184},
    {"odd/float64-8k.wav", 8000, 1, 39412},
    {"odd/near-silence-8k.wav", 8000, 1, 8000},
    {"odd/pcm16-8k-0.58s.wav", 8000, 1, 4656},
    {"odd/pcm24-44k-junk-before-fmt.wav", 44100, 1, 541184},
    {"odd/pcm24-44k-stereo-extra-chunks.wav", 44100, 2, 441000},
    {"pairs/babble/clean/speech.wav", 16000, 1, 49600},
    {"pairs/babble/noisy/speech.wav", 16000, 1, 49600},
    {"pairs/synthetic/clean/arctic-aew-a0001.wav", 16000, 1, 62081},
    {"pairs/synthetic/noisy/arctic-aew-a0001.wav", 16000, 1, 62081},
    {"pairs/vbd-train/clean/p287_001.wav", 16000, 1, 31367},
    {"pairs/vbd-train/noisy/p287_001.wav", 16000, 1, 31367},
    {"pairs/vbd-train/clean/p287_002.wav", 16000, 1, 52086},
    {"pairs/vbd-train/noisy/p287_002.wav", 16000, 1, 52086},
    {"pairs/vbd-train/clean/p287_004.wav", 16000, 1, 77781},
    {"pairs/vbd-train/noisy/p287_004.wav", 16000, 1, 77781},
};

TEST(SharedFiles, EachIsReadWithItsRateChannelsAndLength) {
  RAWGAN_REQUIRE_SHARED_DATA(data);
  for (const Expected& expected : kReadable) {
    SCOPED_TRACE(expected.path);
    Audio audio = read(data / expected.path);
    EXPECT_EQ(audio.sample_rate_hz, expected.sample_rate_hz);
    EXPECT_EQ(audio.n_channels, expected.n_channels);
    EXPECT_EQ(audio.n_frames(), expected.n_frames);
    // Every sample is within full scale once decoded (float64-8k peaks at exactly 1.0).
    EXPECT_LE(measure_levels(audio).peak_dbfs, 0.0 + 1e-6);
  }
}

TEST(SharedFiles, EveryFileIsCoveredByAnExpectation) {
  RAWGAN_REQUIRE_SHARED_DATA(data);
  for (const auto& entry : std::filesystem::recursive_directory_iterator(data)) {
    std::string ext = entry.path().extension().string();
    if (ext != ".wav" && ext != ".flac") continue;
    std::string relative = std::filesystem::relative(entry.path(), data).string();
    bool known = relative == "odd/empty-header-only.wav";
    for (const Expected& expected : kReadable)
      known = known || relative == expected.path;
    EXPECT_TRUE(known) << relative << " is in ../shared/data but not in this test";
  }
}

TEST(SharedFiles, HeaderOnlyWavIsRefusedAsHavingNoSamples) {
  RAWGAN_REQUIRE_SHARED_DATA(data);
  try {
    read(data / "odd/empty-header-only.wav");
    FAIL() << "a file with no samples was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("empty-header-only.wav: has no samples"),
              std::string::npos)
        << e.what();
  }
}

TEST(SharedFiles, OddRatesAndLayoutsBecomeModelInput) {
  RAWGAN_REQUIRE_SHARED_DATA(data);
  // 192 kHz stereo FLAC to 16 kHz mono: 1336184 * 16000 / 192000 = 111348.67 -> 111349 frames.
  Audio audio = read_mono(data / "odd/flac24-192k-stereo.flac", 16000);
  EXPECT_EQ(audio.n_channels, 1);
  EXPECT_EQ(audio.n_frames(), 111349);
  // 0.79 s at 44.1 kHz becomes 34984 * 16000 / 44100 = 12692.7 -> 12693 frames.
  EXPECT_EQ(read_mono(data / "odd/flac24-44k-0.8s.flac", 16000).n_frames(), 12693);
}

}  // namespace
}  // namespace rawgan::audio
