#include "rawgan/dist/data_parallel.h"

#include <gtest/gtest.h>

#include "rawgan/util/error.h"
#include "support/test_support.h"
#include "workers.h"

namespace rawgan::dist {
namespace {

TEST(DataParallelHelper, SingleProcessIsTheIdentity) {
  DataParallel parallel;  // no context: one process
  EXPECT_TRUE(parallel.is_main());
  EXPECT_FALSE(parallel.is_distributed());
  EXPECT_EQ(parallel.local_batch_size(6, "--batch-size"), 6);
  const std::vector<int64_t> batch{5, 3, 9};
  EXPECT_EQ(parallel.local_part(batch), batch);
  EXPECT_TRUE(parallel.any(true));
  EXPECT_FALSE(parallel.any(false));
  EXPECT_EQ(parallel.mean(1.5), 1.5);

  torch::nn::Linear layer(2, 2);
  const auto weight = layer->weight.detach().clone();
  parallel.add_module(*layer);
  layer->forward(torch::ones({1, 2})).sum().backward();
  const auto grad = layer->weight.grad().clone();
  parallel.prepare_backward(*layer);
  parallel.average_gradients(*layer);
  EXPECT_TRUE(torch::equal(layer->weight, weight));
  EXPECT_TRUE(torch::equal(layer->weight.grad(), grad));
}

// Worker: the collectives of DataParallel with two ranks.
TEST(DistWorker, DISABLED_DataParallel) {
  if (!test::in_worker()) GTEST_SKIP() << "run by DataParallelHelper.TwoRanksAgree";
  auto context = DistributedContext::from_environment({});
  DataParallel parallel(&context);
  const int rank = parallel.rank();
  EXPECT_EQ(parallel.is_main(), rank == 0);
  EXPECT_EQ(parallel.local_batch_size(8, "--batch-size"), 4);
  EXPECT_THROW(parallel.local_batch_size(7, "--batch-size"), UsageError);
  EXPECT_EQ(parallel.local_part({10, 11, 12, 13}),
            (rank == 0 ? std::vector<int64_t>{10, 12} : std::vector<int64_t>{11, 13}));
  EXPECT_TRUE(parallel.any(rank == 1));  // seen by one rank, agreed by both
  EXPECT_FALSE(parallel.any(false));
  EXPECT_DOUBLE_EQ(parallel.mean(rank == 0 ? 1.0 : 3.0), 2.0);

  // Gradients 1 and 3 (rank 0 and 1) average to 2 on both.
  torch::manual_seed(rank);
  torch::nn::Linear layer(1, 1);
  parallel.add_module(*layer);
  layer->zero_grad();
  parallel.prepare_backward(*layer);
  (layer->weight * (2.0 * rank + 1.0)).sum().backward();
  parallel.average_gradients(*layer);
  EXPECT_FLOAT_EQ(layer->weight.grad().item<float>(), 2.0f);
  EXPECT_FLOAT_EQ(layer->bias.grad().item<float>(), 0.0f);  // no rank had one
  parallel.barrier();
}

TEST(DataParallelHelper, TwoRanksAgree) {
  test::TempDir folder;
  const auto exits = test::run_workers("DistWorker.DISABLED_DataParallel", 2, folder.path());
  for (const auto& exit : exits)
    EXPECT_EQ(exit.exit_code, 0) << "rank " << exit.rank << " " << exit.describe();
}

}  // namespace
}  // namespace rawgan::dist
