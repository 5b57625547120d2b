#include "rawgan/infer/segan_model.h"

#include <string>

#include "rawgan/models/segan.h"
#include "rawgan/train/checkpoint.h"
#include "rawgan/util/error.h"

namespace rawgan::infer {

EnhancementModel load_segan(const std::filesystem::path& checkpoint, torch::Device device) {
  train::CheckpointReader reader(checkpoint, "segan", device);
  const train::CheckpointHeader& header = reader.header();
  if (!header.config.contains("model"))
    throw InputError(checkpoint.string() + ": checkpoint has no model options (config.model)");
  models::SeganOptions options;
  try {
    options = models::SeganOptions::from_json(header.config.at("model"));
  } catch (const Error& e) {
    throw InputError(checkpoint.string() + ": " + e.what());
  }

  models::SeganGenerator generator(options);
  try {
    reader.load_module("generator", *generator);
  } catch (const InputError&) {
    throw;
  } catch (const std::exception& e) {
    throw InputError(checkpoint.string() + ": generator weights do not load (" + e.what() + ")");
  }
  generator->to(device);
  generator->eval();

  EnhancementModel model;
  model.model = [generator](const torch::Tensor& noisy) mutable {
    return generator->forward(noisy);
  };
  model.sample_rate_hz = options.sample_rate_hz;
  model.window_samples = options.window_samples;
  model.pre_emphasis = options.pre_emphasis;
  model.description = "segan (" + (header.preset.empty() ? "custom" : header.preset) + "), step " +
                      std::to_string(header.step);
  return model;
}

}  // namespace rawgan::infer
