// Paired noisy/clean folders for training an enhancement model: files are matched by their
// path relative to each folder, recursively, ignoring the extension (so noisy/a/b.flac pairs
// with clean/a/b.wav).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace rawgan::data {

struct FilePair {
  std::string name;  ///< relative path without extension, '/'-separated, e.g. "spk1/utt3"
  std::filesystem::path noisy;
  std::filesystem::path clean;
  /// Pairs of one group (mixtures of one clean recording) are held out for validation
  /// together; empty: the pair is a group of its own.
  std::string group;
};

/// Pairs the audio files under `noisy_dir` and `clean_dir`, sorted by name.
/// When both folders lie in one folder that holds the record written by `rawgan mix`
/// (data::kMixManifest), each pair it lists takes its clean source recording as its group; a
/// record that cannot be read is ignored with a warning.
/// Files present on one side only are listed by name in one message; they make the call throw
/// InputError unless `skip_unpaired`, in which case they are logged as a warning and left out.
/// Throws InputError when a folder is missing, when two files of one folder differ only by
/// extension, or when no pair is found; UsageError when both name the same folder.
std::vector<FilePair> pair_folders(const std::filesystem::path& noisy_dir,
                                   const std::filesystem::path& clean_dir,
                                   bool skip_unpaired = false);

/// Holds out about `fraction` (in [0, 1)) of the pairs for validation, chosen by `seed`;
/// at least one pair on each side when `fraction` > 0 and there are two or more groups. Whole
/// groups are held out (FilePair::group), so the held-out share can exceed `fraction` by up to
/// one group; with no groups, the split is the one of earlier versions for the same seed.
/// Both results keep the sorted order.
struct PairSplit {
  std::vector<FilePair> train;
  std::vector<FilePair> valid;
};
PairSplit split_pairs(const std::vector<FilePair>& pairs, double fraction, uint64_t seed);

}  // namespace rawgan::data
