// The "model" section of a preset, checked against the options of its kind.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace rawgan::models {

/// Refuses a preset's "model" section whose keys or value types the options of `kind` ("segan",
/// "wavegan" or "specgan", whose defaults give the keys and types) lack, naming `preset_name`:
/// "NAME: model options (\"model\"): unknown key(s) ..." (see rawgan::refuse_unknown_keys).
void check_model_section(const nlohmann::json& model, const std::string& kind,
                         const std::string& preset_name);

}  // namespace rawgan::models
