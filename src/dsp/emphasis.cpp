#include "rawgan/dsp/emphasis.h"

#include <algorithm>
#include <cmath>
#include <cstddef>

namespace rawgan::dsp {

void pre_emphasis(std::vector<float>& samples, float coefficient) {
  // Backwards, so that each step still sees the unmodified previous sample.
  for (std::size_t i = samples.size(); i-- > 1;)
    samples[i] -= coefficient * samples[i - 1];
}

void de_emphasis(std::vector<float>& samples, float coefficient) {
  for (std::size_t i = 1; i < samples.size(); ++i)
    samples[i] += coefficient * samples[i - 1];
}

PreEmphasis::PreEmphasis(float coefficient, int n_channels)
    : coefficient_(coefficient), last_input_(n_channels, 0.0f) {}

void PreEmphasis::process(float* interleaved, int64_t n_frames) {
  if (coefficient_ == 0.0f) return;
  const size_t n_channels = last_input_.size();
  for (size_t i = 0; i < static_cast<size_t>(n_frames) * n_channels; ++i) {
    float& previous = last_input_[i % n_channels];
    const float x = interleaved[i];
    interleaved[i] = x - coefficient_ * previous;
    previous = x;
  }
}

DeEmphasis::DeEmphasis(float coefficient, int n_channels)
    : coefficient_(coefficient), last_output_(n_channels, 0.0f) {}

std::vector<float> DeEmphasis::prime(const std::vector<float>& input_levels) {
  if (coefficient_ == 0.0f || coefficient_ == 1.0f) return input_levels;
  std::vector<float> output_levels = input_levels;
  for (size_t c = 0; c < output_levels.size(); ++c) {
    output_levels[c] /= 1.0f - coefficient_;
    if (c < last_output_.size()) last_output_[c] = output_levels[c];
  }
  return output_levels;
}

void DeEmphasis::process(float* interleaved, int64_t n_frames) {
  if (coefficient_ == 0.0f) return;
  const size_t n_channels = last_output_.size();
  for (size_t i = 0; i < static_cast<size_t>(n_frames) * n_channels; ++i) {
    float& previous = last_output_[i % n_channels];
    interleaved[i] += coefficient_ * previous;
    previous = interleaved[i];
  }
}

DcBlocker::DcBlocker(double cutoff_hz, int sample_rate_hz, int n_channels)
    : last_input_(n_channels, 0.0f), last_output_(n_channels, 0.0f) {
  if (cutoff_hz > 0 && sample_rate_hz > 0)
    pole_ = static_cast<float>(std::exp(-2.0 * M_PI * cutoff_hz / sample_rate_hz));
}

void DcBlocker::prime(const std::vector<float>& levels) {
  // A constant input at the level gives y = 0 from the start.
  for (size_t c = 0; c < last_input_.size() && c < levels.size(); ++c) {
    last_input_[c] = levels[c];
    last_output_[c] = 0.0f;
  }
}

void DcBlocker::process(float* interleaved, int64_t n_frames) {
  if (pole_ == 0.0f) return;
  const size_t n_channels = last_input_.size();

  for (size_t i = 0; i < static_cast<size_t>(n_frames) * n_channels; ++i) {
    const size_t c = i % n_channels;
    const float x = interleaved[i];
    interleaved[i] = x - last_input_[c] + pole_ * last_output_[c];
    last_input_[c] = x;
    last_output_[c] = interleaved[i];
  }
}

ModelOutputFilter::ModelOutputFilter(float emphasis, double dc_block_hz, int sample_rate_hz,
                                     int n_channels)
    : de_emphasis_(emphasis, n_channels),
      dc_blocker_(dc_block_hz, sample_rate_hz, n_channels),
      n_channels_(n_channels) {}

void ModelOutputFilter::process(float* interleaved, int64_t n_frames) {
  if (!primed_ && n_frames > 0 && dc_blocker_.enabled()) {
    const int64_t n = std::min(n_frames, kPrimeFrames);
    std::vector<float> offset(n_channels_);
    for (int c = 0; c < n_channels_; ++c) {
      double sum = 0;
      for (int64_t i = 0; i < n; ++i)
        sum += interleaved[i * n_channels_ + c];
      offset[c] = static_cast<float>(sum / n);
    }
    // The blocker's input level is de-emphasis's output level.
    dc_blocker_.prime(de_emphasis_.prime(offset));
    primed_ = true;
  }
  de_emphasis_.process(interleaved, n_frames);
  dc_blocker_.process(interleaved, n_frames);
}

}  // namespace rawgan::dsp
