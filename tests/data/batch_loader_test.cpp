#include "rawgan/data/batch_loader.h"

#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>

#include "rawgan/util/error.h"
#include "support/test_support.h"

namespace rawgan::data {
namespace {

constexpr int kRate = 8000;
constexpr uint64_t kSeed = 17;
constexpr int64_t kBatch = 4;

// Two noisy tones sliced into 256-sample windows at a 128-sample hop: 7 windows from the
// 1000-sample pair and 11 from the 1500-sample one, 18 in all, so an epoch is 4 batches of 4
// and 2 windows are left over (the epoch boundary is not a multiple of the data).
class BatchLoaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<FilePair> pairs;
    for (int i = 0; i < 2; ++i) {
      const int64_t n = i == 0 ? 1000 : 1500;
      auto clean = test::sine(300 + 200 * i, kRate, n, 0.4f);
      auto noisy = test::white_noise(kRate, n, 0.1f, static_cast<uint32_t>(i));
      for (size_t k = 0; k < noisy.samples.size(); ++k)
        noisy.samples[k] += clean.samples[k];
      const std::string name = "p" + std::to_string(i) + ".wav";
      FilePair pair{name, dir_ / "noisy" / name, dir_ / "clean" / name, ""};
      audio::write(pair.noisy, noisy, audio::SampleFormat::kFloat32);
      audio::write(pair.clean, clean, audio::SampleFormat::kFloat32);
      pairs.push_back(pair);
    }
    WindowOptions options;
    options.sample_rate_hz = kRate;
    options.window_samples = 256;
    windows_ = std::make_unique<PairedWindows>(pairs, options);
    ASSERT_EQ(windows_->n_windows(), 18);
  }

  // The batch of `step` as the training loop assembled it before the loader existed: batch
  // b of epoch e in epoch_order(seed, e), wrapping around the data, then this rank's share.
  std::pair<torch::Tensor, torch::Tensor> expected_batch(
      int64_t step, const std::function<std::vector<int64_t>(const std::vector<int64_t>&)>& select =
                        nullptr) const {
    const int64_t n = windows_->n_windows();
    const int64_t steps_per_epoch = n / kBatch;
    const auto order = epoch_order(n, kSeed, step / steps_per_epoch);
    std::vector<int64_t> indices;
    for (int64_t k = 0; k < kBatch; ++k)
      indices.push_back(order[((step % steps_per_epoch) * kBatch + k) % n]);
    return windows_->batch(select ? select(indices) : indices);
  }

  // Runs a loader over [first, end) and compares every batch with expected_batch.
  void expect_same_batches(
      int n_threads, int64_t first, int64_t end,
      const std::function<std::vector<int64_t>(const std::vector<int64_t>&)>& select = nullptr) {
    BatchLoaderOptions options;
    options.n_threads = n_threads;
    options.n_ahead = 2;
    options.select = select;
    BatchLoader loader(*windows_, BatchSchedule(windows_->n_windows(), kBatch, kSeed), first, end,
                       options);
    for (int64_t step = first; step < end; ++step) {
      Batch batch = loader.next();
      auto [noisy, clean] = expected_batch(step, select);
      EXPECT_EQ(batch.step, step);
      EXPECT_TRUE(torch::equal(batch.noisy, noisy)) << n_threads << " threads, step " << step;
      EXPECT_TRUE(torch::equal(batch.clean, clean)) << n_threads << " threads, step " << step;
    }
    EXPECT_TRUE(loader.done());
    EXPECT_THROW(loader.next(), RuntimeError);
  }

  test::TempDir dir_;
  std::unique_ptr<PairedWindows> windows_;
};

