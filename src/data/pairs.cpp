#include "rawgan/data/pairs.h"

#include <algorithm>
#include <map>
#include <random>

#include "rawgan/audio/files.h"
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

}  // namespace

std::vector<FilePair> pair_folders(const fs::path& noisy_dir, const fs::path& clean_dir,
                                   bool skip_unpaired) {
  auto noisy = files_by_name(noisy_dir, "noisy");
  auto clean = files_by_name(clean_dir, "clean");

  std::vector<FilePair> pairs;
  std::vector<std::string> noisy_only, clean_only;
  for (const auto& [name, path] : noisy) {
    auto match = clean.find(name);
    if (match == clean.end()) {
      noisy_only.push_back(name);
    } else {
      pairs.push_back({name, path, match->second});
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

  // Fisher-Yates with the raw engine output, so the choice is the same with every standard
  // library (std::shuffle's use of the engine is implementation-defined).
  std::vector<int64_t> order(n);
  for (int64_t i = 0; i < n; ++i)
    order[i] = i;
  std::mt19937_64 rng(seed ^ 0x5e6a4e5ull);
  for (int64_t i = n - 1; i > 0; --i)
    std::swap(order[i], order[rng() % static_cast<uint64_t>(i + 1)]);
  std::vector<bool> is_valid(n, false);
  for (int64_t i = 0; i < n_valid; ++i)
    is_valid[order[i]] = true;
  for (int64_t i = 0; i < n; ++i)
    (is_valid[i] ? split.valid : split.train).push_back(pairs[i]);
  return split;
}

}  // namespace rawgan::data
