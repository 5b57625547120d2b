#include "rawgan/util/text_file.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "rawgan/util/error.h"
#include "support/test_support.h"

namespace rawgan {
namespace {

namespace fs = std::filesystem;

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

using test::n_entries;

TEST(TextFile, WritesAndReplacesWholeFilesCreatingFolders) {
  test::TempDir dir;
  const fs::path path = dir / "a" / "b" / "report.json";
  write_text_file(path, "{\"x\": 1}\n", "the report");
  EXPECT_EQ(read_text(path), "{\"x\": 1}\n");
  write_text_file(path, "{}\n", "the report");
  EXPECT_EQ(read_text(path), "{}\n");
  // Only the file itself: no temporary file is left beside it.
  EXPECT_EQ(n_entries(dir / "a" / "b"), 1u);
}

// The longest legal name (255 bytes) once failed: its temporary name was the name plus ".part"
// and the process id.
TEST(TextFile, WritesTheLongestLegalFileName) {
  test::TempDir dir;
  const fs::path path = dir / (std::string(250, 'r') + ".json");
  write_text_file(path, "{}\n", "the report");
  EXPECT_EQ(read_text(path), "{}\n");
  EXPECT_EQ(n_entries(dir.path()), 1u);
}

// A path that cannot take the file (here an existing folder: tests run as root, so permissions
// cannot make a write fail) throws naming the path and what was written, and leaves what was
// there, with no temporary file.
TEST(TextFile, AFailureNamesThePathAndLeavesNothingBehind) {
  test::TempDir dir;
  const fs::path folder = dir / "taken";
  fs::create_directories(folder / "inside");
  try {
    write_text_file(folder, "{}\n", "the JSON report");
    FAIL() << "expected a RuntimeError";
  } catch (const RuntimeError& e) {
    EXPECT_NE(std::string(e.what()).find(folder.string() + ": cannot write the JSON report ("),
              std::string::npos)
        << e.what();
  }
  EXPECT_TRUE(fs::is_directory(folder / "inside"));
  EXPECT_EQ(n_entries(dir.path()), 1u);
}

// A full disk (here a file size limit of 0) is named with the system's reason, where the message
// said only "write failed", and leaves no temporary file.
TEST(TextFile, AFullDiskGivesTheSystemsReason) {
  test::TempDir dir;
  std::string message;
  {
    test::FileSizeLimit limit(0);
    try {
      write_text_file(dir / "report.json", "{}\n", "the JSON report");
    } catch (const RuntimeError& e) {
      message = e.what();
    }
  }
  EXPECT_NE(message.find("report.json: cannot write the JSON report (File too large)"),
            std::string::npos)
      << message;
  EXPECT_EQ(n_entries(dir.path()), 0u);
}

}  // namespace
}  // namespace rawgan
