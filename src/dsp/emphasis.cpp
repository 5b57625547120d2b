#include "rawgan/dsp/emphasis.h"

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

}  // namespace rawgan::dsp
