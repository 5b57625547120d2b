// The tiny train-gen run that the CLI tests share: four short tones as clips and WaveGAN at
// the paper's depth and kernels with 2 channels, which trains a step in a fraction of a second.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "rawgan/audio/audio.h"
#include "support/test_support.h"

namespace rawgan::test {

inline const char* const kTinyWaveGanPreset = R"({
  "kind": "wavegan",
  "model": {"model_size": 2, "latent_dim": 8},
  "train": {"batch_size": 4, "steps": 2, "n_critic": 2, "diversity_every": 1,
            "diversity_batch": 4}
})";

/// Four tones of 9000 samples at 22050 Hz in `dir`.
inline void make_clips(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  for (int f = 0; f < 4; ++f)
    audio::write(dir / ("hit_" + std::to_string(f) + ".wav"), sine(150.0 * (f + 1), 22050, 9000));
}

/// Clips in dir/clips and the tiny preset in dir/tiny.json, and the train-gen arguments of a
/// run on them into dir/run on one CPU thread.
inline std::vector<std::string> tiny_train_gen_run(const TempDir& dir) {
  make_clips(dir / "clips");
  std::ofstream(dir / "tiny.json") << kTinyWaveGanPreset;
  return {"train-gen",
          "--clips",
          (dir / "clips").string(),
          "--preset",
          (dir / "tiny.json").string(),
          "--out",
          (dir / "run").string(),
          "--device",
          "cpu",
          "--threads",
          "1"};
}

}  // namespace rawgan::test
