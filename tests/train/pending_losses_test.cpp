#include "rawgan/train/pending_losses.h"

#include <gtest/gtest.h>

#include <limits>
#include <stdexcept>

#include "rawgan/util/error.h"

namespace rawgan::train {
namespace {

torch::Tensor scalar(double value) {
  return torch::tensor(value, torch::kFloat);
}

TEST(PendingLosses, TakesTheQueuedRowsInStepOrderOnce) {
  PendingLosses pending({"a", "b"});
  pending.add(7, {scalar(1.5), scalar(-2)});
  pending.add(8, {scalar(0.25), scalar(3)});
  EXPECT_EQ(pending.size(), 2u);
  const auto rows = pending.take();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].step, 7);
  EXPECT_EQ(rows[0].values, (std::vector<double>{1.5, -2}));
  EXPECT_EQ(rows[1].step, 8);
  EXPECT_EQ(rows[1].values, (std::vector<double>{0.25, 3}));
  EXPECT_TRUE(pending.empty());
  EXPECT_TRUE(pending.take().empty());
}

TEST(PendingLosses, ReadsTheDeviceWhenFullAndKeepsTheRows) {
  PendingLosses pending({"loss"}, /*max_on_device=*/2);
  for (int step = 1; step <= 5; ++step)
    pending.add(step, {scalar(step * 0.5)});
  EXPECT_EQ(pending.size(), 5u);
  const auto rows = pending.take();
  ASSERT_EQ(rows.size(), 5u);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(rows[i].step, i + 1);
    EXPECT_DOUBLE_EQ(rows[i].values[0], (i + 1) * 0.5);
  }
}

TEST(PendingLosses, NamesTheFirstStepAndLossThatIsNotFinite) {
  PendingLosses pending({"the first loss", "the second loss"});
  pending.add(3, {scalar(1), scalar(1)});
  pending.add(4, {scalar(1), scalar(std::numeric_limits<double>::infinity())});
  pending.add(5, {scalar(NAN), scalar(1)});
  try {
    pending.take();
    FAIL() << "an infinite loss was taken";
  } catch (const RuntimeError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("the second loss is inf at step 4"), std::string::npos) << message;
  }
  EXPECT_TRUE(pending.empty());
}

TEST(PendingLosses, ChecksWhenItReadsAFullQueue) {
  PendingLosses pending({"loss"}, /*max_on_device=*/2);
  pending.add(1, {scalar(NAN)});
  EXPECT_THROW(pending.add(2, {scalar(1)}), RuntimeError);
}

TEST(PendingLosses, RefusesAMismatchedCount) {
  PendingLosses pending({"a", "b"});
  EXPECT_THROW(pending.add(1, {scalar(1)}), std::invalid_argument);
  EXPECT_TRUE(pending.empty());
}

}  // namespace
}  // namespace rawgan::train
