#include "rawgan/data/clips.h"

#include <gtest/gtest.h>

#include <fstream>

#include "rawgan/util/error.h"
#include "rawgan/util/log.h"
#include "support/test_support.h"

namespace rawgan::data {
namespace {

using test::TempDir;

ClipOptions clip_options(int64_t clip_samples) {
  ClipOptions options;
  options.sample_rate_hz = 16000;
  options.clip_samples = clip_samples;
  return options;
}

// What load_clips writes to stderr at `level` (kInfo: a plain run; kDebug: --verbose).
std::string stderr_of_load(const std::filesystem::path& dir, int64_t clip_samples,
                           log::Level level) {
  const log::Level before = log::level();
  log::set_level(level);
  testing::internal::CaptureStderr();
  try {
    load_clips(dir, clip_options(clip_samples));
  } catch (const InputError&) {
  }
  const std::string text = testing::internal::GetCapturedStderr();
  log::set_level(before);
  return text;
}

int64_t count(const std::string& text, const std::string& part) {
  int64_t n = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1))
    ++n;
  return n;
}

TEST(Clips, ShortFilesArePaddedAndLongOnesSliced) {
  TempDir dir;
  audio::write(dir / "short.wav", test::sine(440, 16000, 1000));
  audio::write(dir / "long.wav", test::sine(440, 16000, 2500));  // 2 full clips and a rest
  auto set = load_clips(dir.path(), clip_options(1024));
  ASSERT_EQ(set.files.size(), 2u);
  EXPECT_EQ(set.clips.size(0), 1 + 3);
  EXPECT_EQ(set.clips.size(1), 1024);
  EXPECT_EQ(set.n_padded, 1);
  EXPECT_EQ(set.n_sliced, 1);
  // Files are sorted: long.wav first. Its last clip holds 2500 - 2048 = 452 samples, then zeros.
  auto last_of_long = set.clips[2];
  EXPECT_GT(last_of_long.narrow(0, 0, 452).abs().max().item<float>(), 0.4f);
  EXPECT_EQ(last_of_long.narrow(0, 452, 1024 - 452).abs().max().item<float>(), 0.0f);
  EXPECT_EQ(set.clips[3].narrow(0, 1000, 24).abs().max().item<float>(), 0.0f);
}

TEST(Clips, OtherRatesAndChannelsAreConverted) {
  TempDir dir;
  audio::Audio stereo{std::vector<float>(2 * 4410, 0.25f), 44100, 2};
  audio::write(dir / "stereo.wav", stereo);
  auto set = load_clips(dir.path(), clip_options(4096));
  ASSERT_EQ(set.clips.size(0), 1);
  // 0.1 s at 16 kHz is 1600 samples; the rest of the clip is padding.
  EXPECT_NEAR(set.clips[0][800].item<float>(), 0.25f, 1e-3);
  EXPECT_EQ(set.clips[0].narrow(0, 1700, 4096 - 1700).abs().max().item<float>(), 0.0f);
}

// A folder of stereo clips opened the run with a warning per file: one line now gives the count
// and the first file, and --verbose (debug) names each.
TEST(Clips, DownmixedFilesAreSummedUpInOneWarning) {
  TempDir dir;
  const audio::Audio stereo{std::vector<float>(2 * 1000, 0.25f), 16000, 2};
  for (const char* name : {"st1.wav", "st2.wav", "st3.wav"})
    audio::write(dir / name, stereo);
  audio::write(dir / "mono.wav", test::sine(440, 16000, 1000));
  EXPECT_EQ(load_clips(dir.path(), clip_options(1024)).n_downmixed, 3);

  const std::string info = stderr_of_load(dir.path(), 1024, log::Level::kInfo);
  EXPECT_EQ(count(info, "averaged to mono"), 1) << info;
  EXPECT_EQ(count(info, "3 of 4 files of several channels, averaged to mono"), 1) << info;
  EXPECT_EQ(count(info, "st1.wav (2 channels)"), 1) << info;  // the first, in the summary
  EXPECT_EQ(count(info, "st3.wav"), 0) << info;
  EXPECT_EQ(count(info, "--verbose names each"), 1) << info;
  const std::string debug = stderr_of_load(dir.path(), 1024, log::Level::kDebug);
  EXPECT_EQ(count(debug, "st3.wav: 2 channels averaged to mono"), 1) << debug;
}

