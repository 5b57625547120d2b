// rawgan info and the exit codes, run as a user would run them.
#include <gtest/gtest.h>

#include <algorithm>

#include "rawgan/audio/audio.h"
#include "support/test_support.h"

namespace rawgan {
namespace {

using test::run_cli;

TEST(Cli, VersionAndHelpExitZero) {
  auto version = run_cli({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_NE(version.out.find("rawgan 0."), std::string::npos) << version.out;
#ifdef RAWGAN_EXPECT_TCMALLOC
  // Linked with tcmalloc at configure time: it must be what serves malloc at run time.
  EXPECT_NE(version.out.find("malloc from libtcmalloc"), std::string::npos) << version.out;
#else
  EXPECT_NE(version.out.find("malloc from "), std::string::npos) << version.out;
#endif
  auto help = run_cli({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("info"), std::string::npos);
  auto info_help = run_cli({"info", "--help"});
  EXPECT_EQ(info_help.exit_code, 0);
  EXPECT_NE(info_help.out.find("-q,--quiet"), std::string::npos) << info_help.out;
}

TEST(Cli, UsageErrorsExitWithTwo) {
  EXPECT_EQ(run_cli({}).exit_code, 2);
  auto unknown = run_cli({"-q", "no-such-command", "x.wav"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("unknown command 'no-such-command'"), std::string::npos)
      << unknown.err;
  EXPECT_NE(unknown.err.find("info, mix, train"), std::string::npos) << unknown.err;
  auto bogus = run_cli({"--bogus", "info", "x.wav"});
  EXPECT_EQ(bogus.exit_code, 2);
  EXPECT_NE(bogus.err.find("unknown option '--bogus'"), std::string::npos) << bogus.err;
  EXPECT_EQ(run_cli({"info"}).exit_code, 2);
  EXPECT_EQ(run_cli({"info", "--no-such-option", "x.wav"}).exit_code, 2);
}

// The option parser's errors read like every other error: one "rawgan: error:" line saying
// where to read more; an option given twice says so in plain words.
TEST(Cli, ParserErrorsAreOneErrorLineNamingTheCommandsHelp) {
  auto unknown = run_cli({"info", "--no-such-option", "x.wav"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_EQ(unknown.err.rfind("rawgan: error: ", 0), 0u) << unknown.err;
  EXPECT_NE(unknown.err.find("unknown option '--no-such-option'; see 'rawgan info --help'"),
            std::string::npos)
      << unknown.err;
  EXPECT_EQ(std::count(unknown.err.begin(), unknown.err.end(), '\n'), 1) << unknown.err;

  auto twice = run_cli(
      {"train", "--steps", "3", "--steps", "4", "--noisy", "n", "--clean", "c", "--out", "r"});
  EXPECT_EQ(twice.exit_code, 2);
  EXPECT_NE(twice.err.find("rawgan: error: --steps: given 2 times; give it once; see 'rawgan "
                           "train --help'"),
            std::string::npos)
      << twice.err;
  EXPECT_TRUE(twice.out.empty()) << twice.out;
}

// A misspelt option is what went wrong, also when it leaves a required option missing (CLI11
// checks required options first and said only "--model is required"): it is named, with the
// option meant when that is close, in one line.
TEST(Cli, AMisspeltOptionIsNamedBeforeTheRequiredOneItLeavesMissing) {
  auto misspelt = run_cli({"enhance", "--modle", "m.pt", "in", "-o", "out"});
  EXPECT_EQ(misspelt.exit_code, 2);
  EXPECT_EQ(misspelt.err,
            "rawgan: error: unknown option '--modle' (did you mean --model?); see 'rawgan enhance "
            "--help'\n");

  // Also a required option of another name, an option that needs another, and a value given
  // with '='; a name far from every option gets no guess.
  auto other = run_cli({"train", "--noisy", "n", "--clena=c", "-o", "r"});
  EXPECT_EQ(other.exit_code, 2);
  EXPECT_NE(other.err.find("unknown option '--clena' (did you mean --clean?)"), std::string::npos)
      << other.err;
  auto needs = run_cli({"train", "--noisy", "n", "--clean", "c", "-o", "r", "--valid-noisy", "v",
                        "--valid-clen", "w"});
  EXPECT_EQ(needs.exit_code, 2);
  EXPECT_NE(needs.err.find("unknown option '--valid-clen' (did you mean --valid-clean?)"),
            std::string::npos)
      << needs.err;
  auto far = run_cli({"generate", "--checkpoint", "m.pt", "-o", "out"});
  EXPECT_EQ(far.exit_code, 2);
  EXPECT_NE(far.err.find("unknown option '--checkpoint'; see"), std::string::npos) << far.err;
  auto two = run_cli({"generate", "--modle", "m.pt", "--seeed", "3", "-o", "out"});
  EXPECT_EQ(two.exit_code, 2);
  EXPECT_NE(two.err.find("unknown options '--modle' (did you mean --model?), '--seeed' (did you "
                         "mean --seed?)"),
            std::string::npos)
      << two.err;
}

TEST(Cli, InfoDescribesAFileOnStdout) {
  test::TempDir dir;
  audio::write(dir / "tone.wav", test::sine(440, 16000, 8000, 0.5f));
  auto result = run_cli({"info", (dir / "tone.wav").string()});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("tone.wav: WAV"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("16000 Hz, 1 ch, 8000 frames, 0.500 s"), std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("peak -6.0 dBFS"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("0 clipped"), std::string::npos) << result.out;
  EXPECT_TRUE(result.err.empty()) << result.err;
}

TEST(Cli, InfoTriesEveryFileAndFailsAfterwards) {
  test::TempDir dir;
  audio::write(dir / "good.wav", test::sine(440, 8000, 800));
  auto result =
      run_cli({"info", (dir / "missing.wav").string(), (dir / "good.wav").string(), "--quiet"});
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_NE(result.out.find("good.wav: WAV"), std::string::npos) << result.out;
  EXPECT_NE(result.err.find("missing.wav: no such file"), std::string::npos) << result.err;
}

TEST(Cli, InfoHandlesEverySharedFile) {
  RAWGAN_REQUIRE_SHARED_DATA(data);
  std::vector<std::string> args = {"info"};
  int n_files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(data)) {
    std::string ext = entry.path().extension().string();
    if (ext != ".wav" && ext != ".flac") continue;
    args.push_back(entry.path().string());
    ++n_files;
  }
  auto result = run_cli(args);
  // Only the header-only file fails; every other file gets its line.
  EXPECT_EQ(result.exit_code, 3);
  int n_lines = 0;
  for (char c : result.out)
    n_lines += c == '\n';
  EXPECT_EQ(n_lines, n_files - 1) << result.out;
  EXPECT_NE(result.err.find("empty-header-only.wav: has no samples"), std::string::npos);
}

}  // namespace
}  // namespace rawgan
