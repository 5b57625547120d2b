// Helpers shared by the generation tests: tiny model configurations and clip folders.
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>

namespace rawgan::test {

/// A preset file (kind wavegan or specgan) with the paper's depth and kernels but 2 channels
/// at the narrowest layer, written to `path`; `train` overrides the training section.
std::filesystem::path write_tiny_preset(const std::filesystem::path& path, const std::string& kind,
                                        const nlohmann::json& train = nlohmann::json::object());

/// Writes `n_files` WAV files of decaying sines (different pitches) at `sample_rate_hz` into
/// `dir`, each `n_samples` long.
void write_tone_clips(const std::filesystem::path& dir, int n_files, int sample_rate_hz,
                      int64_t n_samples);

}  // namespace rawgan::test
