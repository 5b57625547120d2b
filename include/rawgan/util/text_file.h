// Small text files that must never be left half-written: reports, records of what a command
// made. (Audio, images and checkpoints use their libraries' writers with the same
// temporary-file-and-rename scheme.)
#pragma once

#include <filesystem>
#include <string>

namespace rawgan {

/// Writes `text` to `path` whole or not at all: into a temporary file beside it (see
/// temporary_path_beside), which is then renamed over `path`. Missing parent folders are
/// created. A failure removes the temporary file, leaves any earlier `path` as it was, and
/// throws RuntimeError naming `path`, `what` ("the JSON report") and the system's reason.
void write_text_file(const std::filesystem::path& path, const std::string& text,
                     const std::string& what);

}  // namespace rawgan
