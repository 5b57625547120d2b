// Block-wise audio file reading and writing, for inputs too long to hold in memory.
// `read` and `write` in audio.h are built on these.
//
// Each object owns one open file and is not thread-safe; use one per thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>

#include "rawgan/audio/audio.h"

namespace rawgan::audio {

/// Reads interleaved float frames from any file libsndfile opens.
class FileReader {
 public:
  /// Opens `path`; throws InputError naming the file and libsndfile's reason on failure.
  explicit FileReader(const std::filesystem::path& path);
  ~FileReader();
  FileReader(const FileReader&) = delete;
  FileReader& operator=(const FileReader&) = delete;

  const FileInfo& info() const { return info_; }
  const std::filesystem::path& path() const { return path_; }

  /// Reads up to `n_frames` frames into `interleaved` (room for n_frames * n_channels floats).
  /// Returns the frames read; fewer than asked only at the end of the file. Throws InputError
  /// naming the file and the frame when a sample is NaN or infinite (a float file can hold
  /// them): no result computed from such a sample is usable, so the file is refused as input.
  int64_t read(float* interleaved, int64_t n_frames);

 private:
  std::filesystem::path path_;
  FileInfo info_;
  int64_t n_frames_read_ = 0;
  struct Handle;
  std::unique_ptr<Handle> handle_;
};

/// Writes a WAV file block by block under a temporary name; `commit` renames it into place.
/// A writer destroyed without `commit` removes its temporary file, leaving no partial output.
class FileWriter {
 public:
  /// Creates missing parent folders. Throws RuntimeError naming `path` and the reason if a folder
  /// or the temporary file cannot be created.
  FileWriter(const std::filesystem::path& path, int sample_rate_hz, int n_channels,
             SampleFormat format);
  ~FileWriter();
  FileWriter(const FileWriter&) = delete;
  FileWriter& operator=(const FileWriter&) = delete;

  /// Clips each sample to [-1, 1], counting the clipped ones, and appends the frames.
  void write(const float* interleaved, int64_t n_frames);

  /// Flushes, closes and renames the file to its final name.
  void commit();

  int64_t n_clipped() const { return n_clipped_; }

 private:
  std::filesystem::path path_;
  std::filesystem::path temp_path_;
  int n_channels_;
  int64_t n_clipped_ = 0;
  std::vector<float> buffer_;
  struct Handle;
  std::unique_ptr<Handle> handle_;
};

}  // namespace rawgan::audio
