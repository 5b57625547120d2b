// rawgan eval-gen end to end on folders made in the test.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "support/test_support.h"

namespace rawgan::test {
namespace {

double figure(const std::string& out, const std::string& name) {
  std::istringstream in(out);
  std::string key;
  double value = NAN;
  while (in >> key) {
    if (key == name) {
      in >> value;
      return value;
    }
    in >> key;  // skip the value of another figure
  }
  ADD_FAILURE() << name << " missing from:\n" << out;
  return value;
}

TEST(EvalGenCli, ReportsDiversitiesAndFrechetDistance) {
  TempDir dir;
  for (int f = 0; f < 4; ++f) {
    audio::write(dir / "real" / ("t" + std::to_string(f) + ".wav"),
                 sine(250.0 * (f + 1), 16000, 16384));
    // "Generated": one noise, four times over (a collapsed generator).
    audio::write(dir / "fake" / ("n" + std::to_string(f) + ".wav"),
                 white_noise(16000, 16384, 0.1f, 5));
  }
  auto result = run_cli({"eval-gen", "--real", (dir / "real").string(), "--generated",
                         (dir / "fake").string(), "--threads", "1"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(figure(result.out, "real_clips"), 4);
  EXPECT_GT(figure(result.out, "diversity_real_db"), 1.0);
  // Identical files: no diversity at all.
  EXPECT_NEAR(figure(result.out, "diversity_generated_db"), 0.0, 1e-6);
  const double apart = figure(result.out, "frechet_distance_db2");
  EXPECT_GT(apart, 0.0);

  auto same = run_cli({"eval-gen", "--real", (dir / "real").string(), "--generated",
                       (dir / "real").string(), "--threads", "1"});
  ASSERT_EQ(same.exit_code, 0) << same.err;
  // A set against itself: only eigendecomposition round-off, far below the distance of a
  // different set.
  EXPECT_LT(figure(same.out, "frechet_distance_db2"), 1e-3 * apart);
}

// Generated clips of digital silence are what the generator made: they are measured, and named
// in one warning, where real clips of silence are skipped as in training.
TEST(EvalGenCli, SilentGeneratedClipsAreMeasuredAndSilentRealOnesSkipped) {
  TempDir dir;
  const audio::Audio silence{std::vector<float>(16384, 0.0f), 16000, 1};
  for (int f = 0; f < 2; ++f) {
    audio::write(dir / "real" / ("t" + std::to_string(f) + ".wav"),
                 sine(250.0 * (f + 1), 16000, 16384));
    audio::write(dir / "fake" / ("n" + std::to_string(f) + ".wav"),
                 white_noise(16000, 16384, 0.1f, static_cast<uint32_t>(f)));
  }
  audio::write(dir / "real" / "zero.wav", silence);
  audio::write(dir / "fake" / "zero.wav", silence);
  auto result = run_cli({"eval-gen", "--real", (dir / "real").string(), "--generated",
                         (dir / "fake").string(), "--threads", "1"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(figure(result.out, "real_clips"), 2);
  EXPECT_EQ(figure(result.out, "generated_clips"), 3);
  EXPECT_NE(result.err.find((dir / "real").string() +
                            ": 1 of 3 files skipped as digital silence (every sample zero)"),
            std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find((dir / "fake").string() +
                            ": 1 of 3 files of digital silence (every sample zero), measured"),
            std::string::npos)
      << result.err;
}

// --json FILE, as in eval and bench: the same figures as stdout, in a file; a path that would
// overwrite one of the clips or a non-report file is refused before any work.
TEST(EvalGenCli, JsonFileHoldsTheFiguresOfStdoutAndInputsAreRefused) {
  TempDir dir;
  for (int f = 0; f < 3; ++f) {
    audio::write(dir / "real" / ("t" + std::to_string(f) + ".wav"),
                 sine(300.0 * (f + 1), 16000, 16384));
    audio::write(dir / "fake" / ("n" + std::to_string(f) + ".wav"),
                 white_noise(16000, 16384, 0.1f, 5 + f));
  }
  const std::vector<std::string> base = {
      "eval-gen",  "--real", (dir / "real").string(), "--generated", (dir / "fake").string(),
      "--threads", "1"};
  auto with_json = [&](const std::string& path) {
    auto args = base;
    args.insert(args.end(), {"--json", path});
    return run_cli(args);
  };

  const CliResult result = with_json((dir / "out" / "gen.json").string());
  ASSERT_EQ(result.exit_code, 0) << result.err;
  std::ifstream file(dir / "out" / "gen.json");
  const nlohmann::json json = nlohmann::json::parse(file);  // throws on invalid JSON
  EXPECT_EQ(json.at("real_clips").get<int>(), 3);
  EXPECT_EQ(json.at("generated_clips").get<int>(), 3);
  for (const char* name : {"diversity_real_db", "diversity_generated_db", "frechet_distance_db2"})
    EXPECT_DOUBLE_EQ(json.at(name).get<double>(), figure(result.out, name)) << name;
  // The report alone: its temporary file was renamed into place.
  EXPECT_EQ(n_entries(dir / "out"), 1u);

  const CliResult clip = with_json((dir / "fake" / "n1.wav").string());
  EXPECT_EQ(clip.exit_code, 2);
  EXPECT_NE(clip.err.find("--json"), std::string::npos) << clip.err;
  std::ofstream(dir / "notes.txt") << "not a report\n";
  const CliResult other = with_json((dir / "notes.txt").string());
  EXPECT_EQ(other.exit_code, 2);
  EXPECT_NE(other.err.find("exists and is not a JSON report"), std::string::npos) << other.err;
  EXPECT_EQ(audio::read(dir / "fake" / "n1.wav").n_frames(), 16384);
}

TEST(EvalGenCli, ClipsShorterThanOneFeatureWindowAreRefused) {
  TempDir dir;
  audio::write(dir / "real" / "t.wav", sine(250.0, 16000, 16384));
  for (const std::string samples : {"10", "511", "0", "-4"}) {
    auto result = run_cli({"eval-gen", "--real", (dir / "real").string(), "--generated",
                           (dir / "real").string(), "--clip-samples", samples});
    EXPECT_EQ(result.exit_code, 2) << samples;
    EXPECT_NE(result.err.find("--clip-samples: expected at least 512"), std::string::npos)
        << result.err;
    EXPECT_NE(result.err.find("got " + samples), std::string::npos) << result.err;
  }
  auto window = run_cli({"eval-gen", "--real", (dir / "real").string(), "--generated",
                         (dir / "real").string(), "--clip-samples", "512", "--threads", "1"});
  EXPECT_EQ(window.exit_code, 0) << window.err;
  // Above 2^20 samples a clip's memory runs to gigabytes: refused at once.
  auto huge = run_cli({"eval-gen", "--real", (dir / "real").string(), "--generated",
                       (dir / "real").string(), "--clip-samples", "100000000"});
  EXPECT_EQ(huge.exit_code, 2);
  EXPECT_NE(huge.err.find("--clip-samples: expected at most 1048576"), std::string::npos)
      << huge.err;
  // A rate far below speech rates gives figures without meaning: refused.
  auto slow = run_cli({"eval-gen", "--real", (dir / "real").string(), "--generated",
                       (dir / "real").string(), "--rate", "100"});
  EXPECT_EQ(slow.exit_code, 2);
  EXPECT_NE(slow.err.find("--rate"), std::string::npos) << slow.err;
  // A rate is a whole number of Hz.
  auto fraction = run_cli({"eval-gen", "--real", (dir / "real").string(), "--generated",
                           (dir / "real").string(), "--rate", "16000.5"});
  EXPECT_EQ(fraction.exit_code, 2);
  EXPECT_NE(fraction.err.find("--rate: must be a whole number from 8000 to 192000, got '16000.5'"),
            std::string::npos)
      << fraction.err;
}

TEST(EvalGenCli, MissingFolderIsAnInputError) {
  TempDir dir;
  auto result = run_cli(
      {"eval-gen", "--real", (dir / "nope").string(), "--generated", (dir / "nope2").string()});
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_NE(result.err.find("nope"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace rawgan::test
