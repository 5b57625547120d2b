#include "rawgan/dsp/emphasis.h"

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

}  // namespace rawgan::dsp
