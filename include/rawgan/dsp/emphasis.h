// First-order pre-emphasis and its inverse, as used by SEGAN (Pascual et al. 2017, sec. 4:
// coefficient 0.95 applied to inputs before training, removed from outputs).
#pragma once

#include <vector>

namespace rawgan::dsp {

constexpr float kDefaultEmphasis = 0.95f;

/// In place: y[n] = x[n] - coefficient * x[n - 1], with x[-1] = 0.
void pre_emphasis(std::vector<float>& samples, float coefficient = kDefaultEmphasis);

/// In place, the exact inverse of pre_emphasis: y[n] = x[n] + coefficient * y[n - 1].
void de_emphasis(std::vector<float>& samples, float coefficient = kDefaultEmphasis);

}  // namespace rawgan::dsp
