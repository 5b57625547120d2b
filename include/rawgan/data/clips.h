// Clip folders for the generation models: every audio file under a folder, read through the
// audio layer (any format, rate and channel count) as mono at the model's rate, cut into clips
// of exactly the model's length. A file shorter than a clip is padded with silence at its end
// (a one-shot drum hit stays one clip); a longer one is sliced into consecutive clips, the last
// padded, and slices that are silent (below `silence_dbfs`) are dropped unless a file would
// lose every clip. A file of digital silence (every sample zero) gives no clip unless asked to.
// This is where audio becomes tensors for training and evaluation.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace rawgan::data {

struct ClipOptions {
  int sample_rate_hz = 16000;
  int64_t clip_samples = 16384;
  int64_t max_clips_per_file = 0;  ///< 0: no limit; otherwise the first N slices of a file
  double silence_dbfs = -60.0;     ///< RMS under which a slice counts as silent
  /// Skip files of digital silence (every sample zero), as training data; false keeps them,
  /// each as one silent clip (a generator's output to be measured as it is).
  bool skip_digital_silence = true;
};

struct ClipSet {
  torch::Tensor clips;                       ///< [n_clips, clip_samples], float, on the CPU
  std::vector<std::filesystem::path> files;  ///< files read, sorted
  std::vector<int64_t> file_of_clip;         ///< index into `files` for each clip
  int64_t n_padded = 0;                      ///< files shorter than one clip
  int64_t n_far_short = 0;       ///< of those, files shorter than a 16th of a clip (one warning)
  int64_t n_sliced = 0;          ///< files longer than one clip
  int64_t n_silent_dropped = 0;  ///< silent slices of longer files, dropped
  int64_t n_unreadable = 0;      ///< files skipped with a warning (not audio, empty)
  int64_t n_downmixed = 0;       ///< files of several channels, averaged to mono
  int64_t n_silent_files = 0;    ///< files of digital silence (every sample zero), skipped
};

/// Loads every audio file under `dir` (recursively). Files that cannot be read and files of
/// digital silence (unless `skip_digital_silence` is false) are skipped; files of several channels
/// are averaged to mono; files shorter than a 16th of a clip are padded like the others. Each of
/// these kinds is summed up in one warning with the count and the first file (each file is named at
/// debug level). Throws InputError when `dir` is not a folder, holds no audio files ("no audio
/// files"), or none that gives a clip ("no usable audio: ..." with the counts and the first file of
/// each kind); UsageError for non-positive sizes. Logs one summary line.
ClipSet load_clips(const std::filesystem::path& dir, const ClipOptions& options);

/// Cuts one mono signal into clips as load_clips does (for tests and single files).
std::vector<std::vector<float>> cut_into_clips(const std::vector<float>& samples,
                                               const ClipOptions& options,
                                               int64_t* n_silent_dropped = nullptr);

}  // namespace rawgan::data
