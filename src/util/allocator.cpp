#include "rawgan/util/allocator.h"

#include <dlfcn.h>

#include <cstdlib>
#include <filesystem>

namespace rawgan {

std::string malloc_library() {
  // The dynamic loader resolves malloc to the first library that defines it; dladdr names
  // the object that this resolved address lies in.
  Dl_info info{};
  void* (*resolved)(size_t) = &std::malloc;
  if (dladdr(reinterpret_cast<void*>(resolved), &info) == 0 || info.dli_fname == nullptr)
    return "unknown";
  return std::filesystem::path(info.dli_fname).filename().string();
}

}  // namespace rawgan
