#include "rawgan/data/pairs.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>

#include "rawgan/audio/files.h"
#include "rawgan/data/mix.h"
#include "rawgan/util/error.h"
#include "rawgan/util/log.h"

namespace rawgan::data {
namespace {

namespace fs = std::filesystem;

// Audio files of `dir` keyed by relative path without extension.
std::map<std::string, fs::path> files_by_name(const fs::path& dir, const std::string& role) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    throw InputError(dir.string() + ": no such folder (the " + role + " folder)");
  }
  std::map<std::string, fs::path> files;
  for (const fs::path& file : audio::find_audio_files(dir)) {
    std::string name = audio::relative_inside(file, dir).replace_extension().generic_string();
    auto [it, inserted] = files.emplace(name, file);
    if (!inserted) {
      throw InputError(it->second.string() + " and " + file.string() + ": two " + role +
                       " files differ only by extension; keep one");
    }
  }
  return files;
}

std::string list_names(const std::vector<std::string>& names) {
  constexpr size_t kMaxListed = 20;
  std::string text;
  for (size_t i = 0; i < names.size() && i < kMaxListed; ++i)
    text += (i ? ", " : "") + names[i];
  if (names.size() > kMaxListed) {
    text += " and " + std::to_string(names.size() - kMaxListed) + " more";
  }
  return text;
}

// Gives each pair listed in the record of `rawgan mix` beside both folders its clean source as
// its group. Pairs of other origins, and all pairs when there is no usable record, keep none.
void group_by_mix_source(const fs::path& noisy_dir, const fs::path& clean_dir,
                         std::vector<FilePair>& pairs) {
  std::error_code ec;
  const fs::path parent = fs::weakly_canonical(noisy_dir, ec).parent_path();
  if (ec || parent != fs::weakly_canonical(clean_dir, ec).parent_path() || ec) return;
  const fs::path path = parent / kMixManifest;
  if (!fs::is_regular_file(path, ec)) return;

  std::map<std::string, std::string> source_of;
  try {
    std::ifstream in(path);
    const nlohmann::json manifest = nlohmann::json::parse(in);
    if (manifest.value("format", "") != "rawgan-mix") return;
    for (const auto& pair : manifest.at("pairs"))
      source_of[pair.at("name").get<std::string>()] = pair.at("clean").get<std::string>();
  } catch (const std::exception& e) {
    log::warn(path.string(), ": cannot read the record of rawgan mix (", e.what(),
              "); pairs are held out for validation one by one");
    return;
  }
  std::map<std::string, int64_t> n_per_source;
  std::vector<std::string> unrecorded;
  for (FilePair& pair : pairs) {
    auto found = source_of.find(pair.name);
    if (found == source_of.end()) {
      unrecorded.push_back(pair.name);
      continue;
    }
    pair.group = found->second;
    ++n_per_source[pair.group];
  }
  // A rerun of mix into the same --out records only its own pairs: an earlier run's that are
  // still there have no source, and one recording's mixtures may land on both sides.
  if (!unrecorded.empty() && !n_per_source.empty()) {
    log::warn(path.string(), ": ", unrecorded.size(), " of ", pairs.size(),
              " pairs are not in this record of rawgan mix (the first: ", unrecorded.front(),
              "), such as pairs of an earlier mix into the same folder; each is held out for "
              "validation on its own, and mixtures of its recording may also be trained on");
  }
  const bool shared = std::any_of(n_per_source.begin(), n_per_source.end(),
                                  [](const auto& entry) { return entry.second > 1; });
  if (shared) {
    log::info(path.string(), ": the pairs come from ", n_per_source.size(),
              " clean recordings; the mixtures of each are held out for validation together");
  }
}

}  // namespace

