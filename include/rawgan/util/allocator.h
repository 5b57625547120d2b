// Which memory allocator this process runs on.
//
// Training allocates and frees tensors of several megabytes many times a step. glibc's malloc
// hands such blocks back to the kernel on free, so every step pays page faults on fresh
// memory again; the rawgan executable is linked with tcmalloc (gperftools) when it is found,
// which keeps freed memory for reuse (rawgan bench: paper-size SEGAN training 2.8 -> 4.3
// windows/s on 2 cores). This names the allocator actually in use, for reports.
#pragma once

#include <string>

namespace rawgan {

/// The file name of the shared library that provides malloc() in this process, e.g.
/// "libtcmalloc_minimal.so.4" or "libc.so.6"; "unknown" when the loader cannot tell.
/// Thread-safe.
std::string malloc_library();

}  // namespace rawgan
