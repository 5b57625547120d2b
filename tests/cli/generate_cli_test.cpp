// rawgan generate end to end: a checkpoint trained in the test, then clips from it.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include <sys/wait.h>

#include "rawgan/audio/files.h"
#include "support/test_support.h"

namespace rawgan::test {
namespace {

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// One shared tiny checkpoint (made once: training is the slow part).
class GenerateCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    std::filesystem::create_directories(dir_->path() / "clips");
    for (int f = 0; f < 3; ++f)
      audio::write(dir_->path() / "clips" / ("c" + std::to_string(f) + ".wav"),
                   sine(200.0 * (f + 1), 16000, 8000));
    std::ofstream(dir_->path() / "tiny.json") << R"({"kind": "wavegan",
      "model": {"model_size": 2, "latent_dim": 8},
      "train": {"batch_size": 2, "steps": 1, "n_critic": 1, "diversity_batch": 2}})";
    auto result = run_cli({"train-gen", "--clips", (dir_->path() / "clips").string(), "--preset",
                           (dir_->path() / "tiny.json").string(), "--out",
                           (dir_->path() / "run").string(), "--device", "cpu", "--threads", "1"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
  }
  static void TearDownTestSuite() { delete dir_; }
  static std::string model() { return (dir_->path() / "run" / "last.pt").string(); }

  static TempDir* dir_;
};
TempDir* GenerateCli::dir_ = nullptr;

