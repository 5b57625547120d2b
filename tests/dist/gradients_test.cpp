// Multi-process tests over Gloo on the loopback interface: each parent test starts two copies
// of this executable running one disabled worker test, and checks what they wrote or how they
// ended.
#include "rawgan/dist/gradients.h"

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <thread>

#include "rawgan/dist/sharding.h"
#include "rawgan/util/error.h"
#include "support/test_support.h"
#include "workers.h"

namespace rawgan::dist {
namespace {

constexpr int kSteps = 5;
constexpr int64_t kGlobalBatch = 8;
constexpr int kSurvivorOk = 17;    // the surviving rank failed within the expected time
constexpr int kSurvivorLate = 18;  // ... outside it
constexpr int kSurvivorHung = 19;  // ... never failed

torch::nn::Sequential small_model(uint64_t seed) {
  torch::manual_seed(seed);
  return torch::nn::Sequential(torch::nn::Linear(6, 16), torch::nn::Tanh(),
                               torch::nn::Linear(16, 16), torch::nn::Tanh(),
                               torch::nn::Linear(16, 1));
}

/// The global batches of every step, the same in every process: {inputs, targets}, each
/// [kSteps, kGlobalBatch, features].
std::pair<torch::Tensor, torch::Tensor> global_batches() {
  torch::manual_seed(100);
  auto inputs = torch::randn({kSteps, kGlobalBatch, 6});
  auto targets = torch::randn({kSteps, kGlobalBatch, 1});
  return {inputs, targets};
}

std::vector<torch::Tensor> snapshot(torch::nn::Module& module) {
  std::vector<torch::Tensor> tensors;
  for (const auto& p : module.parameters())
    tensors.push_back(p.detach().clone());
  return tensors;
}

/// One SGD step on `rows` of the step's batch, the loss split over two backward passes
/// (half the rows each) so that gradients accumulate as in a real trainer.
void train_step(torch::nn::Sequential& model, torch::optim::SGD& optimizer,
                GradientAverager* averager, const torch::Tensor& inputs,
                const torch::Tensor& targets, bool overlap) {
  optimizer.zero_grad();
  const int64_t half = inputs.size(0) / 2;
  for (int part = 0; part < 2; ++part) {
    auto x = inputs.narrow(0, part * half, half);
    auto y = targets.narrow(0, part * half, half);
    // Mean over each half, halved: the two passes add up to the mean over all rows.
    auto loss = 0.5 * torch::mse_loss(model->forward(x), y);
    if (part == 1 && overlap && averager) averager->prepare_backward();
    loss.backward();
  }
  if (averager) averager->average();
  optimizer.step();
}

// Worker: two differently initialised replicas per model, broadcast, then kSteps steps on each
// rank's half of every global batch, with (model a) and without (model b) overlap.
TEST(DistWorker, DISABLED_Train) {
  if (!test::in_worker()) GTEST_SKIP() << "run by DataParallel.TwoProcessesMatchOneProcess";
  DistributedOptions options;
  options.collective_timeout = std::chrono::seconds(60);
  auto context = DistributedContext::from_environment(options);
  ASSERT_EQ(context.world_size(), 2);
  ASSERT_EQ(context.backend_name(), "gloo");
  const int rank = context.rank();

  auto [inputs, targets] = global_batches();
  std::vector<int64_t> rows(kGlobalBatch);
  for (int64_t i = 0; i < kGlobalBatch; ++i)
    rows[i] = i;
  const auto mine = torch::tensor(shard_of(rows, rank, 2), torch::kInt64);

  for (bool overlap : {true, false}) {
    auto model = small_model(1000 + rank);  // different on each rank until the broadcast
    broadcast_module(context, *model);
    torch::optim::SGD optimizer(model->parameters(), torch::optim::SGDOptions(0.1).momentum(0.9));
    GradientAveragerOptions averager_options;
    averager_options.bucket_mb = 0.001;  // ~1 KB: several buckets even for this tiny model
    averager_options.overlap_backward = overlap;
    GradientAverager averager(context, model->parameters(), averager_options);
    EXPECT_GT(averager.n_buckets(), 1);
    for (int step = 0; step < kSteps; ++step) {
      train_step(model, optimizer, &averager, inputs[step].index_select(0, mine),
                 targets[step].index_select(0, mine), overlap);
    }
    const std::string name = (overlap ? "overlap" : "plain") + std::to_string(rank) + ".pt";
    torch::save(snapshot(*model), (test::worker_folder() / name).string());
  }
}

TEST(DataParallel, TwoProcessesMatchOneProcess) {
  test::TempDir folder;
  const auto exits = test::run_workers("DistWorker.DISABLED_Train", 2, folder.path());
  for (const auto& exit : exits)
    ASSERT_EQ(exit.exit_code, 0) << "rank " << exit.rank << " " << exit.describe();

  // One process, whole global batch, same initial weights as rank 0.
  auto model = small_model(1000);
  torch::optim::SGD optimizer(model->parameters(), torch::optim::SGDOptions(0.1).momentum(0.9));
  auto [inputs, targets] = global_batches();
  for (int step = 0; step < kSteps; ++step)
    train_step(model, optimizer, nullptr, inputs[step], targets[step], false);
  const auto expected = snapshot(*model);

  for (const std::string mode : {"overlap", "plain"}) {
    std::vector<torch::Tensor> replicas[2];
    for (int rank = 0; rank < 2; ++rank)
      torch::load(replicas[rank], (folder / (mode + std::to_string(rank) + ".pt")).string());
    ASSERT_EQ(replicas[0].size(), expected.size());
    for (size_t i = 0; i < expected.size(); ++i) {
      // All-reduce hands every rank the same bits, so replicas stay exactly equal.
      EXPECT_TRUE(torch::equal(replicas[0][i], replicas[1][i])) << mode << " tensor " << i;
      // Against one process the sums run in another order (per-rank means, then their mean):
      // float32 rounding of ~1e-7 relative per operation, grown over 5 steps, stays far
      // below 1e-5, while one wrong or missing gradient moves weights by ~1e-2.
      EXPECT_TRUE(torch::allclose(replicas[0][i], expected[i], 1e-4, 1e-5))
          << mode << " tensor " << i << " max difference "
          << (replicas[0][i] - expected[i]).abs().max().item<float>();
    }
  }
}

// Worker: replicas with different weights and buffers become rank 0's.
TEST(DistWorker, DISABLED_Broadcast) {
  if (!test::in_worker()) GTEST_SKIP() << "run by DataParallel.BroadcastMakesReplicasIdentical";
  auto context = DistributedContext::from_environment({});
  torch::manual_seed(context.rank());
  torch::nn::Sequential model(torch::nn::Linear(4, 8), torch::nn::BatchNorm1d(8));
  model->forward(torch::randn({16, 4}) + context.rank());  // running stats differ per rank
  std::vector<torch::Tensor> before;
  for (const auto& t : model->buffers())
    before.push_back(t.clone());
  broadcast_module(context, *model);
  std::vector<torch::Tensor> after = snapshot(*model);
  for (const auto& t : model->buffers())
    after.push_back(t.clone());
  const std::string rank = std::to_string(context.rank());
  torch::save(after, (test::worker_folder() / ("after" + rank + ".pt")).string());
  torch::save(before, (test::worker_folder() / ("buffers" + rank + ".pt")).string());
}

TEST(DataParallel, BroadcastMakesReplicasIdentical) {
  test::TempDir folder;
  const auto exits = test::run_workers("DistWorker.DISABLED_Broadcast", 2, folder.path());
  for (const auto& exit : exits)
    ASSERT_EQ(exit.exit_code, 0) << "rank " << exit.rank << " " << exit.describe();
  std::vector<torch::Tensor> after[2], before[2];
  for (int rank = 0; rank < 2; ++rank) {
    torch::load(after[rank], (folder / ("after" + std::to_string(rank) + ".pt")).string());
    torch::load(before[rank], (folder / ("buffers" + std::to_string(rank) + ".pt")).string());
  }
  // The replicas did differ (running mean of inputs shifted by the rank) ...
  EXPECT_FALSE(torch::allclose(before[0][0], before[1][0]));
  // ... and are now bit-identical: parameters, running statistics and counters.
  ASSERT_EQ(after[0].size(), after[1].size());
  for (size_t i = 0; i < after[0].size(); ++i)
    EXPECT_TRUE(torch::equal(after[0][i], after[1][i])) << "tensor " << i;
}

/// Survivor side of the failure tests: all-reduces until one throws; exits kSurvivorOk when
/// that took between min_s and max_s.
[[noreturn]] void survive(DistributedContext& context, double min_s, double max_s) {
  auto tensor = torch::ones({1024});
  const auto start = std::chrono::steady_clock::now();
  try {
    for (int i = 0; i < 10000; ++i) {
      context.all_reduce_sum(tensor);
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  } catch (const RuntimeError& e) {
    const double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::fprintf(stderr, "survivor: failed after %.1f s: %s\n", s, e.what());
    std::_Exit(s >= min_s && s <= max_s ? kSurvivorOk : kSurvivorLate);
  }
  std::_Exit(kSurvivorHung);
}

// Worker: rank 1 is killed after one collective; rank 0 must notice without hanging.
TEST(DistWorker, DISABLED_KilledRank) {
  if (!test::in_worker()) GTEST_SKIP() << "run by DataParallel.KilledRankEndsTheOthers";
  DistributedOptions options;
  options.collective_timeout = std::chrono::seconds(5);
  auto context = DistributedContext::from_environment(options);
  auto tensor = torch::ones({4});
  context.all_reduce_sum(tensor);
  if (context.rank() == 1) std::raise(SIGKILL);
  // A closed connection fails at once; the timeout bounds the wait in any case.
  survive(context, 0.0, 5.0 + 2.0);
}

TEST(DataParallel, KilledRankEndsTheOthers) {
  test::TempDir folder;
  // A long grace, so that the launcher does not end rank 0 before it fails on its own.
  const auto exits = test::run_workers("DistWorker.DISABLED_KilledRank", 2, folder.path(), 30.0);
  ASSERT_EQ(exits.size(), 2u);
  for (const auto& exit : exits) {
    if (exit.rank == 1) {
      EXPECT_EQ(exit.signal, SIGKILL) << exit.describe();
    }
    if (exit.rank == 0) {
      EXPECT_EQ(exit.exit_code, kSurvivorOk) << exit.describe();
      EXPECT_FALSE(exit.terminated_by_launcher);
    }
  }
}

// Worker: rank 1 stays alive but stops taking part; rank 0's collective must time out.
TEST(DistWorker, DISABLED_HungRank) {
  if (!test::in_worker()) GTEST_SKIP() << "run by DataParallel.HungRankTimesOut";
  DistributedOptions options;
  options.collective_timeout = std::chrono::seconds(3);
  auto context = DistributedContext::from_environment(options);
  auto tensor = torch::ones({4});
  context.all_reduce_sum(tensor);
  if (context.rank() == 1) {
    std::this_thread::sleep_for(std::chrono::seconds(30));
    std::_Exit(0);
  }
  // Not before the 3 s timeout (minus scheduling slack), and not much after it.
  survive(context, 2.5, 3.0 + 3.0);
}

TEST(DataParallel, HungRankTimesOut) {
  test::TempDir folder;
  const auto exits = test::run_workers("DistWorker.DISABLED_HungRank", 2, folder.path(), 0.5);
  ASSERT_EQ(exits.size(), 2u);
  for (const auto& exit : exits) {
    if (exit.rank == 0) {
      EXPECT_EQ(exit.exit_code, kSurvivorOk) << exit.describe();
    }
    if (exit.rank == 1) {
      EXPECT_TRUE(exit.terminated_by_launcher) << exit.describe();
    }
  }
}

}  // namespace
}  // namespace rawgan::dist
