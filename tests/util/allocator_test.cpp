#include "rawgan/util/allocator.h"

#include <gtest/gtest.h>

namespace rawgan {
namespace {

// This test executable is not linked with tcmalloc: glibc's malloc, in libc, serves it.
TEST(Allocator, NamesTheLibraryThatProvidesMalloc) {
  const std::string name = malloc_library();
  EXPECT_NE(name.find("libc.so"), std::string::npos) << name;
  EXPECT_EQ(name.find("tcmalloc"), std::string::npos) << name;
}

}  // namespace
}  // namespace rawgan
