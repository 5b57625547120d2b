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

TEST(PrepareRunDir, NewResumedAndMisnamedRunFolders) {
  test::TempDir dir;
  EXPECT_EQ(prepare_run_dir(dir / "run", false), dir / "run" / "last.pt");
  EXPECT_TRUE(std::filesystem::is_directory(dir / "run"));
  EXPECT_THROW(prepare_run_dir(dir / "run", true), InputError);  // nothing to resume yet
  std::ofstream(dir / "run" / "last.pt") << "x";
  EXPECT_THROW(prepare_run_dir(dir / "run", false), UsageError);  // would replace a run
  EXPECT_NO_THROW(prepare_run_dir(dir / "run", true));

  // A file where the folder should be is the user's mistake, not a runtime failure.
  std::ofstream(dir / "notes.wav") << "x";
  EXPECT_THROW(prepare_run_dir(dir / "notes.wav", false), UsageError);
  EXPECT_EQ(std::filesystem::file_size(dir / "notes.wav"), 1u);
}

}  // namespace
}  // namespace rawgan::train
