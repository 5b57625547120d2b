#include "rawgan/dist/sharding.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "rawgan/util/error.h"

namespace rawgan::dist {
namespace {

TEST(Sharding, PermutationDependsOnSeedAndEpochOnly) {
  const auto a = epoch_permutation(100, 7, 3);
  auto sorted = a;
  std::sort(sorted.begin(), sorted.end());
  for (int64_t i = 0; i < 100; ++i)
    ASSERT_EQ(sorted[i], i);
  EXPECT_EQ(a, epoch_permutation(100, 7, 3));
  EXPECT_NE(a, epoch_permutation(100, 7, 4));
  EXPECT_NE(a, epoch_permutation(100, 8, 3));
  EXPECT_TRUE(epoch_permutation(0, 7, 3).empty());
}

TEST(Sharding, EveryIndexExactlyOncePerEpochWhenDivisible) {
  for (int world_size : {1, 2, 4}) {
    for (int64_t epoch : {0, 1}) {
      std::map<int64_t, int> seen;
      size_t length = 0;
      for (int rank = 0; rank < world_size; ++rank) {
        const auto shard = shard_indices(40, 11, epoch, rank, world_size);
        if (rank == 0) length = shard.size();
        EXPECT_EQ(shard.size(), length) << "shards must have equal length";
        for (int64_t index : shard)
          ++seen[index];
      }
      ASSERT_EQ(seen.size(), 40u);
      for (const auto& [index, count] : seen)
        EXPECT_EQ(count, 1) << "index " << index << " world " << world_size;
    }
  }
}

TEST(Sharding, ShardsDependOnEpoch) {
  EXPECT_NE(shard_indices(40, 11, 0, 1, 2), shard_indices(40, 11, 1, 1, 2));
}

TEST(Sharding, PaddingRepeatsFewIndicesWhenNotDivisible) {
  const int world_size = 3;
  std::map<int64_t, int> seen;
  for (int rank = 0; rank < world_size; ++rank) {
    const auto shard = shard_indices(10, 5, 2, rank, world_size);
    EXPECT_EQ(shard.size(), 4u);  // ceil(10 / 3)
    for (int64_t index : shard)
      ++seen[index];
  }
  EXPECT_EQ(seen.size(), 10u);
  int n_repeats = 0;
  for (const auto& entry : seen)
    n_repeats += entry.second - 1;
  EXPECT_EQ(n_repeats, 2);  // 12 slots for 10 indices
}

TEST(Sharding, LocalBatchesTogetherFormTheGlobalBatch) {
  // The property that makes N-process and 1-process runs see the same global batches.
  const auto order = epoch_permutation(48, 3, 0);
  const int world_size = 4;
  const int64_t local_batch = 3;
  const int64_t global_batch = world_size * local_batch;
  for (int64_t k = 0; k < 4; ++k) {
    std::vector<int64_t> together;
    for (int rank = 0; rank < world_size; ++rank) {
      const auto shard = shard_of(order, rank, world_size);
      together.insert(together.end(), shard.begin() + k * local_batch,
                      shard.begin() + (k + 1) * local_batch);
    }
    std::vector<int64_t> expected(order.begin() + k * global_batch,
                                  order.begin() + (k + 1) * global_batch);
    std::sort(together.begin(), together.end());
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(together, expected) << "batch " << k;
  }
}

TEST(Sharding, RejectsRankOutsideTheJob) {
  EXPECT_THROW(shard_indices(10, 0, 0, 2, 2), UsageError);
  EXPECT_THROW(shard_indices(10, 0, 0, 0, 0), UsageError);
}

}  // namespace
}  // namespace rawgan::dist
