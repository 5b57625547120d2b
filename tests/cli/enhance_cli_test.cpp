// End-to-end tests of `rawgan enhance`, with a tiny SEGAN trained for two steps by
// `rawgan train` (so the checkpoint is exactly what users get).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "rawgan/audio/audio.h"
#include "rawgan/audio/files.h"
#include "support/test_support.h"

namespace rawgan::test {
namespace {

namespace fs = std::filesystem;

// A SEGAN small enough to train and run in a second: 1024-sample windows, two encoder layers.
void write_tiny_preset(const fs::path& path) {
  std::ofstream(path) << R"({"kind": "segan", "model": {"sample_rate_hz": 16000,
    "window_samples": 1024, "kernel_size": 31, "stride": 2, "encoder_channels": [4, 8],
    "latent": true, "pre_emphasis": 0.95, "discriminator_norm": "virtual"},
    "train": {"batch_size": 2, "valid_every": 0}})";
}

class EnhanceCli : public ::testing::Test {
 protected:
  // Trains the tiny model once for all tests of this suite.
  static void SetUpTestSuite() {
    const auto data = shared_data_dir();
    if (!data) return;
    dir_ = new TempDir();
    const fs::path pairs = *data / "pairs" / "vbd-train";
    write_tiny_preset(*dir_ / "tiny.json");
    const CliResult trained = run_cli(
        {"train", "--noisy", (pairs / "noisy").string(), "--clean", (pairs / "clean").string(),
         "--valid-noisy", (pairs / "noisy").string(), "--valid-clean", (pairs / "clean").string(),
         "--preset", (*dir_ / "tiny.json").string(), "--steps", "2", "--device", "cpu", "--out",
         (*dir_ / "run").string()});
    train_log_ = new std::string(trained.err);
  }
  static void TearDownTestSuite() {
    delete dir_;
    delete train_log_;
    dir_ = nullptr;
    train_log_ = nullptr;
  }

  fs::path checkpoint() const {
    const fs::path path = *dir_ / "run" / "last.pt";
    if (!fs::exists(path)) ADD_FAILURE() << "rawgan train wrote no checkpoint:\n" << *train_log_;
    return path;
  }

  static TempDir* dir_;
  static std::string* train_log_;
};

TempDir* EnhanceCli::dir_ = nullptr;
std::string* EnhanceCli::train_log_ = nullptr;

