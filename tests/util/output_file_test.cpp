#include "rawgan/util/output_file.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "support/test_support.h"

namespace rawgan {
namespace {

namespace fs = std::filesystem;

// 255 bytes is the longest file name Linux file systems take (NAME_MAX); a temporary name made
// by appending to it (".part1234") was refused with "File name too long".
TEST(OutputFile, TemporaryNamesAreShortUniqueAndBesideTheOutput) {
  test::TempDir dir;
  const fs::path longest = dir / (std::string(251, 'x') + ".wav");
  std::set<fs::path> made;
  for (int i = 0; i < 3; ++i) {
    const fs::path temp = temporary_path_beside(longest);
    EXPECT_EQ(temp.parent_path(), dir.path());
    EXPECT_LT(temp.filename().string().size(), 40u) << temp;
    EXPECT_EQ(temp.filename().string().front(), '.') << temp;  // hidden
    EXPECT_EQ(temp.extension(), ".part");
    made.insert(temp);
  }
  EXPECT_EQ(made.size(), 3u);  // each write of a run gets its own name
  EXPECT_EQ(temporary_path_beside("x.wav").parent_path(), fs::path());
}

}  // namespace
}  // namespace rawgan