std::vector<FilePair> pair_folders(const fs::path& noisy_dir, const fs::path& clean_dir,
                                   bool skip_unpaired) {
  auto noisy = files_by_name(noisy_dir, "noisy");
  auto clean = files_by_name(clean_dir, "clean");
  // Each file would pair with itself: a model that learns the identity, validated at 0 dB.
  std::error_code ec;
  if (fs::equivalent(noisy_dir, clean_dir, ec)) {
    throw UsageError(noisy_dir.string() + " and " + clean_dir.string() +
                     " are the same folder; expected noisy and clean files in two folders");
  }

  std::vector<FilePair> pairs;
  std::vector<std::string> noisy_only, clean_only;
  for (const auto& [name, path] : noisy) {
    auto match = clean.find(name);
    if (match == clean.end()) {
      noisy_only.push_back(name);
    } else {
      pairs.push_back({name, path, match->second, ""});
    }
  }
  for (const auto& [name, path] : clean)
    if (!noisy.count(name)) clean_only.push_back(name);

  if (!noisy_only.empty() || !clean_only.empty()) {
    std::string message = "unpaired files:";
    if (!noisy_only.empty()) {
      message += " in " + noisy_dir.string() + " only: " + list_names(noisy_only) + ";";
    }
    if (!clean_only.empty()) {
      message += " in " + clean_dir.string() + " only: " + list_names(clean_only) + ";";
    }
    if (!skip_unpaired) throw InputError(message + " pass --skip-unpaired to leave them out");
    log::warn(message, " left out (--skip-unpaired)");
  }
  if (pairs.empty()) {
    throw InputError(noisy_dir.string() + " and " + clean_dir.string() +
                     ": no pair of audio files with the same relative path");
  }
  group_by_mix_source(noisy_dir, clean_dir, pairs);
  return pairs;
}

PairSplit split_pairs(const std::vector<FilePair>& pairs, double fraction, uint64_t seed) {
  if (!(fraction >= 0.0 && fraction < 1.0)) {
    throw UsageError("--validation-fraction must be in [0, 1), got " + std::to_string(fraction));
  }
  PairSplit split;
  const int64_t n = static_cast<int64_t>(pairs.size());
  int64_t n_valid = static_cast<int64_t>(fraction * n + 0.5);
  if (fraction > 0 && n >= 2) n_valid = std::clamp<int64_t>(n_valid, 1, n - 1);
  if (n < 2) n_valid = 0;

  // Groups in the order of their first pair; a pair without a group is a group of its own.
  std::vector<std::vector<int64_t>> groups;
  std::map<std::string, size_t> group_index;
  for (int64_t i = 0; i < n; ++i) {
    if (pairs[i].group.empty()) {
      groups.push_back({i});
      continue;
    }
    auto [it, added] = group_index.emplace(pairs[i].group, groups.size());
    if (added) groups.emplace_back();
    groups[it->second].push_back(i);
  }
  const int64_t n_groups = static_cast<int64_t>(groups.size());

  // Fisher-Yates over the groups with the raw engine output, so the choice is the same with
  // every standard library (std::shuffle's use of the engine is implementation-defined).
  std::vector<int64_t> order(n_groups);
  for (int64_t i = 0; i < n_groups; ++i)
    order[i] = i;
  std::mt19937_64 rng(seed ^ 0x5e6a4e5ull);
  for (int64_t i = n_groups - 1; i > 0; --i)
    std::swap(order[i], order[rng() % static_cast<uint64_t>(i + 1)]);
  // Whole groups until the share is reached, always leaving one group to train on.
  std::vector<bool> is_valid(n, false);
  int64_t n_taken = 0;
  for (int64_t k = 0; k + 1 < n_groups && n_taken < n_valid; ++k) {
    for (int64_t i : groups[order[k]])
      is_valid[i] = true;
    n_taken += static_cast<int64_t>(groups[order[k]].size());
  }
  for (int64_t i = 0; i < n; ++i)
    (is_valid[i] ? split.valid : split.train).push_back(pairs[i]);
  return split;
}

}  // namespace rawgan::data
