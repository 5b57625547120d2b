// rawgan eval-gen end to end on folders made in the test.
#include <gtest/gtest.h>

#include <cmath>
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
