#include "rawgan/audio/files.h"

#include <gtest/gtest.h>

#include <fstream>

#include "rawgan/audio/audio.h"
#include "rawgan/util/error.h"
#include "support/test_support.h"

namespace rawgan::audio {
namespace {

TEST(Files, FindsAudioRecursivelySortedByPath) {
  test::TempDir dir;
  write(dir / "b.wav", test::sine(440, 8000, 10));
  write(dir / "sub" / "a.WAV", test::sine(440, 8000, 10));
  std::ofstream(dir / "notes.txt") << "not audio";
  auto files = find_audio_files(dir.path());
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[0].filename(), "b.wav");
  EXPECT_EQ(files[1].filename(), "a.WAV");
  EXPECT_THROW(find_audio_files(dir / "missing"), InputError);
}

TEST(Files, MirrorsFoldersAndMapsSingleFiles) {
  test::TempDir dir;
  write(dir / "in" / "x.wav", test::sine(440, 8000, 10));
  write(dir / "in" / "deep" / "y.wav", test::sine(440, 8000, 10));
  auto jobs = plan_file_jobs({dir / "in"}, dir / "out");
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_EQ(jobs[0].output, dir / "out" / "deep" / "y.wav");
  EXPECT_EQ(jobs[1].output, dir / "out" / "x.wav");

  auto single = plan_file_jobs({dir / "in" / "x.wav"}, dir / "clean.wav");
  ASSERT_EQ(single.size(), 1u);
  EXPECT_EQ(single[0].output, dir / "clean.wav");
}

// A rerun with the output folder inside the input folder must not take the first run's outputs
// as inputs (their outputs would be the inputs themselves), whatever the output's spelling.
TEST(Files, AnOutputFolderInsideTheInputIsLeftOutOfTheSearch) {
  test::TempDir dir;
  write(dir / "in" / "x.wav", test::sine(440, 8000, 10));
  write(dir / "in" / "out" / "x.wav", test::sine(440, 8000, 10));
  for (const std::filesystem::path& output :
       {dir / "in" / "out", dir / "in" / "out" / "", dir / "in" / "." / "out"}) {
    auto jobs = plan_file_jobs({dir / "in"}, output);
    ASSERT_EQ(jobs.size(), 1u) << output;
    EXPECT_EQ(jobs[0].input, dir / "in" / "x.wav");
  }
  // The search alone leaves out only the folder it is told to.
  EXPECT_EQ(find_audio_files(dir / "in").size(), 2u);
  EXPECT_EQ(find_audio_files(dir / "in", dir / "in" / "out").size(), 1u);
  // An output folder that is the input folder itself is no subfolder: refused as before.
  EXPECT_THROW(plan_file_jobs({dir / "in"}, dir / "in"), UsageError);
}

// One command's outputs inside another's input folder: `baseline recs -o recs/clean`, then
// `enhance recs -o recs/enh` must not take recs/clean's files as inputs. A marked folder given
// as the input itself is still read.
TEST(Files, MarkedOutputFoldersAreLeftOutOfSearchesAboveThem) {
  test::TempDir dir;
  write(dir / "recs" / "x.wav", test::sine(440, 8000, 10));
  write(dir / "recs" / "clean" / "x.wav", test::sine(440, 8000, 10));
  write(dir / "recs" / "clean" / "deep" / "y.wav", test::sine(440, 8000, 10));
  EXPECT_EQ(find_audio_files(dir / "recs").size(), 3u);
  EXPECT_EQ(output_folder_writer(dir / "recs" / "clean"), "");

  mark_output_folder(dir / "recs" / "clean", "baseline");
  EXPECT_EQ(output_folder_writer(dir / "recs" / "clean"), "rawgan baseline");
  const auto files = find_audio_files(dir / "recs");
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0], dir / "recs" / "x.wav");
  auto jobs = plan_file_jobs({dir / "recs"}, dir / "recs" / "enh");
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].input, dir / "recs" / "x.wav");

  // Given as the input itself, the marked folder is read, subfolders included.
  EXPECT_EQ(find_audio_files(dir / "recs" / "clean").size(), 2u);
  EXPECT_EQ(plan_file_jobs({dir / "recs" / "clean"}, dir / "recs" / "clean2").size(), 2u);

  // Any marker counts, also one another tool rewrote.
  std::ofstream(dir / "recs" / "clean" / kOutputMarker) << "edited";
  EXPECT_EQ(output_folder_writer(dir / "recs" / "clean"), "rawgan");
  EXPECT_EQ(find_audio_files(dir / "recs").size(), 1u);
}

TEST(Files, OnlyAFolderOfOutputsIsMarked) {
  test::TempDir dir;
  write(dir / "in" / "x.wav", test::sine(440, 8000, 10));
  auto folder = plan_file_jobs({dir / "in"}, dir / "out");
  mark_planned_output_folder(folder, dir / "out", "enhance");
  EXPECT_EQ(output_folder_writer(dir / "out"), "rawgan enhance");
  auto one_file = plan_file_jobs({dir / "in" / "x.wav"}, dir / "single" / "clean.wav");
  mark_planned_output_folder(one_file, dir / "single" / "clean.wav", "enhance");
  EXPECT_FALSE(std::filesystem::exists(dir / "single"));
  EXPECT_FALSE(std::filesystem::exists(dir / "single" / "clean.wav" / kOutputMarker));
  auto file_into_folder = plan_file_jobs({dir / "in" / "x.wav"}, dir / "folder");
  mark_planned_output_folder(file_into_folder, dir / "folder", "baseline");
  EXPECT_EQ(output_folder_writer(dir / "folder"), "rawgan baseline");
  // Outputs written around the inputs: the folder also holds inputs, and stays unmarked.
  auto around = plan_file_jobs({dir / "in"}, dir.path());
  mark_planned_output_folder(around, dir.path(), "baseline");
  EXPECT_EQ(output_folder_writer(dir.path()), "");
}