TEST_F(EnhanceCli, FolderOutputsHaveTheInputsLengthsAndRates) {
  RAWGAN_REQUIRE_SHARED_DATA(data);
  const fs::path noisy = data / "pairs" / "vbd-train" / "noisy";
  TempDir out;
  const CliResult result =
      run_cli({"enhance", "--model", checkpoint().string(), noisy.string(), "-o",
               out.path().string(), "--device", "cpu", "--batch-size", "3", "--threads", "1"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.err.find("real-time factor"), std::string::npos) << result.err;
  int n_files = 0;
  for (const auto& entry : fs::directory_iterator(noisy)) {
    const fs::path output = out.path() / entry.path().filename().replace_extension(".wav");
    ASSERT_TRUE(fs::exists(output)) << output;
    const audio::FileInfo in = audio::probe(entry.path());
    const audio::FileInfo enhanced = audio::probe(output);
    EXPECT_EQ(enhanced.n_frames, in.n_frames) << output;
    EXPECT_EQ(enhanced.sample_rate_hz, in.sample_rate_hz);
    EXPECT_EQ(enhanced.n_channels, in.n_channels);
    ++n_files;
  }
  EXPECT_EQ(n_files, 3);
}

TEST_F(EnhanceCli, StereoFileAtAnotherRateKeepsItsShape) {
  RAWGAN_REQUIRE_SHARED_DATA(data);
  TempDir work;
  // 44.1 kHz stereo of 16385 frames: resampled to 16 kHz and back, each channel enhanced.
  const audio::Audio left = sine(440, 44100, 16385);
  const audio::Audio right = white_noise(44100, 16385, 0.1f, 3);
  audio::Audio stereo{{}, 44100, 2};
  for (size_t i = 0; i < left.samples.size(); ++i) {
    stereo.samples.push_back(left.samples[i]);
    stereo.samples.push_back(right.samples[i]);
  }
  audio::write(work / "stereo.wav", stereo);
  const CliResult result =
      run_cli({"enhance", "--model", checkpoint().string(), (work / "stereo.wav").string(), "--out",
               (work / "clean.wav").string(), "--device", "cpu", "--format", "float32",
               "--overlap-ms", "8"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const audio::FileInfo enhanced = audio::probe(work / "clean.wav");
  EXPECT_EQ(enhanced.n_frames, 16385);
  EXPECT_EQ(enhanced.n_channels, 2);
  EXPECT_EQ(enhanced.sample_rate_hz, 44100);
  // The 16 kHz model cannot give back what lies above 8 kHz: the user is told.
  EXPECT_NE(result.err.find("44100 Hz, enhanced at the model's 16000 Hz: the output holds "
                            "nothing above 8000 Hz"),
            std::string::npos)
      << result.err;

  const CliResult threads =
      run_cli({"enhance", "--model", checkpoint().string(), (work / "stereo.wav").string(), "-o",
               (work / "again.wav").string(), "--threads", "-1"});
  EXPECT_EQ(threads.exit_code, 2);
  EXPECT_NE(threads.err.find("--threads"), std::string::npos) << threads.err;
}

// A float file holding a NaN is bad input, as an unreadable file is: named, skipped, no output
// written for it (it was all zeros, reported as clipped), exit code 3 at the end.
TEST_F(EnhanceCli, AFileWithNanSamplesIsSkippedAsBadInput) {
  RAWGAN_REQUIRE_SHARED_DATA(data);
  TempDir work;
  audio::write(work / "in" / "good.wav", sine(440, 16000, 4000));
  audio::Audio bad = sine(440, 16000, 4000);
  bad.samples[2000] = std::numeric_limits<float>::quiet_NaN();
  write_raw_float_wav(work / "in" / "bad.wav", bad);
  const CliResult result =
      run_cli({"enhance", "--model", checkpoint().string(), (work / "in").string(), "-o",
               (work / "out").string(), "--device", "cpu", "--threads", "1"});
  EXPECT_EQ(result.exit_code, 3) << result.err;
  EXPECT_NE(result.err.find("bad.wav: contains NaN or infinite samples"), std::string::npos)
      << result.err;
  // No "samples clipped" warning for an output that is not written (the untrained model may
  // clip the good file).
  EXPECT_EQ(result.err.find((work / "out" / "bad.wav").string()), std::string::npos) << result.err;
  EXPECT_TRUE(fs::exists(work / "out" / "good.wav"));
  // Nothing for the bad file, not even a temporary file: the good file and the folder's marker.
  EXPECT_TRUE(fs::exists(work / "out" / audio::kOutputMarker));
  EXPECT_EQ(test::n_entries(work / "out"), 2u);
}

TEST_F(EnhanceCli, ErrorsNameTheFileOrOption) {
  TempDir work;
  audio::write(work / "in.wav", sine(440, 16000, 1000));
  std::ofstream(work / "not-a-checkpoint.pt") << "hello";

  CliResult result = run_cli({"enhance", "--model", (work / "missing.pt").string(),
                              (work / "in.wav").string(), "-o", (work / "out").string()});
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_NE(result.err.find("missing.pt"), std::string::npos) << result.err;

  result = run_cli({"enhance", "--model", (work / "not-a-checkpoint.pt").string(),
                    (work / "in.wav").string(), "-o", (work / "out").string()});
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_NE(result.err.find("not-a-checkpoint.pt"), std::string::npos) << result.err;

  // The seed is unsigned: -1 is refused, not wrapped to 2^64 - 1.
  result = run_cli({"enhance", "--model", (work / "missing.pt").string(),
                    (work / "in.wav").string(), "-o", (work / "out").string(), "--seed", "-1"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("--seed: must be an integer of 0 or more, got '-1'"), std::string::npos)
      << result.err;

  // Writing over the input is refused before anything is loaded.
  result = run_cli({"enhance", "--model", (work / "missing.pt").string(),
                    (work / "in.wav").string(), "-o", (work / "in.wav").string()});
  EXPECT_EQ(result.exit_code, 2) << result.err;

  result = run_cli({"enhance", "--model", (work / "missing.pt").string(),
                    (work / "nothing-here.wav").string(), "-o", (work / "out").string()});
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_NE(result.err.find("nothing-here.wav"), std::string::npos) << result.err;
}

TEST_F(EnhanceCli, DcBlockAndOverlapOutOfRangeAreUsageErrors) {
  // The suite's model is trained on the shared pairs: without them there is none to load.
  RAWGAN_REQUIRE_SHARED_DATA(data);
  TempDir work;
  audio::write(work / "in.wav", sine(440, 16000, 1000));
  const std::vector<std::string> base = {"enhance",
                                         "--model",
                                         checkpoint().string(),
                                         (work / "in.wav").string(),
                                         "-o",
                                         (work / "out.wav").string(),
                                         "--device",
                                         "cpu"};
  auto run_with = [&](const std::string& option, const std::string& value) {
    auto args = base;
    args.insert(args.end(), {option, value});
    return run_cli(args);
  };

  // Refused while parsing: nan, and a negative overlap, which would have meant the default.
  for (const auto& [option, value] : std::vector<std::pair<std::string, std::string>>{
           {"--dc-block-hz", "nan"}, {"--overlap-ms", "nan"}, {"--overlap-ms", "-5"}}) {
    const CliResult result = run_with(option, value);
    EXPECT_EQ(result.exit_code, 2) << option << " " << value;
    EXPECT_NE(result.err.find(option + ": must be a finite number of 0 or more, got '" + value),
              std::string::npos)
        << result.err;
  }

  // Refused once the model's rate (16 kHz) and window (1024 samples) are known.
  CliResult result = run_with("--dc-block-hz", "1000000");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("--dc-block-hz: expected 0 (off) or a cut-off below 8000 Hz"),
            std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find("got 1e+06"), std::string::npos) << result.err;
  result = run_with("--overlap-ms", "64");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("--overlap-ms: expected at most 32 ms"), std::string::npos)
      << result.err;
  EXPECT_FALSE(fs::exists(work / "out.wav"));

  // 0 turns the DC blocker off, and the largest overlap is allowed.
  result = run_with("--dc-block-hz", "0");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  result = run_with("--overlap-ms", "32");
  EXPECT_EQ(result.exit_code, 0) << result.err;
}

// Output planning is checked before the model is loaded, so no training is needed here.
TEST(EnhanceCliOutputs, FolderInputWithAnAudioFileOutputIsRefused) {
  TempDir work;
  audio::write(work / "in" / "a.wav", sine(440, 16000, 1000));
  for (const std::string name : {"x.flac", "one.wav", "x.mp3"}) {
    CliResult result = run_cli({"enhance", "--model", (work / "missing.pt").string(),
                                (work / "in").string(), "-o", (work / name).string()});
    EXPECT_EQ(result.exit_code, 2) << result.err;
    EXPECT_NE(result.err.find(name), std::string::npos) << result.err;
    EXPECT_FALSE(fs::exists(work / name)) << name;
  }
  // A run folder given as --model names what it holds.
  fs::create_directories(work / "run");
  CliResult folder = run_cli({"enhance", "--model", (work / "run").string(), (work / "in").string(),
                              "-o", (work / "out").string()});
  EXPECT_EQ(folder.exit_code, 3);
  EXPECT_NE(folder.err.find("is a folder; expected a checkpoint file such as"), std::string::npos)
      << folder.err;
}

}  // namespace
}  // namespace rawgan::test
