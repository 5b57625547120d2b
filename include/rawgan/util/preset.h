// Model presets: JSON files under models/ (e.g. models/segan.json), read by this one loader so
// that the CLI, trainers and enhancer all see the same settings.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace rawgan {

/// Folders searched for presets, in order: $RAWGAN_MODELS_DIR, the source tree's models/
/// (compiled in), and ../share/rawgan/models beside the executable.
std::vector<std::filesystem::path> preset_search_path();

/// Loads a preset by name ("segan-small") or by path to a .json file. Throws UsageError listing
/// the available names when none matches, InputError when the file is not valid JSON.
nlohmann::json load_preset(const std::string& name_or_path);

/// Loads a model preset as load_preset does, for a command that takes the preset kinds `kinds`
/// ("segan"; "wavegan", "specgan"), and checks its shape: a "kind" among `kinds`, a "model"
/// object, and no top-level key other than kind, description, model and train (a misspelt
/// section would otherwise leave the defaults in force). Throws UsageError naming the file and
/// the key or the kind expected against the one found.
nlohmann::json load_model_preset(const std::string& name_or_path,
                                 const std::vector<std::string>& kinds);

/// Refuses a section of options with keys that `known` (the section with every default) lacks:
/// a misspelt key would otherwise leave its default in force without a word. Throws
/// UsageError "<what>: unknown key(s) a, b; known: ..." or "<what>: expected a JSON object".
/// Also refuses a value of another JSON type than its default (a string, a number, a boolean,
/// an array): "<what>: \"model_size\" must be a number, got \"x\"".
void refuse_unknown_keys(const nlohmann::json& section, const nlohmann::json& known,
                         const std::string& what);

/// Names of the presets found on the search path (file names without .json), sorted.
std::vector<std::string> list_presets();

}  // namespace rawgan