TEST(Files, SameOrInsideComparesResolvedFolders) {
  test::TempDir dir;
  std::filesystem::create_directories(dir / "a" / "b");
  std::filesystem::create_directory_symlink(dir / "a", dir / "link");
  EXPECT_TRUE(is_same_or_inside(dir / "a", dir / "a"));
  EXPECT_TRUE(is_same_or_inside(dir / "a" / "b", dir / "a"));
  EXPECT_TRUE(is_same_or_inside(dir / "link" / "b" / "not-yet", dir / "a"));
  EXPECT_TRUE(is_same_or_inside(dir / "a" / ".." / "a" / "", dir / "link"));
  EXPECT_FALSE(is_same_or_inside(dir / "a", dir / "a" / "b"));
  EXPECT_FALSE(is_same_or_inside(dir / "ab", dir / "a"));  // a prefix of the name is not inside
}

TEST(Files, RefusesCollisionsOverwritesAndMissingInputs) {
  test::TempDir dir;
  write(dir / "a" / "x.wav", test::sine(440, 8000, 10));
  write(dir / "b" / "x.wav", test::sine(440, 8000, 10));
  EXPECT_THROW(plan_file_jobs({dir / "a" / "x.wav", dir / "b" / "x.wav"}, dir / "out"), UsageError);
  EXPECT_THROW(plan_file_jobs({dir / "a"}, dir / "a"), UsageError);
  EXPECT_THROW(plan_file_jobs({dir / "nothing"}, dir / "out"), InputError);
}

TEST(Files, FolderOrSeveralInputsNeedAnOutputFolderNotAFileName) {
  test::TempDir dir;
  write(dir / "in" / "x.wav", test::sine(440, 8000, 10));
  write(dir / "in" / "y.wav", test::sine(440, 8000, 10));
  for (const char* name : {"x.flac", "one.wav", "LOUD.WAV"}) {
    EXPECT_THROW(plan_file_jobs({dir / "in"}, dir / name), UsageError) << name;
    EXPECT_THROW(plan_file_jobs({dir / "in" / "x.wav", dir / "in" / "y.wav"}, dir / name),
                 UsageError)
        << name;
  }
  // One file is written as WAV whatever the case of .wav, and refused under another extension.
  EXPECT_EQ(plan_file_jobs({dir / "in" / "x.wav"}, dir / "X.WAV").at(0).output, dir / "X.WAV");
  EXPECT_THROW(plan_file_jobs({dir / "in" / "x.wav"}, dir / "x.flac"), UsageError);
  // An existing folder keeps working whatever its name; an existing file cannot be a folder.
  std::filesystem::create_directories(dir / "old.wav");
  EXPECT_EQ(plan_file_jobs({dir / "in"}, dir / "old.wav").at(0).output, dir / "old.wav" / "x.wav");
  std::ofstream(dir / "notes.txt") << "not a folder";
  EXPECT_THROW(plan_file_jobs({dir / "in"}, dir / "notes.txt"), UsageError);
  EXPECT_NO_THROW(ensure_output_folder(dir / "new-folder", "-o"));
  EXPECT_THROW(ensure_output_folder(dir / "clips.ogg", "-o"), UsageError);
}

TEST(Files, LinkedFilesKeepTheirPlaceInTheFolder) {
  // A folder of links to files elsewhere (as demo scripts make) must map outputs inside the
  // output folder, never next to the link targets.
  test::TempDir dir;
  write(dir / "elsewhere" / "speech.wav", test::sine(440, 8000, 10));
  std::filesystem::create_directories(dir / "in");
  std::filesystem::create_symlink(dir / "elsewhere" / "speech.wav", dir / "in" / "speech.wav");
  auto jobs = plan_file_jobs({dir / "in"}, dir / "out");
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].output, dir / "out" / "speech.wav");
  EXPECT_EQ(relative_inside(dir / "in" / "speech.wav", dir / "in/"), "speech.wav");
  EXPECT_THROW(relative_inside(dir / "elsewhere" / "speech.wav", dir / "in"), RuntimeError);
}

// A link to a file that is gone is named in a warning, not skipped without a word; a link to a
// file that is there is read.
TEST(Files, ALinkToAMissingFileIsWarnedAbout) {
  test::TempDir dir;
  write(dir / "elsewhere" / "speech.wav", test::sine(440, 8000, 10));
  std::filesystem::create_directories(dir / "in");
  std::filesystem::create_symlink(dir / "elsewhere" / "speech.wav", dir / "in" / "speech.wav");
  std::filesystem::create_symlink(dir / "elsewhere" / "gone.wav", dir / "in" / "gone.wav");
  testing::internal::CaptureStderr();
  const auto files = find_audio_files(dir / "in");
  const std::string err = testing::internal::GetCapturedStderr();
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0], dir / "in" / "speech.wav");
  EXPECT_NE(err.find((dir / "in" / "gone.wav").string() + ": skipped: a link to " +
                     (dir / "elsewhere" / "gone.wav").string() + ", which does not exist"),
            std::string::npos)
      << err;
  EXPECT_EQ(err.find("speech.wav"), std::string::npos) << err;
}

}  // namespace
}  // namespace rawgan::audio
