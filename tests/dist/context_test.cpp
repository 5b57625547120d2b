#include "rawgan/dist/context.h"

#include <gtest/gtest.h>

#include "rawgan/dist/gradients.h"
#include "rawgan/dist/job.h"
#include "rawgan/util/error.h"

namespace rawgan::dist {
namespace {

using Env = std::map<std::string, std::string>;

/// Expects a UsageError whose message names `variable`.
void expect_usage_error_naming(const Env& env, const std::string& variable) {
  try {
    placement_from_environment(env);
    ADD_FAILURE() << "no error for " << variable;
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find(variable), std::string::npos) << e.what();
  }
}

TEST(Placement, SingleProcessWithoutVariables) {
  const auto placement = placement_from_environment({});
  EXPECT_EQ(placement.world_size, 1);
  EXPECT_EQ(placement.rank, 0);
  EXPECT_EQ(placement_from_environment({{"WORLD_SIZE", "1"}}).world_size, 1);
}

TEST(Placement, ReadsTorchrunVariables) {
  const auto placement = placement_from_environment({{"RANK", "3"},
                                                     {"WORLD_SIZE", "4"},
                                                     {"LOCAL_RANK", "1"},
                                                     {"MASTER_ADDR", "node0"},
                                                     {"MASTER_PORT", "29501"}});
  EXPECT_EQ(placement.rank, 3);
  EXPECT_EQ(placement.world_size, 4);
  EXPECT_EQ(placement.local_rank, 1);
  EXPECT_EQ(placement.master_addr, "node0");
  EXPECT_EQ(placement.master_port, 29501);
}

TEST(Placement, LocalRankDefaultsToRank) {
  const auto placement =
      placement_from_environment({{"RANK", "1"}, {"WORLD_SIZE", "2"}, {"MASTER_PORT", "1234"}});
  EXPECT_EQ(placement.local_rank, 1);
  EXPECT_EQ(placement.master_addr, "127.0.0.1");
}

TEST(Placement, MalformedVariablesAreNamed) {
  const Env good{{"RANK", "0"}, {"WORLD_SIZE", "2"}, {"MASTER_PORT", "1234"}};
  auto with = [&good](const std::string& name, const std::string& value) {
    Env env = good;
    env[name] = value;
    return env;
  };
  expect_usage_error_naming(with("WORLD_SIZE", "two"), "WORLD_SIZE");
  expect_usage_error_naming(with("WORLD_SIZE", "0"), "WORLD_SIZE");
  expect_usage_error_naming(with("RANK", "2"), "RANK");  // must be below WORLD_SIZE
  expect_usage_error_naming(with("RANK", "-1"), "RANK");
  expect_usage_error_naming(with("RANK", "1x"), "RANK");
  expect_usage_error_naming(with("LOCAL_RANK", ""), "LOCAL_RANK");
  expect_usage_error_naming(with("MASTER_PORT", "70000"), "MASTER_PORT");
  expect_usage_error_naming(with("MASTER_ADDR", ""), "MASTER_ADDR");
  Env no_rank = good;
  no_rank.erase("RANK");
  expect_usage_error_naming(no_rank, "RANK");
  Env no_port = good;
  no_port.erase("MASTER_PORT");
  expect_usage_error_naming(no_port, "MASTER_PORT");
}

TEST(Context, SingleProcessCollectivesLeaveTensorsAlone) {
  DistributedContext context;
  EXPECT_TRUE(context.is_main());
  EXPECT_FALSE(context.is_distributed());
  EXPECT_EQ(context.backend_name(), "none");
  auto tensor = torch::arange(4, torch::kFloat32);
  const auto copy = tensor.clone();
  context.all_reduce_sum(tensor);
  context.broadcast(tensor);
  context.barrier();
  EXPECT_TRUE(torch::equal(tensor, copy));
  EXPECT_EQ(mean_over_ranks(context, 2.5), 2.5);

  torch::nn::Linear layer(3, 2);
  layer->forward(torch::ones({4, 3})).sum().backward();
  const auto grad = layer->weight.grad().clone();
  GradientAverager averager(context, layer->parameters());
  averager.prepare_backward();
  averager.average();
  EXPECT_TRUE(torch::equal(layer->weight.grad(), grad));
}

TEST(Context, CudaRequestMapsToTheLocalGpu) {
  DistributedContext single;
  EXPECT_EQ(local_device(single, torch::Device(torch::kCUDA)), torch::Device(torch::kCUDA));
  EXPECT_EQ(local_device(single, torch::kCPU), torch::Device(torch::kCPU));
}

TEST(Job, OneProcessNeitherLaunchesNorJoins) {
  ASSERT_EQ(std::getenv("WORLD_SIZE"), nullptr) << "run this test outside a job";
  EXPECT_FALSE(launch_if_requested(1).has_value());
  EXPECT_FALSE(launch_if_requested(0).has_value());
  auto context = join_job(torch::kCPU, 5.0);
  EXPECT_FALSE(context->is_distributed());
  EXPECT_EQ(context->collective_timeout(), std::chrono::milliseconds(5000));
  EXPECT_GE(threads_per_process(*context), 1);
  EXPECT_THROW(join_job(torch::kCPU, 0.0), UsageError);
}

}  // namespace
}  // namespace rawgan::dist
