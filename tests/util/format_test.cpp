#include "rawgan/util/format.h"

#include <gtest/gtest.h>

#include <cmath>

namespace rawgan {
namespace {

TEST(FormatSeconds, MillisecondsWithTheUnit) {
  EXPECT_EQ(format_seconds(2), "2.000 s");
  EXPECT_EQ(format_seconds(4000.0 / 16000), "0.250 s");
  // Rounded to the nearest millisecond (checked away from exact halves, which binary
  // fractions round either way).
  EXPECT_EQ(format_seconds(1.2344), "1.234 s");
  EXPECT_EQ(format_seconds(1.2346), "1.235 s");
  // No change of unit for long or tiny durations: messages stay comparable.
  EXPECT_EQ(format_seconds(3725.5), "3725.500 s");
  EXPECT_EQ(format_seconds(3.0 / 16000), "0.000 s");
  EXPECT_EQ(format_seconds(-0.5), "-0.500 s");
  EXPECT_EQ(format_seconds(INFINITY), "inf s");
}

}  // namespace
}  // namespace rawgan
