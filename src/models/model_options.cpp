#include "rawgan/models/model_options.h"

#include "rawgan/models/segan.h"
#include "rawgan/models/specgan.h"
#include "rawgan/models/wavegan.h"
#include "rawgan/util/preset.h"

namespace rawgan::models {

void check_model_section(const nlohmann::json& model, const std::string& kind,
                         const std::string& preset_name) {
  const nlohmann::json defaults = kind == "segan"     ? SeganOptions().to_json()
                                  : kind == "specgan" ? to_json(SpecGanOptions())
                                                      : to_json(WaveGanOptions());
  refuse_unknown_keys(model, defaults, preset_name + ": model options (\"model\")");
}

}  // namespace rawgan::models
