#include "rawgan/train/run.h"

#include <ATen/Context.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <fstream>
#include <string>

#include "rawgan/util/error.h"
#include "support/test_support.h"

namespace rawgan::train {
namespace {

TEST(SelectDevice, NamesMapToDevicesAndUnknownNamesAreUsageErrors) {
  EXPECT_EQ(select_device("cpu"), torch::Device(torch::kCPU));
  EXPECT_EQ(select_device("auto").is_cuda(), torch::cuda::is_available());
  EXPECT_THROW(select_device("gpu"), UsageError);
  EXPECT_THROW(select_device("cuda:x"), UsageError);
  // One past the last device this machine has (every device when it has none).
  const std::string past_the_end = "cuda:" + std::to_string(torch::cuda::device_count());
  EXPECT_THROW(select_device(past_the_end), UsageError);
}

TEST(SelectDevice, CudaTurnsOnCudnnAutotuning) {
  if (!torch::cuda::is_available()) {
    EXPECT_THROW(select_device("cuda"), UsageError);
    GTEST_SKIP() << "no CUDA device: only the refusal is checked";
  }
  at::globalContext().setBenchmarkCuDNN(false);
  EXPECT_TRUE(select_device("cuda:0").is_cuda());
  EXPECT_TRUE(at::globalContext().benchmarkCuDNN());
}

TEST(SetThreadCount, TakesZeroAndSaneCountsAndRefusesTheRest) {
  const int before = torch::get_num_threads();
  EXPECT_EQ(set_thread_count(1), 1);
  EXPECT_EQ(torch::get_num_threads(), 1);
  EXPECT_GE(set_thread_count(0), 1);  // every hardware thread
  EXPECT_THROW(set_thread_count(-1), UsageError);
  try {
    set_thread_count(100000);
    FAIL() << "100000 threads were accepted";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("--threads"), std::string::npos) << e.what();
  }
  torch::set_num_threads(before);
}

TEST(StopCheck, OneProcessEveryStepAJobEveryTenth) {
  for (int64_t step = 1; step <= 25; ++step) {
    EXPECT_TRUE(stop_check_due(false, step)) << step;
    EXPECT_EQ(stop_check_due(true, step), step % kStopCheckEvery == 0) << step;
  }
}

TEST(RunFolder, NewResumedAndMisnamedRunFolders) {
  test::TempDir dir;
  {
    RunFolder folder(dir / "run", false);
    EXPECT_EQ(folder.last(), dir / "run" / "last.pt");
    EXPECT_TRUE(std::filesystem::is_directory(dir / "run"));
    EXPECT_THROW(RunFolder(dir / "run", true), InputError);  // nothing to resume yet
    std::ofstream(dir / "run" / "last.pt") << "x";
  }
  EXPECT_THROW(RunFolder(dir / "run", false), UsageError);  // would replace a run
  EXPECT_NO_THROW(RunFolder(dir / "run", true));
  EXPECT_TRUE(std::filesystem::exists(dir / "run" / "last.pt"));

  // A file where the folder should be is the user's mistake, not a runtime failure.
  std::ofstream(dir / "notes.wav") << "x";
  EXPECT_THROW(RunFolder(dir / "notes.wav", false), UsageError);
  EXPECT_EQ(std::filesystem::file_size(dir / "notes.wav"), 1u);
}

// A run that fails before it writes anything leaves no empty folders, not even the parents it
// made; folders that existed before, or that hold anything, stay.
TEST(RunFolder, RemovesTheEmptyFoldersItCreatedAndNothingElse) {
  test::TempDir dir;
  std::filesystem::create_directories(dir / "runs");
  { RunFolder folder(dir / "runs" / "a" / "b" / "", false); }
  EXPECT_FALSE(std::filesystem::exists(dir / "runs" / "a"));
  EXPECT_TRUE(std::filesystem::is_directory(dir / "runs"));

  {
    RunFolder folder(dir / "runs" / "c" / "d", false);
    std::ofstream(dir / "runs" / "c" / "notes.txt") << "x";
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "runs" / "c" / "d"));
  EXPECT_TRUE(std::filesystem::exists(dir / "runs" / "c" / "notes.txt"));

  std::filesystem::create_directories(dir / "kept");
  { RunFolder folder(dir / "kept", false); }
  EXPECT_TRUE(std::filesystem::is_directory(dir / "kept"));
}

