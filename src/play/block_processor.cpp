#include "rawgan/play/block_processor.h"

#include <algorithm>
#include <cstdio>

#include "rawgan/util/error.h"

namespace rawgan::play {

PassthroughProcessor::PassthroughProcessor(int hop_samples) : hop_samples_(hop_samples) {
  if (hop_samples <= 0)
    throw UsageError("passthrough hop must be positive, got " + std::to_string(hop_samples));
}

void PassthroughProcessor::process(const float* input, float* output) {
  std::copy(input, input + hop_samples_, output);
}

SpectralProcessor::SpectralProcessor(dsp::SpectralEnhancer enhancer, std::string name)
    : enhancer_(std::move(enhancer)), name_(std::move(name)) {}

std::unique_ptr<SpectralProcessor> SpectralProcessor::wiener(int sample_rate_hz, float frame_ms) {
  dsp::WienerOptions options;
  options.frame_ms = frame_ms;
  char name[64];
  std::snprintf(name, sizeof name, "wiener (%.0f ms frames)", frame_ms);
  return std::unique_ptr<SpectralProcessor>(
      new SpectralProcessor(dsp::SpectralEnhancer::wiener(sample_rate_hz, options), name));
}

void SpectralProcessor::process(const float* input, float* output) {
  enhancer_.process(input, output);
}

}  // namespace rawgan::play