// Every entry of `dir` but the marker of an output folder (audio::kOutputMarker).
std::vector<std::filesystem::path> files_in(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    if (entry.path().filename() != audio::kOutputMarker) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

TEST_F(GenerateCli, WritesNClipsOfTheRequestedLength) {
  TempDir out;
  auto result = run_cli({"generate", "--model", model(), "-n", "5", "-o", out.path().string(),
                         "--seed", "3", "--length", "1000"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  auto files = files_in(out.path());
  ASSERT_EQ(files.size(), 5u);
  for (const auto& file : files) {
    auto info = audio::probe(file);
    EXPECT_EQ(info.n_frames, 1000);
    EXPECT_EQ(info.sample_rate_hz, 16000);
  }
  // Marked as generate's outputs, so that a search of a folder above leaves them out.
  EXPECT_EQ(audio::output_folder_writer(out.path()), "rawgan generate");
  TempDir full;
  ASSERT_EQ(
      run_cli({"generate", "--model", model(), "-n", "1", "-o", full.path().string()}).exit_code,
      0);
  EXPECT_EQ(audio::probe(files_in(full.path()).at(0)).n_frames, 16384);  // the model's length
}

TEST_F(GenerateCli, SameSeedWritesIdenticalFiles) {
  // (That another seed gives other clips is tested on the sampler with a fresh network; this
  // one-step network may map every point to nearly the same clip.)
  TempDir a, b;
  for (const auto* dir : {&a, &b})
    ASSERT_EQ(run_cli({"generate", "--model", model(), "-n", "3", "-o", dir->path().string(),
                       "--seed", "11"})
                  .exit_code,
              0);
  auto files_a = files_in(a.path()), files_b = files_in(b.path());
  ASSERT_EQ(files_a.size(), 3u);
  ASSERT_EQ(files_b.size(), 3u);
  for (size_t i = 0; i < files_a.size(); ++i)
    EXPECT_TRUE(slurp(files_a[i]) == slurp(files_b[i])) << files_a[i] << " differs";
}

TEST_F(GenerateCli, InterpolationWritesStepsPerLine) {
  TempDir out;
  auto result = run_cli({"generate", "--model", model(), "-n", "2", "-o", out.path().string(),
                         "--seed", "1", "--interpolate", "4"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  auto files = files_in(out.path());
  ASSERT_EQ(files.size(), 8u);
  EXPECT_EQ(files.front().filename(), "line_000_step_000.wav");
}

TEST_F(GenerateCli, LongerThanTheModelIsRefusedNamingLongerModels) {
  TempDir out;
  auto result = run_cli(
      {"generate", "--model", model(), "-n", "1", "-o", out.path().string(), "--length", "40000"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("16384"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("wavegan-long"), std::string::npos) << result.err;
}

TEST_F(GenerateCli, NonPositiveLengthAndBadInterpolationStepsAreRefused) {
  TempDir out;
  for (const std::string length : {"0", "-5"}) {
    auto result =
        run_cli({"generate", "--model", model(), "-o", out.path().string(), "--length", length});
    EXPECT_EQ(result.exit_code, 2) << length;
    EXPECT_NE(result.err.find("--length"), std::string::npos) << result.err;
  }
  // --interpolate counts the points of a line, both ends included.
  for (const std::string steps : {"1", "1001"}) {
    auto result = run_cli(
        {"generate", "--model", model(), "-o", out.path().string(), "--interpolate", steps});
    EXPECT_EQ(result.exit_code, 2) << steps;
    EXPECT_NE(result.err.find("--interpolate"), std::string::npos) << result.err;
  }
  // Every latent point is drawn up front: 10^8 clips once filled the machine's memory. Counts
  // past 10^6 are refused before anything is drawn.
  auto many = run_cli({"generate", "--model", model(), "-o", out.path().string(), "-n", "100000",
                       "--interpolate", "1000"});
  EXPECT_EQ(many.exit_code, 2);
  EXPECT_NE(many.err.find("-n: expected at most 1000000 clips in one run"), std::string::npos)
      << many.err;
  EXPECT_TRUE(files_in(out.path()).empty());
}

// Counts are refused while parsing, naming the option and what it takes (--batch-size 0 read
// "batch size must be > 0, got 0", after the model was loaded); no model is needed to see it.
TEST(GenerateCliOptions, CountsMustBePositiveIntegersNamingTheOption) {
  TempDir dir;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"--batch-size", "0"}, {"--batch-size", "-1"}, {"--batch-size", "1.5"}, {"-n", "0"},
      {"-n", "-3"},          {"--length", "0"},      {"--length", "-5"}};
  for (const auto& [option, value] : cases) {
    auto result = run_cli({"generate", "--model", (dir / "absent.pt").string(), "-o",
                           (dir / "out").string(), option, value});
    EXPECT_EQ(result.exit_code, 2) << option << " " << value;
    EXPECT_NE(result.err.find(option + ": must be a positive integer, got '" + value + "'"),
              std::string::npos)
        << result.err;
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "out"));
}

TEST_F(GenerateCli, GriffinLimBelowOneIsRefusedAndIgnoredWithAWarningForWaveGan) {
  TempDir out;
  for (const std::string iterations : {"0", "-1"}) {
    auto result = run_cli(
        {"generate", "--model", model(), "-o", out.path().string(), "--griffin-lim", iterations});
    EXPECT_EQ(result.exit_code, 2) << iterations;
    EXPECT_NE(result.err.find("--griffin-lim: must be a positive integer, got '" + iterations),
              std::string::npos)
        << result.err;
  }
  EXPECT_TRUE(files_in(out.path()).empty());

  // The tiny model is a WaveGAN, which has no phase to reconstruct.
  auto result =
      run_cli({"generate", "--model", model(), "-o", out.path().string(), "--griffin-lim", "8"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.err.find("--griffin-lim is ignored"), std::string::npos) << result.err;
  EXPECT_EQ(files_in(out.path()).size(), 1u);
}

TEST_F(GenerateCli, LongerThanEveryPresetSaysWhatTheModelAllows) {
  TempDir out;
  auto result =
      run_cli({"generate", "--model", model(), "-o", out.path().string(), "--length", "100000000"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("1 to 16384"), std::string::npos) << result.err;
  EXPECT_EQ(result.err.find("none"), std::string::npos) << result.err;
}

// Ctrl-C (SIGINT) once clips are being written: generate stops after the batch in hand, exits
// with 130 and says how many clips it wrote; without the check it went on to write them all.
TEST_F(GenerateCli, CtrlCStopsAfterTheBatchInHand) {
  TempDir out;
  const std::string first_clips = shell_quote((out / "clip_000100.wav").string());
  const std::string script =
      cli_command({"generate", "--model", model(), "-n", "1000000", "--length", "100", "--seed",
                   "1", "-o", out.path().string()}) +
      " >" + shell_quote((out / "stdout").string()) + " 2>" +
      shell_quote((out / "stderr").string()) + " & pid=$!; for i in $(seq 600); do [ -e " +
      first_clips + " ] && break; sleep 0.05; done; kill -INT $pid; wait $pid; exit $?";
  const int status = std::system(("bash -c " + shell_quote(script)).c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130) << slurp(out / "stderr");
  EXPECT_NE(slurp(out / "stderr").find("generate stopped after"), std::string::npos)
      << slurp(out / "stderr");
  EXPECT_LT(files_in(out.path()).size(), 100000u);
}

TEST_F(GenerateCli, ExistingClipsAreKeptUnlessOverwriteIsPassed) {
  TempDir out;
  auto generate = [&](const std::string& n_clips, bool overwrite) {
    std::vector<std::string> args = {"generate",          "--model", model(), "-o",
                                     out.path().string(), "-n",      n_clips};
    if (overwrite) args.push_back("--overwrite");
    return run_cli(args);
  };
  ASSERT_EQ(generate("2", false).exit_code, 0);
  const auto first = out / "clip_000.wav";
  const std::string before = slurp(first);

  // Three clips into the folder of two: refused before anything is written, naming the first
  // file in the way and how many of the three would be replaced.
  auto refused = generate("3", false);
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find(first.string() + " already exists (2 of the 3 files"),
            std::string::npos)
      << refused.err;
  EXPECT_NE(refused.err.find("choose another -o folder or pass --overwrite"), std::string::npos)
      << refused.err;
  EXPECT_EQ(files_in(out.path()).size(), 2u);
  EXPECT_TRUE(slurp(first) == before);

  // With --overwrite the run goes ahead: a placeholder in the place of a clip becomes a clip
  // (the tiny model may make nearly the same clip from any seed, so comparing clips would not
  // show that a file was replaced).
  std::ofstream(first) << "placeholder";
  auto result = generate("3", true);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(files_in(out.path()).size(), 3u);
  EXPECT_EQ(audio::probe(first).n_frames, 16384);
}

TEST_F(GenerateCli, OutputNamedLikeAnAudioFileIsRefused) {
  TempDir dir;
  auto result =
      run_cli({"generate", "--model", model(), "-n", "2", "-o", (dir / "clips.wav").string()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("clips.wav"), std::string::npos) << result.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "clips.wav"));
}

}  // namespace
}  // namespace rawgan::test
