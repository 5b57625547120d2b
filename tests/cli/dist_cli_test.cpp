// rawgan train / train-gen --nproc 2 end to end: two local processes over Gloo train tiny
// models on the loopback interface, rank 0 alone reports and writes the checkpoints, and the
// runs resume with a different number of processes.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "rawgan/audio/audio.h"
#include "support/test_support.h"
#include "tiny_train_gen.h"

namespace rawgan {
namespace {

using test::run_cli;

/// Four noisy/clean pairs of half a second at 8 kHz, and a SEGAN small enough to train in
/// a blink: 1024-sample windows, three encoder layers.
void write_tiny_run_inputs(const test::TempDir& dir) {
  for (int i = 0; i < 4; ++i) {
    const audio::Audio clean = test::sine(300.0 + 100.0 * i, 8000, 4096, 0.4f);
    const audio::Audio noise = test::white_noise(8000, 4096, 0.05f, 10 + i);
    audio::Audio noisy = clean;
    for (size_t k = 0; k < noisy.samples.size(); ++k)
      noisy.samples[k] += noise.samples[k];
    const std::string name = "p" + std::to_string(i) + ".wav";
    audio::write(dir / "noisy" / name, noisy);
    audio::write(dir / "clean" / name, clean);
  }
  std::ofstream preset(dir / "tiny.json");
  preset << R"({"kind": "segan",
    "model": {"sample_rate_hz": 8000, "window_samples": 1024, "kernel_size": 15, "stride": 2,
              "encoder_channels": [4, 8, 8], "latent": true, "pre_emphasis": 0.95,
              "discriminator_norm": "virtual", "leaky_slope": 0.3},
    "train": {"batch_size": 4, "optimizer": "rmsprop", "learning_rate": 0.0002,
              "l1_weight": 100, "validation_fraction": 0.25}})";
}

std::vector<std::string> train_args(const test::TempDir& dir) {
  return {"train",
          "--noisy",
          (dir / "noisy").string(),
          "--clean",
          (dir / "clean").string(),
          "--preset",
          (dir / "tiny.json").string(),
          "--out",
          (dir / "run").string(),
          "--threads",
          "1"};
}

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
    ++n;
  return n;
}

TEST(DistCli, TwoProcessesTrainAndOneResumes) {
  test::TempDir dir;
  write_tiny_run_inputs(dir);
  auto args = train_args(dir);
  args.insert(args.end(),
              {"--nproc", "2", "--steps", "3", "--valid-every", "2", "--dist-timeout", "60"});
  const auto two = run_cli(args);
  ASSERT_EQ(two.exit_code, 0) << two.err;
  EXPECT_NE(two.err.find("data-parallel job of 2 processes"), std::string::npos) << two.err;
  EXPECT_EQ(count(two.out, "trained 3 steps"), 1u) << "rank 0 alone reports\n" << two.out;
  EXPECT_TRUE(std::filesystem::is_regular_file(dir / "run/last.pt"));
  EXPECT_TRUE(std::filesystem::is_regular_file(dir / "run/best.pt"));

  // The checkpoint of two processes is an ordinary one: one process continues it.
  auto resume = train_args(dir);
  resume.insert(resume.end(), {"--resume", "--steps", "5"});
  const auto one = run_cli(resume);
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_NE(one.out.find("trained 5 steps"), std::string::npos) << one.out;
}

// Ctrl-C (here SIGINT to the launcher, which forwards it) stops both ranks after the same
// step; rank 0 alone says where and what it wrote: every rank used to print the line.
TEST(DistCli, CtrlCIsReportedOnceByRankZero) {
  test::TempDir dir;
  write_tiny_run_inputs(dir);
  auto args = train_args(dir);
  args.insert(args.end(), {"--nproc", "2", "--steps", "1000000", "--validation-fraction", "0",
                           "--dist-timeout", "60"});
  // 8 s: the ranks have started and installed their handlers (about 2 s on 2 busy cores).
  // --foreground: the signal reaches the launcher once; a second Ctrl-C would exit at once.
  const auto result =
      test::run_shell("timeout --foreground --preserve-status -s INT 8 " + test::cli_command(args));
  EXPECT_EQ(result.exit_code, 130) << result.err;
  EXPECT_EQ(count(result.err, "interrupted at step"), 1u) << result.err;
  EXPECT_EQ(count(result.err, "no validation pairs"), 1u) << result.err;
  EXPECT_TRUE(std::filesystem::is_regular_file(dir / "run/last.pt"));
}

TEST(DistCli, GlobalBatchMustSplitEvenly) {
  test::TempDir dir;
  write_tiny_run_inputs(dir);
  auto args = train_args(dir);
  args.insert(args.end(), {"--nproc", "2", "--steps", "1", "--batch-size", "3"});
  const auto result = run_cli(args);
  EXPECT_EQ(result.exit_code, 2) << result.err;  // a usage error of every rank
  EXPECT_NE(result.err.find("--batch-size 3"), std::string::npos) << result.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "run/last.pt"));
}

TEST(DistCli, TrainGenWithTwoProcesses) {
  test::TempDir dir;
  const std::vector<std::string> args = test::tiny_train_gen_run(dir);
  auto two = args;
  two.insert(two.end(), {"--nproc", "2", "--steps", "2"});
  const auto result = run_cli(two);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(count(result.out, "steps 2"), 1u) << "rank 0 alone reports\n" << result.out;
  EXPECT_TRUE(std::filesystem::is_regular_file(dir / "run/last.pt"));
  // Only rank 0 writes metrics.csv: a header and one line per step, not two.
  std::ifstream metrics(dir / "run/metrics.csv");
  int n_lines = 0;
  for (std::string line; std::getline(metrics, line);)
    ++n_lines;
  EXPECT_EQ(n_lines, 3);

  auto resume = args;
  resume.insert(resume.end(), {"--resume", "--steps", "3"});
  const auto one = run_cli(resume);
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_NE(one.out.find("steps 3"), std::string::npos) << one.out;
}

}  // namespace
}  // namespace rawgan