// A quiet file (here -80 dBFS, below the -60 dBFS of a silent slice) keeps one clip: it may be
// what the user wants to model. A file of digital silence has nothing to learn from and is
// skipped, with one warning for all such files.
TEST(Clips, SilentSlicesAreDroppedAQuietFileKeepsOneClipAndDigitalSilenceIsSkipped) {
  TempDir dir;
  auto tone_then_silence = test::sine(440, 16000, 1024);
  tone_then_silence.samples.resize(3 * 1024, 0.0f);
  audio::write(dir / "a.wav", tone_then_silence);
  audio::write(dir / "b.wav", test::sine(440, 16000, 500, 1.4e-4f));
  for (const char* name : {"zero1.wav", "zero2.wav"})
    audio::write(dir / name, audio::Audio{std::vector<float>(500, 0.0f), 16000, 1});
  auto set = load_clips(dir.path(), clip_options(1024));
  EXPECT_EQ(set.clips.size(0), 2);
  EXPECT_EQ(set.files.size(), 2u);
  EXPECT_EQ(set.n_silent_dropped, 2);
  EXPECT_EQ(set.n_silent_files, 2);

  const std::string info = stderr_of_load(dir.path(), 1024, log::Level::kInfo);
  EXPECT_EQ(count(info, "digital silence"), 1) << info;
  EXPECT_EQ(count(info, "2 of 4 files skipped as digital silence (every sample zero); the first: " +
                            (dir / "zero1.wav").string() + " (--verbose names each)"),
            1)
      << info;
  const std::string debug = stderr_of_load(dir.path(), 1024, log::Level::kDebug);
  EXPECT_EQ(count(debug, (dir / "zero2.wav").string() + ": digital silence"), 1) << debug;

  // A generator's output is measured whole: its silent files are kept, one clip each.
  ClipOptions keep = clip_options(1024);
  keep.skip_digital_silence = false;
  const ClipSet kept = load_clips(dir.path(), keep);
  EXPECT_EQ(kept.clips.size(0), 4);
  EXPECT_EQ(kept.n_silent_files, 2);
}

// A folder of nothing but digital silence (or silence and unreadable files) trains nothing: an
// input error naming the folder and what it holds, not a run on zeros.
TEST(Clips, AFolderOfOnlySilentOrUnreadableFilesIsAnInputError) {
  TempDir dir;
  for (const char* name : {"zero1.wav", "zero2.wav"})
    audio::write(dir / name, audio::Audio{std::vector<float>(500, 0.0f), 16000, 1});
  const std::string prefix = dir.path().string() + ": no usable audio: ";
  try {
    load_clips(dir.path(), clip_options(1024));
    FAIL() << "a folder of silence was accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()).find(prefix +
                                         "its 2 audio files are all digital silence "
                                         "(every sample zero; the first: " +
                                         (dir / "zero1.wav").string() + ")"),
              0u)
        << e.what();
  }
  std::ofstream(dir / "bad.wav") << "not audio";
  try {
    load_clips(dir.path(), clip_options(1024));
    FAIL() << "a folder of silence and junk was accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()).find(prefix + "of its 3 audio files, 1 could not be read"), 0u)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("and 2 are digital silence"), std::string::npos)
        << e.what();
  }
}

