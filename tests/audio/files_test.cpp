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

TEST(Files, RefusesCollisionsOverwritesAndMissingInputs) {
  test::TempDir dir;
  write(dir / "a" / "x.wav", test::sine(440, 8000, 10));
  write(dir / "b" / "x.wav", test::sine(440, 8000, 10));
  EXPECT_THROW(plan_file_jobs({dir / "a" / "x.wav", dir / "b" / "x.wav"}, dir / "out"), UsageError);
  EXPECT_THROW(plan_file_jobs({dir / "a"}, dir / "a"), UsageError);
  EXPECT_THROW(plan_file_jobs({dir / "nothing"}, dir / "out"), InputError);
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

}  // namespace
}  // namespace rawgan::audio
