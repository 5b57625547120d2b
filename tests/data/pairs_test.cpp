#include "rawgan/data/pairs.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "rawgan/util/error.h"
#include "support/test_support.h"

namespace rawgan::data {
namespace {

namespace fs = std::filesystem;

void write_tone(const fs::path& path, int64_t n_samples = 800) {
  audio::write(path, test::sine(440, 8000, n_samples));
}

std::string error_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(Pairs, MatchesRelativePathsRecursivelyIgnoringExtensions) {
  test::TempDir dir;
  write_tone(dir / "noisy/a.wav");
  write_tone(dir / "noisy/sub/b.wav");
  write_tone(dir / "clean/a.wav");
  // audio::write always writes WAV; libsndfile reads by content, so a ".flac" name stands for
  // a file whose extension differs from its partner's.
  write_tone(dir / "clean/sub/b.flac");
  std::ofstream(dir / "clean/notes.txt") << "not audio";

  auto pairs = pair_folders(dir / "noisy", dir / "clean");
  ASSERT_EQ(pairs.size(), 2u);
  EXPECT_EQ(pairs[0].name, "a");
  EXPECT_EQ(pairs[1].name, "sub/b");
  EXPECT_EQ(pairs[1].clean, dir / "clean/sub/b.flac");
}

TEST(Pairs, UnmatchedFilesAreListedAndFatalUnlessSkipped) {
  test::TempDir dir;
  write_tone(dir / "noisy/a.wav");
  write_tone(dir / "noisy/only_noisy.wav");
  write_tone(dir / "clean/a.wav");
  write_tone(dir / "clean/deep/only_clean.wav");

  std::string message = error_of([&] { pair_folders(dir / "noisy", dir / "clean"); });
  EXPECT_NE(message.find("only_noisy"), std::string::npos) << message;
  EXPECT_NE(message.find("deep/only_clean"), std::string::npos) << message;
  EXPECT_NE(message.find("--skip-unpaired"), std::string::npos) << message;

  auto pairs = pair_folders(dir / "noisy", dir / "clean", true);
  ASSERT_EQ(pairs.size(), 1u);
  EXPECT_EQ(pairs[0].name, "a");
}

TEST(Pairs, TheSameFolderAsNoisyAndCleanIsRefused) {
  test::TempDir dir;
  audio::write(dir / "a" / "x.wav", test::sine(300, 8000, 800));
  EXPECT_THROW(pair_folders(dir / "a", dir / "a"), UsageError);
  // Also under another spelling.
  EXPECT_THROW(pair_folders(dir / "a", dir.path() / "." / "a/"), UsageError);
}

TEST(Pairs, MissingFoldersDuplicatesAndNoPairsAreErrors) {
  test::TempDir dir;
  write_tone(dir / "noisy/a.wav");
  EXPECT_NE(error_of([&] { pair_folders(dir / "noisy", dir / "nope"); }).find("nope"),
            std::string::npos);

  write_tone(dir / "clean/b.wav");
  EXPECT_NE(error_of([&] { pair_folders(dir / "noisy", dir / "clean", true); }).find("no pair"),
            std::string::npos);

  write_tone(dir / "clean/a.wav");
  audio::write(dir / "clean/a.flac", test::sine(440, 8000, 800));
  std::string message = error_of([&] { pair_folders(dir / "noisy", dir / "clean", true); });
  EXPECT_NE(message.find("only by extension"), std::string::npos) << message;
}

TEST(Pairs, SplitIsSeededDisjointAndComplete) {
  std::vector<FilePair> pairs;
  for (int i = 0; i < 20; ++i)
    pairs.push_back({"f" + std::to_string(i), "n", "c", ""});
  auto split = split_pairs(pairs, 0.25, 3);
  EXPECT_EQ(split.valid.size(), 5u);
  EXPECT_EQ(split.train.size(), 15u);
  std::set<std::string> names;
  for (const auto* side : {&split.train, &split.valid})
    for (const auto& pair : *side)
      names.insert(pair.name);
  EXPECT_EQ(names.size(), 20u);

  auto again = split_pairs(pairs, 0.25, 3);
  EXPECT_EQ(again.valid[0].name, split.valid[0].name);
  // Two pairs and a tiny fraction still hold one out; a single pair is never held out.
  EXPECT_EQ(split_pairs({pairs[0], pairs[1]}, 0.01, 0).valid.size(), 1u);
  EXPECT_EQ(split_pairs({pairs[0]}, 0.5, 0).valid.size(), 0u);
  EXPECT_EQ(split_pairs(pairs, 0.0, 0).valid.size(), 0u);
  EXPECT_THROW(split_pairs(pairs, 1.0, 0), UsageError);
}

// Pairs of one group go to one side together; pairs without a group split as they always did.
TEST(Pairs, SplitHoldsOutWholeGroupsAndLeavesOneToTrainOn) {
  std::vector<FilePair> singles;
  for (int i = 0; i < 12; ++i)
    singles.push_back({"f" + std::to_string(i), "n", "c", ""});
  // Groups of one each: the same split as pairs without groups.
  std::vector<FilePair> own_groups = singles;
  for (FilePair& pair : own_groups)
    pair.group = pair.name;
  const auto names = [](const std::vector<FilePair>& side) {
    std::vector<std::string> out;
    for (const FilePair& pair : side)
      out.push_back(pair.name);
    return out;
  };
  for (uint64_t seed = 0; seed < 10; ++seed)
    EXPECT_EQ(names(split_pairs(own_groups, 0.25, seed).valid),
              names(split_pairs(singles, 0.25, seed).valid));

  // Four groups of three: a quarter is one whole group.
  std::vector<FilePair> grouped = singles;
  for (int i = 0; i < 12; ++i)
    grouped[i].group = "g" + std::to_string(i / 3);
  for (uint64_t seed = 0; seed < 10; ++seed) {
    const auto split = split_pairs(grouped, 0.25, seed);
    ASSERT_EQ(split.valid.size(), 3u);
    for (const FilePair& pair : split.valid)
      EXPECT_EQ(pair.group, split.valid[0].group);
  }
  // A large share still leaves one group to train on; one group alone holds nothing out.
  EXPECT_EQ(split_pairs(grouped, 0.9, 1).train.size(), 3u);
  std::vector<FilePair> one_group = singles;
  for (FilePair& pair : one_group)
    pair.group = "same";
  EXPECT_TRUE(split_pairs(one_group, 0.5, 1).valid.empty());
}

}  // namespace
}  // namespace rawgan::data
