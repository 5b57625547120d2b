#include "rawgan/util/output_file.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <string>
#include <utility>

#include "rawgan/util/error.h"
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

TEST(OutputFile, CreatesMissingParentFolders) {
  test::TempDir dir;
  create_parent_folders(dir / "a" / "b" / "x.wav");
  EXPECT_TRUE(fs::is_directory(dir / "a" / "b"));
  create_parent_folders(dir / "a" / "b" / "x.wav");  // already there: nothing to do
  create_parent_folders("x.wav");                    // the current folder
}

// Tests run as root, for whom "Permission denied" cannot happen; a file where a folder should be
// and a link to a missing folder fail for other reasons, which must be given. Writing into the
// folder that was not made reported only "No such file or directory".
TEST(OutputFile, AFolderThatCannotBeMadeIsReportedWithTheReason) {
  test::TempDir dir;
  std::ofstream(dir / "file") << "not a folder";
  fs::create_directory_symlink(dir / "missing", dir / "link");
  const std::pair<fs::path, std::string> cases[] = {
      {dir / "file" / "sub" / "x.wav", "Not a directory"}, {dir / "link" / "x.wav", "File exists"}};
  for (const auto& [path, reason] : cases) {
    try {
      create_parent_folders(path);
      ADD_FAILURE() << "expected a RuntimeError for " << path;
    } catch (const RuntimeError& e) {
      const std::string expected = path.string() + ": cannot create the folder " +
                                   path.parent_path().string() + " (" + reason + ")";
      EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace rawgan
