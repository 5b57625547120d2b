#include "rawgan/util/preset.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <set>

#include "rawgan/util/error.h"

namespace rawgan {
namespace {

std::filesystem::path executable_dir() {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::path() : exe.parent_path();
}

}  // namespace

std::vector<std::filesystem::path> preset_search_path() {
  std::vector<std::filesystem::path> dirs;
  if (const char* env = std::getenv("RAWGAN_MODELS_DIR")) dirs.emplace_back(env);
  dirs.emplace_back(RAWGAN_SOURCE_MODELS_DIR);
  auto exe_dir = executable_dir();
  if (!exe_dir.empty()) dirs.push_back(exe_dir / ".." / "share" / "rawgan" / "models");
  return dirs;
}

std::vector<std::string> list_presets() {
  std::set<std::string> names;
  for (const auto& dir : preset_search_path()) {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
      if (entry.path().extension() == ".json") names.insert(entry.path().stem().string());
    }
  }
  return {names.begin(), names.end()};
}

nlohmann::json load_preset(const std::string& name_or_path) {
  std::filesystem::path path = name_or_path;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    path.clear();
    for (const auto& dir : preset_search_path()) {
      auto candidate = dir / (name_or_path + ".json");
      if (std::filesystem::is_regular_file(candidate, ec)) {
        path = candidate;
        break;
      }
    }
  }
  if (path.empty()) {
    std::string names;
    for (const auto& name : list_presets())
      names += (names.empty() ? "" : ", ") + name;
    throw UsageError("unknown preset '" + name_or_path + "'; available: " + names);
  }
  std::ifstream in(path);
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw InputError(path.string() + ": not a valid preset (" + e.what() + ")");
  }
}

}  // namespace rawgan
