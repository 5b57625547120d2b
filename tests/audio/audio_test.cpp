#include "rawgan/audio/audio.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <vector>

#include "rawgan/audio/stream.h"
#include "rawgan/util/error.h"
#include "support/test_support.h"

namespace rawgan::audio {
namespace {

using rawgan::test::TempDir;

Audio stereo_of(const Audio& left, const Audio& right) {
  Audio out;
  out.sample_rate_hz = left.sample_rate_hz;
  out.n_channels = 2;
  for (int64_t i = 0; i < left.n_frames(); ++i) {
    out.samples.push_back(left.samples[i]);
    out.samples.push_back(right.samples[i]);
  }
  return out;
}

double max_abs_difference(const Audio& a, const Audio& b) {
  double worst = 0.0;
  for (size_t i = 0; i < a.samples.size(); ++i) {
    worst = std::max(worst, static_cast<double>(std::fabs(a.samples[i] - b.samples[i])));
  }
  return worst;
}

struct FormatCase {
  const char* name;
  SampleFormat format;
  // One quantisation step: libsndfile scales by 2^(bits-1) - 1 on writing and by 2^(bits-1) on
  // reading, so rounding (half a step) and that scale mismatch (up to half a step at |x| = 0.5)
  // add up to one step. float32 is exact.
  double tolerance;
};

class RoundTrip : public testing::TestWithParam<FormatCase> {};

TEST_P(RoundTrip, KeepsRateChannelsFramesAndSamples) {
  TempDir dir;
  Audio original = stereo_of(test::sine(440, 22050, 5000), test::sine(1000, 22050, 5000, 0.25f));
  write(dir / "x.wav", original, GetParam().format);
  Audio back = read(dir / "x.wav");
  EXPECT_EQ(back.sample_rate_hz, 22050);
  EXPECT_EQ(back.n_channels, 2);
  ASSERT_EQ(back.n_frames(), 5000);
  EXPECT_LE(max_abs_difference(original, back), GetParam().tolerance);
}

INSTANTIATE_TEST_SUITE_P(Formats, RoundTrip,
                         testing::Values(FormatCase{"pcm16", SampleFormat::kPcm16, 1.0 / 32767},
                                         FormatCase{"pcm24", SampleFormat::kPcm24, 1.0 / 8388607},
                                         FormatCase{"float32", SampleFormat::kFloat32, 0.0}),
                         [](const testing::TestParamInfo<FormatCase>& info) {
                           return std::string(info.param.name);
                         });

TEST(Write, ClipsInsteadOfWrappingAndCounts) {
  TempDir dir;
  Audio loud;
  loud.sample_rate_hz = 16000;
  loud.n_channels = 1;
  loud.samples = {0.5f, 1.5f, -2.0f, 1.0f, -0.25f};
  WriteReport report = write(dir / "loud.wav", loud);
  EXPECT_EQ(report.n_clipped, 2);
  Audio back = read(dir / "loud.wav");
  EXPECT_NEAR(back.samples[1], 1.0f, 1e-4);  // wrapping would give a negative value
  EXPECT_NEAR(back.samples[2], -1.0f, 1e-4);
  EXPECT_NEAR(back.samples[4], -0.25f, 1e-4);
}

TEST(Write, LeavesNoPartialFileWhenNotCommitted) {
  TempDir dir;
  {
    FileWriter writer(dir / "partial.wav", 16000, 1, SampleFormat::kPcm16);
    float samples[4] = {0, 0.1f, 0.2f, 0.3f};
    writer.write(samples, 4);
  }
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

// A disk with no room for the header (here a file size limit of 0): the file cannot be created,
// and the temporary file libsndfile had made is not left behind (mix left one per run).
TEST(Write, AFileThatCannotBeCreatedLeavesNothing) {
  TempDir dir;
  std::string message;
  {
    test::FileSizeLimit limit(0);
    try {
      write(dir / "full.wav", Audio{{0.1f, 0.2f}, 16000, 1});
    } catch (const RuntimeError& e) {
      message = e.what();
    }
  }
  EXPECT_NE(message.find("full.wav: cannot create ("), std::string::npos) << message;
  EXPECT_EQ(test::n_entries(dir.path()), 0u);
}

// A folder where the file should go: the rename fails with its own reason (the clean-up's
// "Success" once replaced it), and nothing is left beside it.
TEST(Write, ARenameFailureGivesItsReason) {
  TempDir dir;
  std::filesystem::create_directories(dir / "taken.wav");
  try {
    write(dir / "taken.wav", Audio{{0.1f, 0.2f}, 16000, 1});
    FAIL() << "a file replaced a folder";
  } catch (const RuntimeError& e) {
    EXPECT_NE(std::string(e.what()).find("cannot move into place (Is a directory)"),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(test::n_entries(dir.path()), 1u);
}

// A float WAV can hold NaN and infinity. Streaming readers (enhance, baseline) take the file
// block by block, so the check must be in FileReader::read itself, and the frame it names must
// count the blocks read before.
TEST(Read, RefusesNanAndInfiniteSamplesNamingTheFrame) {
  TempDir dir;
  Audio stereo = stereo_of(test::sine(440, 16000, 5000), test::sine(440, 16000, 5000));
  stereo.samples[2 * 3000 + 1] = std::numeric_limits<float>::infinity();
  test::write_raw_float_wav(dir / "inf.wav", stereo);
  Audio mono = test::sine(440, 16000, 200);
  mono.samples[100] = std::numeric_limits<float>::quiet_NaN();
  test::write_raw_float_wav(dir / "nan.wav", mono);

  FileReader reader(dir / "inf.wav");
  std::vector<float> block(1024 * 2);
  try {
    while (reader.read(block.data(), 1024) > 0) {
    }
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(
                  "inf.wav: contains NaN or infinite samples (the first at frame 3000)"),
              std::string::npos)
        << e.what();
  }
  try {
    read(dir / "nan.wav");
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(
                  "nan.wav: contains NaN or infinite samples (the first at frame 100)"),
              std::string::npos)
        << e.what();
  }
}

TEST(Resample, ActsAlongTimeOnly) {
  // 48000 stereo frames at 48 kHz are one second: exactly 16000 frames at 16 kHz.
  Audio stereo = stereo_of(test::sine(1000, 48000, 48000), test::sine(1000, 48000, 48000));
  Audio down = resample(stereo, 16000);
  EXPECT_EQ(down.n_channels, 2);
  EXPECT_EQ(down.n_frames(), 16000);
  Audio mono = to_mono(down);
  EXPECT_EQ(mono.n_frames(), 16000);
  EXPECT_EQ(mono.sample_rate_hz, 16000);
  // A 1 kHz tone stays at 1 kHz (1 Hz grid; the DFT peak of 1 s is 1 Hz wide).
  EXPECT_NEAR(test::dominant_frequency_hz(mono, 2000, 1.0), 1000.0, 1.0);
}

TEST(Resample, UpsamplingKeepsFrequencyAndLevel) {
  Audio tone = test::sine(440, 8000, 8000, 0.5f);
  Audio up = resample(tone, 44100);
  EXPECT_EQ(up.n_frames(), 44100);
  EXPECT_NEAR(test::dominant_frequency_hz(up, 1000, 1.0), 440.0, 1.0);
  // RMS of a 0.5 sine is 0.354 (-9.03 dBFS); the resampler's passband ripple is far below
  // 0.1 dB, edges add little over one second.
  EXPECT_NEAR(measure_levels(up).rms_dbfs, 20 * std::log10(0.5 / std::sqrt(2.0)), 0.1);
}

TEST(Downmix, AveragesChannels) {
  Audio stereo;
  stereo.sample_rate_hz = 8000;
  stereo.n_channels = 2;
  stereo.samples = {1.0f, 0.0f, 0.5f, -0.5f, -1.0f, -0.5f};
  Audio mono = to_mono(stereo);
  ASSERT_EQ(mono.n_frames(), 3);
  EXPECT_FLOAT_EQ(mono.samples[0], 0.5f);
  EXPECT_FLOAT_EQ(mono.samples[1], 0.0f);
  EXPECT_FLOAT_EQ(mono.samples[2], -0.75f);
}

TEST(ReadMono, WarnsOnceNamingTheFile) {
  TempDir dir;
  write(dir / "st.wav", stereo_of(test::sine(300, 16000, 1600), test::sine(300, 16000, 1600)));
  testing::internal::CaptureStderr();
  Audio mono = read_mono(dir / "st.wav", 8000);
  std::string err = testing::internal::GetCapturedStderr();
  EXPECT_EQ(mono.n_frames(), 800);
  EXPECT_NE(err.find("st.wav: 2 channels averaged to mono"), std::string::npos) << err;
}

TEST(Read, NeverScalesByTheFilesPeak) {
  TempDir dir;
  write(dir / "quiet.wav", test::sine(440, 16000, 1600, 0.01f), SampleFormat::kFloat32);
  EXPECT_NEAR(measure_levels(read(dir / "quiet.wav")).peak_dbfs, -40.0, 0.01);
}

// check_readable reads a file through as read does, in blocks, and refuses what read refuses
// with the same message: a NaN past its first block (65536 frames) included.
TEST(CheckReadable, RefusesWhatReadRefusesWithTheSameMessage) {
  TempDir dir;
  Audio long_mono = test::sine(440, 16000, 100000);
  write(dir / "good.wav", long_mono);
  const FileInfo info = check_readable(dir / "good.wav");
  EXPECT_EQ(info.n_frames, 100000);
  EXPECT_EQ(info.sample_rate_hz, 16000);

  long_mono.samples[70000] = std::numeric_limits<float>::quiet_NaN();
  test::write_raw_float_wav(dir / "nan.wav", long_mono);
  std::ofstream(dir / "text.wav") << "this is not audio at all";
  write(dir / "empty.wav", Audio{{}, 16000, 1});
  for (const char* name : {"nan.wav", "text.wav", "empty.wav", "missing.wav"}) {
    std::string from_read;
    try {
      read(dir / name);
    } catch (const InputError& e) {
      from_read = e.what();
    }
    try {
      check_readable(dir / name);
      ADD_FAILURE() << name << " passed the check";
    } catch (const InputError& e) {
      EXPECT_EQ(e.what(), from_read) << name;
    }
  }
}

TEST(Read, RefusesMissingAndNonAudioFilesByName) {
  TempDir dir;
  EXPECT_THROW(
      {
        try {
          read(dir / "missing.wav");
        } catch (const InputError& e) {
          EXPECT_NE(std::string(e.what()).find("missing.wav: no such file"), std::string::npos);
          throw;
        }
      },
      InputError);
  std::ofstream(dir / "text.wav") << "this is not audio at all";
  try {
    read(dir / "text.wav");
    FAIL() << "text file was read as audio";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("text.wav: cannot read as audio"), std::string::npos)
        << e.what();
  }
}

TEST(Read, RefusesTruncatedData) {
  TempDir dir;
  write(dir / "full.wav", test::sine(440, 16000, 16000));
  // Cut the data chunk short while the header still promises 16000 frames.
  std::filesystem::resize_file(dir / "full.wav", 44 + 2 * 8000 + 1);
  try {
    Audio audio = read(dir / "full.wav");
    // libsndfile may shorten the frame count from the file size; then no frame is invented.
    EXPECT_LE(audio.n_frames(), 8000);
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("full.wav"), std::string::npos);
  }
}

TEST(Levels, PositiveAndNegativeFullScaleBothCountAsClipped) {
  // PCM16 stores +1.0 as 32767, read back as 32767/32768; it is at full scale all the same.
  test::TempDir dir;
  Audio extremes;
  extremes.sample_rate_hz = 8000;
  extremes.n_channels = 1;
  extremes.samples = {1.0f, -1.0f, 0.5f, 1.0f};
  write(dir / "fs.wav", extremes);
  EXPECT_EQ(measure_levels(read(dir / "fs.wav")).n_clipped, 3);
}

TEST(Levels, SilenceIsMinusInfinity) {
  Audio silence = test::sine(1, 8000, 100, 0.0f);
  Levels levels = measure_levels(silence);
  EXPECT_TRUE(std::isinf(levels.peak_dbfs) && levels.peak_dbfs < 0);
  EXPECT_EQ(levels.n_clipped, 0);
}

TEST(EnsureNotAnInput, RefusesOverwritingAnInput) {
  TempDir dir;
  write(dir / "in.wav", test::sine(440, 8000, 100));
  EXPECT_THROW(ensure_not_an_input(dir / "in.wav", {dir / "in.wav"}), UsageError);
  EXPECT_THROW(ensure_not_an_input(dir / "." / "in.wav", {dir / "in.wav"}), UsageError);
  EXPECT_NO_THROW(ensure_not_an_input(dir / "out.wav", {dir / "in.wav"}));
}

}  // namespace
}  // namespace rawgan::audio
