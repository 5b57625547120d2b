// rawgan baseline end to end: folders mirrored, rate/channels/length kept, inputs protected.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <limits>

#include "rawgan/audio/audio.h"
#include "rawgan/audio/files.h"
#include "support/test_support.h"

namespace rawgan {
namespace {

using test::run_cli;

// White noise with a sine starting at 40% of the length (the baselines, like any noise tracker,
// take what is there from the start as noise), `n_channels` identical channels.
audio::Audio noisy_tone(int sample_rate_hz, int64_t n_frames, int n_channels, uint32_t seed) {
  audio::Audio tone = test::sine(440, sample_rate_hz, n_frames, 0.3f);
  audio::Audio noise = test::white_noise(sample_rate_hz, n_frames, 0.05f, seed);
  audio::Audio out{{}, sample_rate_hz, n_channels};
  for (int64_t i = 0; i < n_frames; ++i)
    for (int c = 0; c < n_channels; ++c)
      out.samples.push_back((i * 5 >= n_frames * 2 ? tone.samples[i] : 0.0f) + noise.samples[i]);
  return out;
}

TEST(BaselineCli, MirrorsFoldersAndKeepsRateChannelsLength) {
  test::TempDir dir;
  audio::write(dir / "in/a.wav", noisy_tone(16000, 12345, 1, 1));
  audio::write(dir / "in/sub/b.wav", noisy_tone(44100, 30001, 2, 2), audio::SampleFormat::kPcm24);
  for (const std::string method : {"wiener", "specsub"}) {
    const auto out = dir / ("out-" + method);
    auto result = run_cli(
        {"baseline", "--method", method, (dir / "in").string(), "-o", out.string(), "--quiet"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_TRUE(result.out.empty()) << result.out;  // results are files; nothing on stdout
    for (const std::string name : {"a.wav", "sub/b.wav"}) {
      const audio::FileInfo in = audio::probe(dir / "in" / name);
      const audio::FileInfo made = audio::probe(out / name);
      EXPECT_EQ(made.sample_rate_hz, in.sample_rate_hz) << name;
      EXPECT_EQ(made.n_channels, in.n_channels) << name;
      EXPECT_EQ(made.n_frames, in.n_frames) << name;
    }
    // Enhancement must remove some of the noise: the output differs from the input and is
    // quieter than it (the noise is removed, the tone kept).
    const auto in_levels = audio::measure_levels(audio::read(dir / "in/a.wav"));
    const auto out_levels = audio::measure_levels(audio::read(out / "a.wav"));
    EXPECT_LT(out_levels.rms_dbfs, in_levels.rms_dbfs) << method;
    EXPECT_GT(out_levels.rms_dbfs, in_levels.rms_dbfs - 6.0) << method;  // the tone stays
  }
}

TEST(BaselineCli, SingleFileToFileAndRefusals) {
  test::TempDir dir;
  const auto input = dir / "noisy.wav";
  audio::write(input, noisy_tone(8000, 4000, 1, 3));
  auto one = run_cli({"baseline", input.string(), "-o", (dir / "clean.wav").string(), "-q"});
  EXPECT_EQ(one.exit_code, 0) << one.err;
  EXPECT_EQ(audio::probe(dir / "clean.wav").n_frames, 4000);

  auto overwrite = run_cli({"baseline", input.string(), "-o", input.string()});
  EXPECT_EQ(overwrite.exit_code, 2);
  EXPECT_NE(overwrite.err.find("would overwrite the input"), std::string::npos) << overwrite.err;

  auto missing = run_cli({"baseline", (dir / "nope.wav").string(), "-o", dir.path().string()});
  EXPECT_EQ(missing.exit_code, 3);
  EXPECT_NE(missing.err.find("nope.wav"), std::string::npos) << missing.err;

  EXPECT_EQ(run_cli({"baseline", "--method", "magic", input.string(), "-o", "x"}).exit_code, 2);
}

// Each method's own options are refused with the other method instead of being ignored.
TEST(BaselineCli, OptionsOfTheOtherMethodAreRefused) {
  test::TempDir dir;
  const auto input = dir / "noisy.wav";
  audio::write(input, noisy_tone(8000, 4000, 1, 3));
  const std::string out = (dir / "out").string();
  auto floor = run_cli(
      {"baseline", "--method", "wiener", "--spectral-floor", "0.1", input.string(), "-o", out});
  EXPECT_EQ(floor.exit_code, 2);
  EXPECT_NE(floor.err.find("--spectral-floor applies to --method specsub only, not to wiener"),
            std::string::npos)
      << floor.err;
  auto alpha =
      run_cli({"baseline", "--method", "specsub", "--dd-alpha", "0.9", input.string(), "-o", out});
  EXPECT_EQ(alpha.exit_code, 2);
  EXPECT_NE(alpha.err.find("--dd-alpha applies to --method wiener only, not to specsub"),
            std::string::npos)
      << alpha.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "out"));
  // Its own options, and --frame-ms with either, are taken.
  EXPECT_EQ(run_cli({"baseline", "--method", "specsub", "--over-subtraction", "1.5", "--frame-ms",
                     "16", input.string(), "-o", out, "-q"})
                .exit_code,
            0);
  EXPECT_EQ(
      run_cli({"baseline", "--dd-alpha", "0.9", input.string(), "-o", out + "2", "-q"}).exit_code,
      0);
}

// A value out of an option's range is a usage error that names the option, NaN included, before
// the output folder is made.
TEST(BaselineCli, OptionsOutOfRangeAreNamedBeforeAnyWork) {
  test::TempDir dir;
  const auto input = dir / "noisy.wav";
  audio::write(input, noisy_tone(8000, 4000, 1, 3));
  const std::string out = (dir / "out").string();
  const std::vector<std::vector<std::string>> cases = {
      {"--frame-ms", "0"},
      {"--frame-ms", "nan"},
      {"--dd-alpha", "1"},
      {"--method", "specsub", "--over-subtraction", "-1"},
      {"--method", "specsub", "--spectral-floor", "nan"}};
  for (const auto& options : cases) {
    std::vector<std::string> args = {"baseline", input.string(), "-o", out};
    args.insert(args.end(), options.begin(), options.end());
    const auto result = run_cli(args);
    const std::string& option = options[options.size() - 2];
    EXPECT_EQ(result.exit_code, 2) << option;
    EXPECT_NE(result.err.find(option + ": must be a number from"), std::string::npos) << result.err;
    EXPECT_FALSE(std::filesystem::exists(out)) << option;
  }
}

// A float file holding a NaN is bad input, as an unreadable file is: named, skipped, no output
// written for it, the other files done, exit code 3 at the end.
TEST(BaselineCli, AFileWithNanSamplesIsSkippedAsBadInput) {
  test::TempDir dir;
  audio::write(dir / "in/good.wav", noisy_tone(16000, 8000, 1, 4));
  audio::Audio bad = noisy_tone(16000, 8000, 1, 5);
  bad.samples[4000] = std::numeric_limits<float>::quiet_NaN();
  test::write_raw_float_wav(dir / "in/bad.wav", bad);
  auto result =
      run_cli({"baseline", (dir / "in").string(), "-o", (dir / "out").string(), "--quiet"});
  EXPECT_EQ(result.exit_code, 3) << result.err;
  EXPECT_NE(result.err.find("bad.wav: contains NaN or infinite samples"), std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find("1 of 2 files could not be read"), std::string::npos) << result.err;
  EXPECT_TRUE(std::filesystem::exists(dir / "out/good.wav"));
  // Nothing for the bad file, not even a temporary file: the good file and the folder's marker.
  EXPECT_TRUE(std::filesystem::exists(dir / "out" / audio::kOutputMarker));
  EXPECT_EQ(test::n_entries(dir / "out"), 2u);

  // The bad file alone: no audio processed, so no real-time factor (it read 1.3e+06).
  auto only_bad =
      run_cli({"baseline", (dir / "in/bad.wav").string(), "-o", (dir / "out2/bad.wav").string()});
  EXPECT_EQ(only_bad.exit_code, 3) << only_bad.err;
  EXPECT_EQ(only_bad.err.find("real-time factor"), std::string::npos) << only_bad.err;
}

// `baseline recs -o recs/clean` then another command on recs: the second must not take
// recs/clean's outputs as inputs, and says why it leaves them out; the outputs given as an
// input themselves are read (by baseline and eval alike).
TEST(BaselineCli, OutputsOfAnotherCommandInsideTheInputAreNotRead) {
  test::TempDir dir;
  audio::write(dir / "recs/a.wav", noisy_tone(16000, 8000, 1, 6));
  auto wiener = run_cli({"baseline", (dir / "recs").string(), "-o", (dir / "recs/clean").string()});
  ASSERT_EQ(wiener.exit_code, 0) << wiener.err;
  EXPECT_EQ(audio::output_folder_writer(dir / "recs/clean"), "rawgan baseline");

  auto specsub = run_cli({"baseline", "--method", "specsub", (dir / "recs").string(), "-o",
                          (dir / "recs/specsub").string()});
  ASSERT_EQ(specsub.exit_code, 0) << specsub.err;
  EXPECT_TRUE(std::filesystem::exists(dir / "recs/specsub/a.wav"));
  EXPECT_FALSE(std::filesystem::exists(dir / "recs/specsub/clean")) << "outputs read as inputs";
  EXPECT_NE(specsub.err.find((dir / "recs/clean").string() +
                             ": not searched for inputs: it holds the outputs of 'rawgan "
                             "baseline'"),
            std::string::npos)
      << specsub.err;

  auto again = run_cli(
      {"baseline", (dir / "recs/clean").string(), "-o", (dir / "recs/clean2").string(), "--quiet"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_TRUE(std::filesystem::exists(dir / "recs/clean2/a.wav"));
  auto eval = run_cli({"eval", "--clean", (dir / "recs").string(), "--system",
                       "wiener=" + (dir / "recs/clean").string(), "--quiet"});
  EXPECT_EQ(eval.exit_code, 0) << eval.err;
}

// A file at a rate the enhancers cannot take is this file's fault: it is named and skipped, the
// files after it are processed, and the exit code is 3 (the batch stopped there with 2).
TEST(BaselineCli, AFileAtTooLowARateIsSkippedAndTheOthersProcessed) {
  test::TempDir dir;
  audio::write(dir / "in/0.wav", noisy_tone(8000, 4000, 1, 1));
  audio::write(dir / "in/a.wav", audio::Audio{std::vector<float>(50, 0.1f), 500, 1});
  audio::write(dir / "in/b.wav", noisy_tone(8000, 4000, 1, 2));
  auto result =
      run_cli({"baseline", (dir / "in").string(), "-o", (dir / "out").string(), "--quiet"});
  EXPECT_EQ(result.exit_code, 3) << result.err;
  EXPECT_NE(
      result.err.find("a.wav: expected a sample rate of at least 1000 Hz for wiener, got 500"),
      std::string::npos)
      << result.err;
  EXPECT_TRUE(std::filesystem::exists(dir / "out/0.wav"));
  EXPECT_TRUE(std::filesystem::exists(dir / "out/b.wav"));
  EXPECT_FALSE(std::filesystem::exists(dir / "out/a.wav"));
}

// `baseline nest -o nest/out` twice: the second run once took nest/out/a.wav as an input and
// refused to overwrite it with itself.
TEST(BaselineCli, RerunsWithTheOutputFolderInsideTheInputFolder) {
  test::TempDir dir;
  audio::write(dir / "nest/a.wav", noisy_tone(16000, 8000, 1, 6));
  for (int run = 1; run <= 2; ++run) {
    auto result = run_cli(
        {"baseline", (dir / "nest").string(), "-o", (dir / "nest/out").string(), "--quiet"});
    ASSERT_EQ(result.exit_code, 0) << "run " << run << ": " << result.err;
  }
  EXPECT_TRUE(std::filesystem::exists(dir / "nest/out/a.wav"));
  EXPECT_FALSE(std::filesystem::exists(dir / "nest/out/out")) << "outputs were taken as inputs";
}

// Output names up to the 255-byte limit are written, and a batch goes on past them: the
// temporary name was once the output's name plus ".part" and the process id, too long for the
// file system, and the run stopped there with exit code 4.
TEST(BaselineCli, WritesTheLongestLegalFileNames) {
  test::TempDir dir;
  const std::string longest = std::string(251, 'n') + ".wav";
  audio::write(dir / "in" / longest, noisy_tone(8000, 4000, 1, 7));
  audio::write(dir / "in/z.wav", noisy_tone(8000, 4000, 1, 8));
  auto result =
      run_cli({"baseline", (dir / "in").string(), "-o", (dir / "out").string(), "--quiet"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(audio::probe(dir / "out" / longest).n_frames, 4000);
  EXPECT_EQ(audio::probe(dir / "out/z.wav").n_frames, 4000);
}

// An output folder that cannot be made is reported with the reason. A link to a missing folder
// stands in for a folder without permission (tests run as root): writing into it once said only
// "System error : No such file or directory."
TEST(BaselineCli, AnOutputFolderThatCannotBeMadeIsReportedWithTheReason) {
  test::TempDir dir;
  audio::write(dir / "in/a.wav", noisy_tone(8000, 4000, 1, 9));
  std::filesystem::create_directory_symlink(dir / "unmounted", dir / "out");
  auto result = run_cli({"baseline", (dir / "in").string(), "-o", (dir / "out").string()});
  EXPECT_EQ(result.exit_code, 4) << result.err;
  EXPECT_NE(
      result.err.find("cannot create the folder " + (dir / "out").string() + " (File exists)"),
      std::string::npos)
      << result.err;
  EXPECT_EQ(result.err.find("No such file or directory"), std::string::npos) << result.err;
}

TEST(BaselineCli, AFolderWithoutAudioIsAnInputError) {
  test::TempDir dir;
  std::filesystem::create_directories(dir / "empty");
  std::ofstream(dir / "empty" / "notes.txt") << "no audio here";
  auto result = run_cli({"baseline", (dir / "empty").string(), "-o", (dir / "out").string()});
  EXPECT_EQ(result.exit_code, 3) << result.err;
  EXPECT_NE(result.err.find("no audio files in " + (dir / "empty").string()), std::string::npos)
      << result.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "out"));
}

TEST(BaselineCli, FolderInputWithAnAudioFileOutputIsRefused) {
  test::TempDir dir;
  audio::write(dir / "in/a.wav", noisy_tone(8000, 4000, 1, 4));
  audio::write(dir / "in/b.wav", noisy_tone(8000, 4000, 1, 5));
  for (const std::string name : {"x.flac", "one.wav"}) {
    auto result = run_cli({"baseline", (dir / "in").string(), "-o", (dir / name).string()});
    EXPECT_EQ(result.exit_code, 2) << name;
    EXPECT_NE(result.err.find(name), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("output folder"), std::string::npos) << result.err;
    EXPECT_FALSE(std::filesystem::exists(dir / name)) << name;
  }
  auto several = run_cli({"baseline", (dir / "in/a.wav").string(), (dir / "in/b.wav").string(),
                          "-o", (dir / "both.wav").string()});
  EXPECT_EQ(several.exit_code, 2) << several.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "both.wav"));
}

}  // namespace
}  // namespace rawgan
