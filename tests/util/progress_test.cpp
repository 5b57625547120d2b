#include "rawgan/util/progress.h"

#include <gtest/gtest.h>

#include <csignal>
#include <cstdlib>

#include "rawgan/util/error.h"
#include "rawgan/util/interrupt.h"
#include "rawgan/util/log.h"

namespace rawgan {
namespace {

TEST(FormatDuration, PicksUnitsByMagnitude) {
  EXPECT_EQ(format_duration(4.25), "4.2s");
  EXPECT_EQ(format_duration(125), "2m05s");
  EXPECT_EQ(format_duration(3723), "1h02m03s");
  EXPECT_EQ(format_duration(-1), "?");
  // Past 2^31 s an int overflowed into "-596523h-14m-8s".
  EXPECT_EQ(format_duration(3600.0 * 1e6 + 61), "1000000h01m01s");
}

TEST(Progress, PlainLinesCarryRateAndEta) {
  testing::internal::CaptureStderr();
  {
    // A zero interval makes every update print, as a non-terminal stderr would every 10 s.
    Progress progress("train", 100, "steps", 0.0);
    progress.update(50, "loss 0.5");
    progress.finish();
  }
  std::string err = testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("train: 50/100 steps"), std::string::npos) << err;
  EXPECT_NE(err.find("ETA"), std::string::npos) << err;
  EXPECT_NE(err.find("loss 0.5"), std::string::npos) << err;
  EXPECT_NE(err.find("50 steps in"), std::string::npos) << err;
}

TEST(Progress, QuietPrintsNothing) {
  log::set_level(log::Level::kWarn);
  testing::internal::CaptureStderr();
  {
    Progress progress("enhance", 3, "files", 0.0);
    progress.update(1);
    progress.finish();
  }
  std::string err = testing::internal::GetCapturedStderr();
  log::set_level(log::Level::kInfo);
  EXPECT_TRUE(err.empty()) << err;
}

TEST(Log, LevelsFilterMessages) {
  log::set_level(log::Level::kWarn);
  testing::internal::CaptureStderr();
  log::info("hidden");
  log::warn("shown");
  std::string err = testing::internal::GetCapturedStderr();
  log::set_level(log::Level::kInfo);
  EXPECT_EQ(err, "rawgan: warning: shown\n");
}

TEST(Errors, CarryTheirExitCodes) {
  EXPECT_EQ(InputError("x").code(), ExitCode::kBadInput);
  EXPECT_EQ(UsageError("x").code(), ExitCode::kUsage);
  EXPECT_EQ(RuntimeError("x").code(), ExitCode::kRuntime);
  EXPECT_EQ(Interrupted("x").code(), ExitCode::kInterrupted);
}

TEST(Interrupt, FlagCanBeSetAndCleared) {
  set_interrupt_requested(true);
  EXPECT_TRUE(interrupt_requested());
  set_interrupt_requested(false);
  EXPECT_FALSE(interrupt_requested());
}

// The first Ctrl-C asks the work to stop at its next check (training then writes last.pt);
// a second one ends the process at once, saying so.
TEST(Interrupt, FirstSignalSetsTheFlagSecondExitsWith130) {
  EXPECT_EXIT(
      {
        install_interrupt_handler();
        std::raise(SIGINT);
        if (!interrupt_requested()) std::exit(1);
        std::raise(SIGINT);
        std::exit(2);  // not reached
      },
      ::testing::ExitedWithCode(130), "interrupted again: exiting now");
}

}  // namespace
}  // namespace rawgan
