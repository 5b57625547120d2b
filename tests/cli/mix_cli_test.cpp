// rawgan mix end to end on real speech and noise: pairs of equal length at the listed SNRs,
// reproducible from the seed.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "rawgan/audio/audio.h"
#include "rawgan/audio/files.h"
#include "support/test_support.h"

namespace rawgan {
namespace {

namespace fs = std::filesystem;
using test::run_cli;

// The SNR definition rawgan mix states: 10 log10(sum s^2 / sum (x - s)^2) over the whole file.
double snr_db(const std::vector<float>& clean, const std::vector<float>& noisy) {
  double signal = 0, noise = 0;
  for (size_t i = 0; i < clean.size(); ++i) {
    signal += double(clean[i]) * clean[i];
    noise += double(noisy[i] - clean[i]) * (noisy[i] - clean[i]);
  }
  return 10 * std::log10(signal / noise);
}

TEST(MixCli, WritesPairsAtTheListedSnrsReproducibly) {
  RAWGAN_REQUIRE_SHARED_DATA(data);
  test::TempDir dir;
  auto mix = [&](const fs::path& out) {
    return run_cli({"mix", "--clean", (data / "clean").string(), "--noise",
                    (data / "noise").string(), "--snr", "0,10", "--seed", "4", "--out",
                    out.string(), "--quiet"});
  };
  auto result = mix(dir / "a");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("pairs written"), std::string::npos) << result.out;

  auto noisy_files = audio::find_audio_files(dir / "a" / "noisy");
  ASSERT_EQ(noisy_files.size(), audio::find_audio_files(data / "clean").size());
  for (const auto& noisy_path : noisy_files) {
    const auto name = fs::relative(noisy_path, dir / "a" / "noisy");
    auto noisy = audio::read(noisy_path);
    auto clean = audio::read(dir / "a" / "clean" / name);
    ASSERT_EQ(noisy.samples.size(), clean.samples.size()) << name;
    const double expected_db = name.string().find("_snr10") != std::string::npos ? 10.0 : 0.0;
    // 16-bit output: quantisation (about -90 dBFS) moves these SNRs by far less than 0.1 dB.
    EXPECT_NEAR(snr_db(clean.samples, noisy.samples), expected_db, 0.1) << name;
  }

