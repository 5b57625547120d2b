#include "rawgan/util/preset.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <set>

#include "rawgan/util/error.h"

namespace rawgan {
namespace {

// The top-level keys of a model preset.
const std::vector<std::string> kPresetKeys = {"kind", "description", "model", "train"};

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

namespace {

// The file `name_or_path` names: itself when it is a file, else <name>.json on the search path.
std::filesystem::path find_preset(const std::string& name_or_path) {
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
  return path;
}

nlohmann::json parse_preset(const std::filesystem::path& path) {
  std::ifstream in(path);
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw InputError(path.string() + ": not a valid preset (" + e.what() + ")");
  }
}

}  // namespace

nlohmann::json load_preset(const std::string& name_or_path) {
  return parse_preset(find_preset(name_or_path));
}

namespace {

// 2^53: every whole number up to it is exactly a double.
constexpr double kLargestWholeDouble = 9007199254740992.0;

// A value of another type than its default's would throw nlohmann's own message, which names
// neither the key nor the file, from deep inside the options' parsing.
void refuse_other_types(const nlohmann::json& section, const nlohmann::json& known,
                        const std::string& what) {
  for (const auto& item : section.items()) {
    const nlohmann::json& default_value = known.at(item.key());
    const nlohmann::json& value = item.value();
    std::string expected;
    if (default_value.is_number() && !value.is_number())
      expected = "a number";
    else if (default_value.is_string() && !value.is_string())
      expected = "a string";
    else if (default_value.is_boolean() && !value.is_boolean())
      expected = "true or false";
    else if (default_value.is_array() && !value.is_array())
      expected = "an array";
    // A fraction, or a number too large for a whole one (JSON reads 1e20 as a fraction), in a
    // key of whole numbers would be cut to an integer without a word, or overflow.
    if (default_value.is_number_integer() && value.is_number_float() &&
        (std::trunc(value.get<double>()) != value.get<double>() ||
         std::fabs(value.get<double>()) > kLargestWholeDouble))
      expected = "a whole number (at most 2^53)";
    if (!expected.empty())
      throw UsageError(what + ": \"" + item.key() + "\" must be " + expected + ", got " +
                       value.dump());
  }
}

}  // namespace

void refuse_unknown_keys(const nlohmann::json& section, const nlohmann::json& known,
                         const std::string& what) {
  if (!section.is_object()) throw UsageError(what + ": expected a JSON object");
  std::string unknown;
  for (const auto& item : section.items())
    if (!known.contains(item.key())) unknown += (unknown.empty() ? "" : ", ") + item.key();
  if (unknown.empty()) {
    refuse_other_types(section, known, what);
    return;
  }
  std::string names;
  for (const auto& item : known.items())
    names += (names.empty() ? "" : ", ") + item.key();
  throw UsageError(what + ": unknown key(s) " + unknown + "; known: " + names);
}

nlohmann::json load_model_preset(const std::string& name_or_path,
                                 const std::vector<std::string>& kinds) {
  const std::filesystem::path path = find_preset(name_or_path);
  const nlohmann::json preset = parse_preset(path);
  const std::string file = path.string();
  if (!preset.is_object())
    throw InputError(file + ": expected a JSON object, got " + preset.dump());

  // A misspelt section ("modle") would otherwise be skipped, and the defaults trained instead.
  for (const auto& item : preset.items()) {
    if (std::find(kPresetKeys.begin(), kPresetKeys.end(), item.key()) == kPresetKeys.end())
      throw UsageError(file + ": unknown key \"" + item.key() +
                       "\"; a preset holds kind, description, model and train");
  }

  std::string expected;
  for (const auto& kind : kinds)
    expected += (expected.empty() ? "\"" : " or \"") + kind + "\"";
  const auto kind = preset.find("kind");
  if (kind == preset.end()) throw UsageError(file + ": no \"kind\"; expected " + expected);
  if (!kind->is_string() ||
      std::find(kinds.begin(), kinds.end(), kind->get<std::string>()) == kinds.end())
    throw UsageError(file + ": \"kind\" " + kind->dump() + ", expected " + expected);
  const auto model = preset.find("model");
  if (model == preset.end() || !model->is_object())
    throw UsageError(file + ": no \"model\" object (the network's sizes)");
  return preset;
}

}  // namespace rawgan
