// Version of rawgan and of the libraries it was built with.
#pragma once

#include <string>

namespace rawgan {

/// "rawgan 0.1.0 (LibTorch 1.13.1, CPU only, malloc from libtcmalloc_minimal.so.4)" and the
/// like, for --version and reports.
std::string version_string();

}  // namespace rawgan
