#include "rawgan/infer/segan_model.h"

#include <string>

#include "rawgan/models/segan.h"
#include "rawgan/train/checkpoint.h"
#include "rawgan/util/error.h"

namespace rawgan::infer {

EnhancementModel segan_enhancement_model(models::SeganGenerator generator,
                                         const models::SeganOptions& options, torch::Device device,
                                         models::Precision precision) {
  models::check_precision(precision, device, "--precision");
  generator->to(device);
  generator->eval();
  EnhancementModel model;
  model.model = [generator, device, precision](const torch::Tensor& noisy) mutable {
    models::AutocastGuard autocast(device, precision);
    return generator->forward(noisy).to(torch::kFloat);
  };
  model.sample_rate_hz = options.sample_rate_hz;
  model.window_samples = options.window_samples;
  model.pre_emphasis = options.pre_emphasis;
  model.description = "segan";
  return model;
}

EnhancementModel load_segan(const std::filesystem::path& checkpoint, torch::Device device,
                            models::Precision precision) {
  models::check_precision(precision, device, "--precision");
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
  EnhancementModel model = segan_enhancement_model(generator, options, device, precision);
  model.description =
      "segan (" + (header.preset.empty() ? "custom" : header.preset) + "), step " +
      std::to_string(header.step) +
      (precision == models::Precision::kFloat32 ? "" : ", " + models::precision_name(precision));
  return model;
}

}  // namespace rawgan::infer