// A folder that exists but takes no files fails at once, naming it and the system's reason.
// Tests run as root, whom permissions do not stop; sysfs refuses new files even to root.
TEST(RunFolder, AFolderThatTakesNoFilesIsRefusedAtOnce) {
  if (!std::filesystem::is_directory("/sys")) GTEST_SKIP() << "no /sys on this system";
  try {
    RunFolder folder("/sys", false);
    FAIL() << "/sys was taken as a run folder";
  } catch (const RuntimeError& e) {
    const std::string message = e.what();
    EXPECT_EQ(message.rfind("/sys: cannot write in the run folder (", 0), 0u) << message;
    EXPECT_EQ(message.back(), ')') << message;
  }
}

TEST(RunDataRecord, FoldersAreAbsoluteAndNormalSoThatOneFolderNamedTwoWaysIsEqual) {
  test::TempDir dir;
  const auto record = run_data_record({{"--clips", dir / "clips"}}, "files", 4);
  EXPECT_EQ(record["n_files"], 4);
  EXPECT_EQ(record["folders"]["--clips"], (dir / "clips").string());
  for (const auto& other : {dir.path() / "clips/", dir.path() / "x" / ".." / "clips" / "."})
    EXPECT_EQ(run_data_record({{"--clips", other}}, "files", 4), record) << other;

  // A relative folder is taken from the current folder.
  const auto relative = run_data_record({{"--clips", "clips"}}, "files", 4);
  EXPECT_EQ(relative["folders"]["--clips"], (std::filesystem::current_path() / "clips").string());
}

TEST(DescribeDataChange, NamesEachChangedFolderAndCount) {
  const auto before =
      run_data_record({{"--noisy", "/a/noisy"}, {"--clean", "/a/clean"}}, "pairs", 4);
  EXPECT_EQ(describe_data_change(before, before), "");
  // Checkpoints written before the record existed have none: nothing to compare.
  EXPECT_EQ(describe_data_change(nullptr, before), "");

  const auto after = run_data_record(
      {{"--noisy", "/b/noisy"}, {"--clean", "/a/clean"}, {"--valid-noisy", "/v"}}, "pairs", 3);
  EXPECT_EQ(describe_data_change(before, after),
            "--noisy /b/noisy, was /a/noisy; --valid-noisy /v, was not given; 3 pairs, was 4");
  EXPECT_EQ(describe_data_change(after, before),
            "--noisy /a/noisy, was /b/noisy; --valid-noisy not given, was /v; 4 pairs, was 3");
}

// Only options given on the command line are compared with the checkpoint's settings: a
// default the user never typed (the preset's seed 0 against the run's 1) is no wish ignored.
TEST(DescribeUnappliedOptions, NamesEachGivenOptionThatDiffersAndNothingElse) {
  const nlohmann::json kept = {{"preset", "tiny.json"},
                               {"model", {{"channels", 4}}},
                               {"train", {{"seed", 1}, {"lr", 0.5}, {"loss", "hinge"}}}};
  nlohmann::json asked = kept;
  asked["train"]["seed"] = 0;
  EXPECT_TRUE(describe_unapplied_options({}, asked, kept).empty()) << "--seed was not given";

  asked["train"]["lr"] = 0.25;
  asked["train"]["loss"] = "lsgan";
  asked["preset"] = "big.json";
  const std::vector<GivenOption> given = {{"--seed", "/train/seed"},
                                          {"--lr", "/train/lr"},
                                          {"--loss", "/train/loss"},
                                          {"--preset", "/model"},
                                          {"--absent", "/train/absent"}};
  // The same model under another preset name is no change.
  EXPECT_EQ(describe_unapplied_options(given, asked, kept),
            (std::vector<std::string>{"--seed 0 (the checkpoint's: 1)",
                                      "--lr 0.25 (the checkpoint's: 0.5)",
                                      "--loss lsgan (the checkpoint's: hinge)"}));
  asked["model"]["channels"] = 64;
  EXPECT_EQ(describe_unapplied_options({{"--preset", "/model"}}, asked, kept),
            std::vector<std::string>{"--preset big.json (the checkpoint's: tiny.json)"});
}

}  // namespace
}  // namespace rawgan::train
