// How rawgan's writers (audio, text reports, images, checkpoints) prepare an output file: each
// writes under a temporary name beside the final one and renames it into place, so that a
// failed or interrupted write never leaves a partial file under the final name.
#pragma once

#include <filesystem>
#include <string>

namespace rawgan {

/// A fresh temporary path in the folder of `path`, for writing `path` before renaming it into
/// place: ".rawgan-<pid>-<n>.part", unique per process and per call (thread-safe). It is short
/// (under 40 bytes) whatever `path` is, so that every file name legal for `path`, up to the
/// system's 255-byte limit, can be written; hidden, and with no audio extension, so that folder
/// searches never take a leftover as input.
std::filesystem::path temporary_path_beside(const std::filesystem::path& path);

/// Renames the finished temporary file `temp` over `path`. On failure removes `temp` and
/// returns the system's reason for the rename ("Is a directory"); returns "" on success. Each
/// writer words its own error around the reason.
std::string move_into_place(const std::filesystem::path& temp, const std::filesystem::path& path);

/// Creates the missing folders above the file `path`. Throws RuntimeError naming `path`, the
/// folder and the system's reason ("Permission denied", "Not a directory") when they cannot be
/// made: writing into a folder that is not there would report only "No such file or directory".
void create_parent_folders(const std::filesystem::path& path);

}  // namespace rawgan
