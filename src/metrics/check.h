// Shared argument checks of the metrics layer.
#pragma once

#include <string>
#include <vector>

#include "rawgan/util/error.h"

namespace rawgan::metrics::detail {

inline void require_equal_lengths(const std::vector<float>& clean,
                                  const std::vector<float>& processed, const char* metric) {
  if (clean.size() != processed.size())
    throw InputError(std::string(metric) + ": clean and processed signals differ in length (" +
                     std::to_string(clean.size()) + " vs " + std::to_string(processed.size()) +
                     " samples)");
}

}  // namespace rawgan::metrics::detail
