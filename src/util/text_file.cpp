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
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) reason = std::strerror(errno);
    out << text;
    out.close();
    if (reason.empty() && !out) reason = "write failed";
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