// A file far shorter than a clip (a single sample, a click) is padded to a clip that is nearly
// all silence: it trains, with one warning that counts such files and names the first.
TEST(Clips, FilesFarShorterThanAClipAreCountedInOneWarning) {
  TempDir dir;
  audio::write(dir / "one.wav", audio::Audio{{0.5f}, 16000, 1});
  audio::write(dir / "ten.wav", test::sine(440, 16000, 10));
  audio::write(dir / "tone.wav", test::sine(440, 16000, 1000));
  const ClipSet set = load_clips(dir.path(), clip_options(1024));
  EXPECT_EQ(set.clips.size(0), 3);
  EXPECT_EQ(set.n_padded, 3);
  EXPECT_EQ(set.n_far_short, 2);
  EXPECT_EQ(set.clips[0][0].item<float>(), 0.5f);

  // A 16th of the 1024-sample clip is 64 samples, 4 ms at 16 kHz.
  const std::string info = stderr_of_load(dir.path(), 1024, log::Level::kInfo);
  EXPECT_EQ(count(info,
                  "2 of 3 files shorter than 64 samples (4 ms at 16000 Hz, a 16th of a "
                  "clip), each padded with silence to one 1024-sample clip; the first: " +
                      (dir / "one.wav").string() + " (1 sample)"),
            1)
      << info;
  const std::string debug = stderr_of_load(dir.path(), 1024, log::Level::kDebug);
  EXPECT_EQ(count(debug, (dir / "ten.wav").string() + ": 10 samples"), 1) << debug;
}

// Unreadable files are skipped (the others are used) and summed up in one warning with the count
// and the first file's reason; --verbose names each. A folder of nothing but unreadable files is
// an input error naming the folder, the count and the first reason.
TEST(Clips, UnreadableFilesAreSummedUpAndAFolderOfOnlyThemIsAnInputError) {
  TempDir dir;
  for (const char* name : {"bad1.wav", "bad2.wav", "bad3.wav"})
    std::ofstream(dir / name) << "not audio";
  audio::write(dir / "good.wav", test::sine(440, 16000, 1000));
  const ClipSet set = load_clips(dir.path(), clip_options(1024));
  EXPECT_EQ(set.n_unreadable, 3);
  EXPECT_EQ(set.clips.size(0), 1);

  const std::string info = stderr_of_load(dir.path(), 1024, log::Level::kInfo);
  EXPECT_EQ(count(info, "unreadable"), 1) << info;
  EXPECT_EQ(count(info, "3 of 4 files skipped as unreadable (the others are used)"), 1) << info;
  EXPECT_EQ(count(info, "the first: " + (dir / "bad1.wav").string() + ": cannot read"), 1) << info;
  EXPECT_EQ(count(info, "bad3.wav"), 0) << info;
  const std::string debug = stderr_of_load(dir.path(), 1024, log::Level::kDebug);
  EXPECT_EQ(count(debug, (dir / "bad3.wav").string() + ": cannot read"), 1) << debug;

  std::filesystem::remove(dir / "good.wav");
  try {
    load_clips(dir.path(), clip_options(1024));
    FAIL() << "a folder of unreadable files was accepted";
  } catch (const InputError& e) {
    const std::string message = e.what();
    EXPECT_EQ(message.find(dir.path().string() +
                           ": no usable audio: none of its 3 audio files "
                           "could be read (the first: " +
                           (dir / "bad1.wav").string() + ": cannot read"),
              0u)
        << message;
    EXPECT_NE(message.find("expected"), std::string::npos) << message;
  }
}

TEST(Clips, EmptyOrMissingFoldersAreInputErrors) {
  TempDir dir;
  EXPECT_THROW(load_clips(dir.path(), clip_options(1024)), InputError);
  std::ofstream(dir / "notes.wav") << "not audio";
  EXPECT_THROW(load_clips(dir.path(), clip_options(1024)), InputError);
  EXPECT_THROW(load_clips(dir / "missing", clip_options(1024)), InputError);
}

}  // namespace
}  // namespace rawgan::data
