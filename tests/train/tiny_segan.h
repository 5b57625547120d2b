// The SEGAN that the train tests share: the presets' architecture (strided encoder, mirrored
// decoder, z, virtual batch norm) at three layers of a few channels over 256-sample windows,
// so that a training step takes milliseconds.
#pragma once

#include "rawgan/models/segan.h"

namespace rawgan::train {

constexpr int kTinyRateHz = 8000;

inline models::SeganOptions tiny_model() {
  models::SeganOptions options;
  options.sample_rate_hz = kTinyRateHz;
  options.window_samples = 256;
  options.kernel_size = 15;
  options.encoder_channels = {4, 8, 8};
  return options;
}

}  // namespace rawgan::train
