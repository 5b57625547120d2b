#include "rawgan/dsp/window.h"

#include <algorithm>
#include <cmath>

#include "rawgan/util/error.h"

namespace rawgan::dsp {

WindowType parse_window(const std::string& name) {
  if (name == "hann") return WindowType::kHann;
  if (name == "sqrt-hann") return WindowType::kSqrtHann;
  if (name == "hamming") return WindowType::kHamming;
  if (name == "rectangular") return WindowType::kRectangular;
  throw UsageError("unknown window '" + name +
                   "': expected hann, sqrt-hann, hamming or rectangular");
}

std::string window_name(WindowType type) {
  switch (type) {
    case WindowType::kHann:
      return "hann";
    case WindowType::kSqrtHann:
      return "sqrt-hann";
    case WindowType::kHamming:
      return "hamming";
    case WindowType::kRectangular:
      return "rectangular";
  }
  return "unknown";
}

std::vector<float> make_window(WindowType type, int n_samples) {
  if (n_samples < 1)
    throw UsageError("window length must be at least 1 sample, got " + std::to_string(n_samples));
  std::vector<float> window(n_samples);
  const double kTwoPi = 2.0 * M_PI;
  for (int n = 0; n < n_samples; ++n) {
    const double c = std::cos(kTwoPi * n / n_samples);
    double value = 1.0;
    switch (type) {
      case WindowType::kHann:
        value = 0.5 - 0.5 * c;
        break;
      case WindowType::kSqrtHann:
        value = std::sqrt(std::max(0.0, 0.5 - 0.5 * c));
        break;
      case WindowType::kHamming:
        value = 0.54 - 0.46 * c;
        break;
      case WindowType::kRectangular:
        break;
    }
    window[n] = static_cast<float>(value);
  }
  return window;
}

OverlapAddRange overlap_add_range(const std::vector<float>& window, int hop_samples, int power) {
  OverlapAddRange range;
  if (hop_samples < 1 || window.empty()) return range;
  range.min = INFINITY;
  range.max = 0;
  const int n = static_cast<int>(window.size());
  for (int offset = 0; offset < hop_samples; ++offset) {
    double sum = 0;
    for (int i = offset; i < n; i += hop_samples)
      sum += std::pow(static_cast<double>(window[i]), power);
    range.min = std::min(range.min, sum);
    range.max = std::max(range.max, sum);
  }
  return range;
}

bool is_constant_overlap_add(const std::vector<float>& window, int hop_samples, int power) {
  OverlapAddRange range = overlap_add_range(window, hop_samples, power);
  return range.max > 0 && range.max - range.min <= 1e-6 * range.max;
}

}  // namespace rawgan::dsp