TEST_F(BatchLoaderTest, ScheduleSpansEpochsAndWrapsBatchesLargerThanTheData) {
  BatchSchedule schedule(18, kBatch, kSeed);
  EXPECT_EQ(schedule.steps_per_epoch(), 4);
  EXPECT_EQ(schedule.epoch_of(3), 0);
  EXPECT_EQ(schedule.epoch_of(4), 1);
  const auto order = epoch_order(18, kSeed, 1);
  EXPECT_EQ(schedule.indices(5), (std::vector<int64_t>(order.begin() + 4, order.begin() + 8)));

  BatchSchedule large(3, 5, kSeed);
  EXPECT_EQ(large.steps_per_epoch(), 1);
  const auto first = epoch_order(3, kSeed, 0);
  EXPECT_EQ(large.indices(0),
            (std::vector<int64_t>{first[0], first[1], first[2], first[0], first[1]}));
  EXPECT_THROW(BatchSchedule(0, 4, kSeed), UsageError);
}

// Steps 0-10 cross two epoch boundaries (at 4 and 8).
TEST_F(BatchLoaderTest, BackgroundThreadsYieldTheSynchronousBatches) {
  for (int n_threads : {0, 1, 3})
    expect_same_batches(n_threads, 0, 11);
}

// A run resumed at step 6 (mid-epoch 1) sees the batches of an uninterrupted run.
TEST_F(BatchLoaderTest, ResumingMidEpochYieldsTheBatchesOfAnUninterruptedRun) {
  for (int n_threads : {0, 1, 3})
    expect_same_batches(n_threads, 6, 11);
}

// Rank 1 of 2 takes every second window of the global batch.
TEST_F(BatchLoaderTest, SelectedSharesMatchTheSynchronousShares) {
  auto second_half = [](const std::vector<int64_t>& global) {
    std::vector<int64_t> mine;
    for (size_t i = 1; i < global.size(); i += 2)
      mine.push_back(global[i]);
    return mine;
  };
  expect_same_batches(2, 0, 9, second_half);
}

// Page-locked batches where CUDA exists (asynchronous copies), ordinary ones elsewhere; the
// contents are the same.
TEST_F(BatchLoaderTest, PinnedMemoryOnlyWithCuda) {
  BatchLoaderOptions options;
  options.pin_memory = true;
  BatchLoader loader(*windows_, BatchSchedule(windows_->n_windows(), kBatch, kSeed), 0, 2, options);
  Batch batch = loader.next();
  EXPECT_EQ(batch.noisy.is_pinned(), torch::cuda::is_available());
  EXPECT_TRUE(torch::equal(batch.noisy, expected_batch(0).first));
}

TEST_F(BatchLoaderTest, AnAssemblyErrorIsThrownAtItsStepAndTheThreadsStop) {
  BatchSchedule schedule(windows_->n_windows(), kBatch, kSeed);
  const std::vector<int64_t> failing = BatchSchedule(schedule).indices(5);
  BatchLoaderOptions options;
  options.n_threads = 2;
  options.select = [failing](const std::vector<int64_t>& global) {
    if (global == failing) throw std::runtime_error("no such window");
    return global;
  };
  BatchLoader loader(*windows_, schedule, 0, 100, options);
  for (int64_t step = 0; step < 5; ++step)
    EXPECT_EQ(loader.next().step, step);
  EXPECT_THROW(loader.next(), std::runtime_error);
}

TEST_F(BatchLoaderTest, DestructionMidEpochDoesNotWaitForTheRun) {
  const auto start = std::chrono::steady_clock::now();
  {
    BatchLoaderOptions options;
    options.n_threads = 3;
    options.n_ahead = 2;
    // A million steps ahead: destruction must stop the threads, not drain the run.
    BatchLoader loader(*windows_, BatchSchedule(windows_->n_windows(), kBatch, kSeed), 0, 1'000'000,
                       options);
    EXPECT_EQ(loader.next().step, 0);
    EXPECT_EQ(loader.next().step, 1);
  }
  // Joining costs at most the batches being assembled (microseconds each); 5 s only guards
  // against a hang on a loaded CI machine.
  const double elapsed_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(elapsed_s, 5.0);
}

}  // namespace
}  // namespace rawgan::data
