// Analysis/synthesis windows for short-time spectral processing.
#pragma once

#include <string>
#include <vector>

namespace rawgan::dsp {

enum class WindowType {
  kHann,         ///< periodic Hann: 0.5 - 0.5 cos(2 pi n / N)
  kSqrtHann,     ///< square root of the periodic Hann; its square overlap-adds to 1 at hop N/2
  kHamming,      ///< periodic Hamming: 0.54 - 0.46 cos(2 pi n / N)
  kRectangular,  ///< all ones
};

/// Parses "hann", "sqrt-hann", "hamming" or "rectangular"; throws UsageError otherwise.
WindowType parse_window(const std::string& name);
std::string window_name(WindowType type);

/// The periodic (DFT-even) window of `n_samples` (>= 1) values, as used for spectral analysis.
std::vector<float> make_window(WindowType type, int n_samples);

/// Smallest and largest value over one hop of sum_t w[n - t * hop]^p, the overlap-added window
/// raised to `power` (1 for plain overlap-add, 2 for the analysis-times-synthesis product).
struct OverlapAddRange {
  double min = 0;
  double max = 0;
};
OverlapAddRange overlap_add_range(const std::vector<float>& window, int hop_samples, int power);

/// True when the window overlap-adds to a constant at this hop (COLA), within a relative 1e-6.
bool is_constant_overlap_add(const std::vector<float>& window, int hop_samples, int power = 1);

}  // namespace rawgan::dsp
