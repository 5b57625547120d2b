#include "gen_test_support.h"

#include <cmath>
#include <fstream>

#include "rawgan/audio/audio.h"

namespace rawgan::test {

std::filesystem::path write_tiny_preset(const std::filesystem::path& path, const std::string& kind,
                                        const nlohmann::json& train) {
  nlohmann::json model = {{"model_size", 2}, {"latent_dim", 8}};
  if (kind == "specgan") model["griffin_lim_iterations"] = 2;
  nlohmann::json training = {{"batch_size", 4},         {"steps", 3},
                             {"checkpoint_every", 100}, {"diversity_every", 2},
                             {"diversity_batch", 4},    {"n_critic", 2}};
  for (const auto& [key, value] : train.items())
    training[key] = value;
  nlohmann::json preset = {{"kind", kind}, {"model", model}, {"train", training}};
  std::ofstream(path) << preset.dump(2);
  return path;
}

void write_tone_clips(const std::filesystem::path& dir, int n_files, int sample_rate_hz,
                      int64_t n_samples) {
  std::filesystem::create_directories(dir);
  for (int f = 0; f < n_files; ++f) {
    audio::Audio clip{std::vector<float>(n_samples), sample_rate_hz, 1};
    const double frequency_hz = 110.0 * (f + 1);
    for (int64_t i = 0; i < n_samples; ++i) {
      const double t = double(i) / sample_rate_hz;
      clip.samples[i] = float(0.5 * std::exp(-6.0 * t) * std::sin(2 * M_PI * frequency_hz * t));
    }
    audio::write(dir / ("tone_" + std::to_string(f) + ".wav"), clip);
  }
}

}  // namespace rawgan::test