  ASSERT_EQ(mix(dir / "b").exit_code, 0);
  for (const auto& noisy_path : noisy_files) {
    const auto b_path = dir / "b" / "noisy" / fs::relative(noisy_path, dir / "a" / "noisy");
    EXPECT_EQ(audio::read(noisy_path).samples, audio::read(b_path).samples) << b_path;
  }
}

TEST(MixCli, MissingFoldersAreInputErrors) {
  test::TempDir dir;
  auto result = run_cli({"mix", "--clean", (dir / "none").string(), "--noise", dir.path().string(),
                         "--out", (dir / "out").string()});
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_NE(result.err.find("none"), std::string::npos) << result.err;
}

TEST(MixCli, UnreadableFilesAreSkippedNamedAndCounted) {
  test::TempDir dir;
  audio::write(dir / "clean/a.wav", test::sine(300, 8000, 4000));
  audio::write(dir / "noise/n.wav", test::white_noise(8000, 4000, 0.1f, 1));
  std::ofstream(dir / "clean/broken.wav") << "RIFF, but not audio";
  std::ofstream(dir / "noise/bad.flac") << "not a FLAC stream";
  auto result = run_cli({"mix", "--clean", (dir / "clean").string(), "--noise",
                         (dir / "noise").string(), "--out", (dir / "out").string()});
  // Like enhance: the readable files are processed, the run reports bad input.
  EXPECT_EQ(result.exit_code, 3) << result.err;
  EXPECT_NE(result.err.find("broken.wav"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("bad.flac"), std::string::npos) << result.err;
  EXPECT_NE(result.out.find("2 unreadable files skipped"), std::string::npos) << result.out;
  EXPECT_EQ(audio::find_audio_files(dir / "out" / "noisy").size(), 1u);
}

// noisy/ and clean/ are marked as outputs: a later command on a folder above them (a rerun of
// mix with --clean there, enhance, training) leaves them out; given themselves, they are read.
TEST(MixCli, PairFoldersAreMarkedAsOutputs) {
  test::TempDir dir;
  audio::write(dir / "clean/a.wav", test::sine(300, 8000, 4000));
  audio::write(dir / "noise/n.wav", test::white_noise(8000, 4000, 0.1f, 1));
  auto result = run_cli({"mix", "--clean", (dir / "clean").string(), "--noise",
                         (dir / "noise").string(), "--out", (dir / "out").string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  for (const char* half : {"noisy", "clean"}) {
    EXPECT_EQ(audio::output_folder_writer(dir / "out" / half), "rawgan mix") << half;
    EXPECT_EQ(audio::find_audio_files(dir / "out" / half).size(), 1u) << half;
  }
  EXPECT_TRUE(audio::find_audio_files(dir / "out").empty());
}

// Pairs are named after the clean file without its extension: a.wav and a.aiff wrote one pair
// over the other and reported two.
TEST(MixCli, CleanFilesDifferingOnlyByExtensionAreRefused) {
  test::TempDir dir;
  audio::write(dir / "clean/a.wav", test::sine(300, 8000, 4000));
  fs::copy_file(dir / "clean/a.wav", dir / "clean/a.aiff");  // libsndfile reads by content
  audio::write(dir / "noise/n.wav", test::white_noise(8000, 4000, 0.1f, 1));
  auto result = run_cli({"mix", "--clean", (dir / "clean").string(), "--noise",
                         (dir / "noise").string(), "--out", (dir / "out").string()});
  EXPECT_EQ(result.exit_code, 3) << result.err;
  EXPECT_NE(result.err.find("a.aiff and "), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("a.wav: two clean files differ only by extension"), std::string::npos)
      << result.err;
  EXPECT_FALSE(fs::exists(dir / "out"));
}

// Only silent speech: no pair is written, and the exit code says so (it was 0).
TEST(MixCli, OnlySilentCleanFilesIsBadInput) {
  test::TempDir dir;
  audio::write(dir / "clean/quiet.wav", audio::Audio{std::vector<float>(4000, 0.0f), 8000, 1});
  audio::write(dir / "noise/n.wav", test::white_noise(8000, 4000, 0.1f, 1));
  auto result = run_cli({"mix", "--clean", (dir / "clean").string(), "--noise",
                         (dir / "noise").string(), "--out", (dir / "out").string()});
  EXPECT_EQ(result.exit_code, 3) << result.err;
  EXPECT_NE(result.err.find("no pairs written: all 1 clean files are silent"), std::string::npos)
      << result.err;
  EXPECT_NE(result.out.find("0 pairs written"), std::string::npos) << result.out;
}

// At --snr 100 the noise of a tone at -23 dBFS is about 0.02 of a 16-bit step: 16-bit files
// cannot hold it (they held about 112 dB, without a word). mix says how many pairs are off and
// by how much, and --format float32 writes pairs that hold the SNR asked.
TEST(MixCli, SnrsThat16BitFilesCannotHoldAreReportedAndFloat32HoldsThem) {
  test::TempDir dir;
  audio::write(dir / "clean/tone.wav", test::sine(440, 16000, 16000, 0.1f));
  audio::write(dir / "noise/n.wav", test::white_noise(16000, 16000, 0.1f, 1));
  auto mix = [&](const std::string& out, std::vector<std::string> extra) {
    std::vector<std::string> args = {
        "mix", "--clean", (dir / "clean").string(), "--noise", (dir / "noise").string(), "--snr",
        "100", "--out",   (dir / out).string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_cli(args);
  };
  auto pcm16 = mix("pcm16", {});
  ASSERT_EQ(pcm16.exit_code, 0) << pcm16.err;
  EXPECT_NE(pcm16.err.find("1 of 1 pairs hold an SNR more than 0.1 dB from the one asked"),
            std::string::npos)
      << pcm16.err;
  EXPECT_NE(pcm16.err.find("tone_n_snr100: asked 100 dB, holds "), std::string::npos) << pcm16.err;
  EXPECT_NE(pcm16.err.find("--format float32"), std::string::npos) << pcm16.err;

  auto float32 = mix("float32", {"--format", "float32"});
  ASSERT_EQ(float32.exit_code, 0) << float32.err;
  EXPECT_EQ(float32.err.find("SNR"), std::string::npos) << float32.err;
  const auto clean = audio::read(dir / "float32/clean/tone_n_snr100.wav");
  const auto noisy = audio::read(dir / "float32/noisy/tone_n_snr100.wav");
  // float32 keeps about 24 bits of each sample (-144 dB): 100 dB is held to within 0.1 dB.
  EXPECT_NEAR(snr_db(clean.samples, noisy.samples), 100.0, 0.1);

  // At 20 dB, 16-bit files hold the SNR: no warning.
  auto low = run_cli({"mix", "--clean", (dir / "clean").string(), "--noise",
                      (dir / "noise").string(), "--snr", "20", "--out", (dir / "low").string()});
  ASSERT_EQ(low.exit_code, 0) << low.err;
  EXPECT_EQ(low.err.find("SNR"), std::string::npos) << low.err;
}

TEST(MixCli, OutputNamedLikeAnAudioFileIsRefused) {
  test::TempDir dir;
  audio::write(dir / "clean/a.wav", test::sine(300, 8000, 4000));
  audio::write(dir / "noise/n.wav", test::white_noise(8000, 4000, 0.1f, 1));
  auto result = run_cli({"mix", "--clean", (dir / "clean").string(), "--noise",
                         (dir / "noise").string(), "--out", (dir / "pairs.wav").string()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("pairs.wav"), std::string::npos) << result.err;
  EXPECT_FALSE(fs::exists(dir / "pairs.wav"));
}

// --out mp with --clean mp/clean once wrote the pairs' clean halves into the user's speech
// folder; a rerun then mixed them as speech. Refused, naming both folders, before any write;
// an --out beside the inputs (mp, with speech in mp/speech) is accepted.
TEST(MixCli, OutputsAmongTheInputFoldersAreRefused) {
  test::TempDir dir;
  audio::write(dir / "mp/clean/a.wav", test::sine(300, 8000, 4000));
  audio::write(dir / "mp/noise/n.wav", test::white_noise(8000, 4000, 0.1f, 1));
  auto result = run_cli({"mix", "--clean", (dir / "mp/clean").string(), "--noise",
                         (dir / "mp/noise").string(), "--out", (dir / "mp").string()});
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_NE(result.err.find((dir / "mp/clean").string() + ", which is the --clean folder " +
                            (dir / "mp/clean").string()),
            std::string::npos)
      << result.err;
  EXPECT_EQ(audio::find_audio_files(dir / "mp").size(), 2u);
  EXPECT_FALSE(fs::exists(dir / "mp/noisy"));

  fs::rename(dir / "mp/clean", dir / "mp/speech");
  auto beside = run_cli({"mix", "--clean", (dir / "mp/speech").string(), "--noise",
                         (dir / "mp/noise").string(), "--out", (dir / "mp").string()});
  EXPECT_EQ(beside.exit_code, 0) << beside.err;
  EXPECT_EQ(audio::find_audio_files(dir / "mp/clean").size(), 1u);
}

TEST(MixCli, SnrsMustBeFiniteNumbers) {
  test::TempDir dir;
  for (const std::string snrs : {"nan", "inf", "5,,10", "0,-inf", "5,", ""}) {
    auto result = run_cli({"mix", "--clean", dir.path().string(), "--noise", dir.path().string(),
                           "--out", (dir / "out").string(), "--snr", snrs});
    EXPECT_EQ(result.exit_code, 2) << snrs << "\n" << result.err;
    EXPECT_NE(result.err.find("--snr: must be a finite number"), std::string::npos) << result.err;
  }
}

TEST(MixCli, NegativeSeedIsRefused) {
  test::TempDir dir;
  auto result = run_cli({"mix", "--clean", dir.path().string(), "--noise", dir.path().string(),
                         "--out", (dir / "out").string(), "--seed", "-1"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("--seed: must be an integer of 0 or more, got '-1'"), std::string::npos)
      << result.err;
}

TEST(MixCli, CopiesMustBeAPositiveInteger) {
  test::TempDir dir;
  auto result = run_cli({"mix", "--clean", dir.path().string(), "--noise", dir.path().string(),
                         "--out", (dir / "out").string(), "--copies", "0"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("--copies: must be a positive integer, got '0'"), std::string::npos)
      << result.err;
}

}  // namespace
}  // namespace rawgan
