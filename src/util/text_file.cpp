#include "rawgan/util/text_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>

#include "rawgan/util/error.h"
#include "rawgan/util/output_file.h"

namespace rawgan {

void write_text_file(const std::filesystem::path& path, const std::string& text,
                     const std::string& what) {
  namespace fs = std::filesystem;
  create_parent_folders(path);
  const fs::path temp = temporary_path_beside(path);

  std::string reason;
  errno = 0;
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) reason = std::strerror(errno);
    out << text;
    out.close();
    // The text reaches the file when the stream is closed: errno holds why that failed.
    if (reason.empty() && !out) reason = errno != 0 ? std::strerror(errno) : "write failed";
  }
  if (!reason.empty()) {
    std::error_code ignored;
    fs::remove(temp, ignored);
  } else {
    reason = move_into_place(temp, path);
  }
  if (!reason.empty())
    throw RuntimeError(path.string() + ": cannot write " + what + " (" + reason + ")");
}

}  // namespace rawgan
