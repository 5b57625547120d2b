#include "rawgan/util/format.h"

#include <cstdio>

namespace rawgan {

std::string format_seconds(double seconds) {
  char text[64];
  std::snprintf(text, sizeof text, "%.3f s", seconds);
  return text;
}

}  // namespace rawgan
