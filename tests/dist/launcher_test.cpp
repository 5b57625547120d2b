#include "rawgan/dist/launcher.h"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "rawgan/util/error.h"
#include "support/test_support.h"
#include "workers.h"

namespace rawgan::dist {
namespace {

TEST(Launcher, RemovesTheOptionInBothForms) {
  const std::vector<std::string> args{"rawgan", "train", "--nproc", "2", "--steps=3", "x"};
  EXPECT_EQ(without_option(args, "--nproc"),
            (std::vector<std::string>{"rawgan", "train", "--steps=3", "x"}));
  const std::vector<std::string> joined{"rawgan", "--nproc=4", "train"};
  EXPECT_EQ(without_option(joined, "--nproc"), (std::vector<std::string>{"rawgan", "train"}));
}

TEST(Launcher, ReadsItsOwnCommandLine) {
  const auto args = current_arguments();
  ASSERT_FALSE(args.empty());
  EXPECT_NE(args[0].find("dist_tests"), std::string::npos) << args[0];
}

TEST(Launcher, FindsAFreePort) {
  const int port = find_free_port();
  EXPECT_GT(port, 0);
  EXPECT_LT(port, 65536);
}

// Worker: writes what it was told by the launcher.
TEST(DistWorker, DISABLED_ReportPlacement) {
  if (!test::in_worker()) GTEST_SKIP() << "run by Launcher.StartsRanksWithTheirPlacement";
  const auto placement = placement_from_environment(environment_snapshot());
  std::ofstream out(test::worker_folder() / ("rank" + std::to_string(placement.rank) + ".txt"));
  out << placement.rank << ' ' << placement.world_size << ' ' << placement.local_rank << ' '
      << placement.master_addr << ' ' << placement.master_port << '\n';
}

TEST(Launcher, StartsRanksWithTheirPlacement) {
  test::TempDir folder;
  const auto exits = test::run_workers("DistWorker.DISABLED_ReportPlacement", 3, folder.path());
  ASSERT_EQ(exits.size(), 3u);
  int port = -1;
  for (const auto& exit : exits)
    EXPECT_EQ(exit.exit_code, 0) << "rank " << exit.rank << " " << exit.describe();
  for (int rank = 0; rank < 3; ++rank) {
    std::ifstream in(folder / ("rank" + std::to_string(rank) + ".txt"));
    int read_rank = -1, world_size = -1, local_rank = -1, read_port = -1;
    std::string addr;
    ASSERT_TRUE(in >> read_rank >> world_size >> local_rank >> addr >> read_port)
        << "rank " << rank << " wrote nothing";
    EXPECT_EQ(read_rank, rank);
    EXPECT_EQ(world_size, 3);
    EXPECT_EQ(local_rank, rank);
    EXPECT_EQ(addr, "127.0.0.1");
    if (port < 0) port = read_port;
    EXPECT_EQ(read_port, port) << "all ranks must meet at one port";
  }
}

// Worker: rank 1 fails at once, rank 0 would run for a minute.
TEST(DistWorker, DISABLED_FailOnRankOne) {
  if (!test::in_worker()) GTEST_SKIP() << "run by Launcher.FailedRankEndsTheJob";
  const auto placement = placement_from_environment(environment_snapshot());
  if (placement.rank == 1) std::_Exit(3);
  std::this_thread::sleep_for(std::chrono::seconds(60));
}

TEST(Launcher, FailedRankEndsTheJob) {
  test::TempDir folder;
  setenv("RAWGAN_DIST_TEST_DIR", folder.path().c_str(), 1);
  LaunchOptions options;
  options.n_processes = 2;
  options.arguments = {current_arguments().at(0),
                       "--gtest_filter=DistWorker.DISABLED_FailOnRankOne",
                       "--gtest_also_run_disabled_tests"};
  options.grace_s = 0.5;
  const auto start = std::chrono::steady_clock::now();
  try {
    launch_local(options);
    ADD_FAILURE() << "a failed rank must fail the job";
  } catch (const RuntimeError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("rank 1 of 2 exited with status 3"), std::string::npos) << message;
    EXPECT_NE(message.find("rank 0"), std::string::npos) << message;
    EXPECT_NE(message.find("terminated by the launcher"), std::string::npos) << message;
  }
  // Rank 0 sleeps 60 s; it must have been ended after the 0.5 s grace (plus start-up time on
  // a loaded machine), far sooner.
  const double elapsed_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(elapsed_s, 20.0);
}

TEST(Launcher, RejectsBadProcessCounts) {
  LaunchOptions options;
  options.n_processes = 0;
  options.arguments = {"x"};
  EXPECT_THROW(run_local_processes(options), UsageError);
}

}  // namespace
}  // namespace rawgan::dist
