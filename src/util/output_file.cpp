#include "rawgan/util/output_file.h"

#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <string>

#include "rawgan/util/error.h"

namespace rawgan {

std::filesystem::path temporary_path_beside(const std::filesystem::path& path) {
  // The process id keeps concurrent runs writing into one folder apart; the counter, the writes
  // of one run (threads included).
  static std::atomic<uint64_t> n_made{0};
  const std::string name =
      ".rawgan-" + std::to_string(getpid()) + "-" + std::to_string(n_made++) + ".part";
  return path.parent_path() / name;
}

std::string move_into_place(const std::filesystem::path& temp, const std::filesystem::path& path) {
  std::error_code ec;
  std::filesystem::rename(temp, path, ec);
  if (!ec) return "";
  // The rename's reason, read before the clean-up could replace it.
  const std::string reason = ec.message();
  std::filesystem::remove(temp, ec);
  return reason;
}

void create_parent_folders(const std::filesystem::path& path) {
  const std::filesystem::path folder = path.parent_path();
  if (folder.empty()) return;
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  if (ec) {
    throw RuntimeError(path.string() + ": cannot create the folder " + folder.string() + " (" +
                       ec.message() + ")");
  }
}

}  // namespace rawgan
