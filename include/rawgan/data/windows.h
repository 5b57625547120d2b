// Paired audio sliced into model windows for training SEGAN-like models.
//
// Every pair is read at the model's rate and in mono (rawgan::audio::read_mono), its lengths
// reconciled, pre-emphasised, and kept whole in memory; windows are views (file, offset)
// copied into tensors only when a batch is assembled. Not thread-safe for concurrent loading;
// `batch` may be called from several threads at once.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "rawgan/data/pairs.h"

namespace rawgan::data {

struct WindowOptions {
  int sample_rate_hz = 16000;      ///< rate the model works at
  int64_t window_samples = 16384;  ///< samples per training window
  /// Hop between window starts; 0 means half a window (50 % overlap, SEGAN sec. 4).
  int64_t hop_samples = 0;
  float pre_emphasis = 0.95f;  ///< applied to noisy and clean; 0 disables it
  /// Pairs whose lengths (at the model's rate) differ by at most this many samples are
  /// trimmed to the shorter with a warning; larger differences are an InputError.
  int64_t max_length_mismatch_samples = 32;
  /// A file whose peak is below this level counts as silent and its pair is skipped.
  double silence_peak_dbfs = -70.0;
};

/// One pair as the model sees it: mono, at the model's rate, equal lengths, pre-emphasised.
struct LoadedPair {
  std::string name;
  std::vector<float> noisy;
  std::vector<float> clean;
};

/// What loading did, for the run's log.
struct LoadReport {
  int64_t n_pairs = 0;    ///< pairs kept
  int64_t n_skipped = 0;  ///< empty or silent pairs left out (each logged)
  int64_t n_padded = 0;   ///< pairs shorter than one window, zero-padded (one summary line)
  int64_t n_trimmed = 0;  ///< pairs whose lengths differed slightly
};

/// Reads one pair as described above; returns false (after a warning naming the file) when it
/// is empty or silent. Throws InputError naming both files when their lengths differ by more
/// than options.max_length_mismatch_samples, or when a file cannot be read.
bool load_pair(const FilePair& pair, const WindowOptions& options, LoadedPair& loaded,
               LoadReport& report);

/// Where window i starts in pair `file`.
struct WindowRef {
  int32_t file = 0;
  int64_t offset = 0;
};

class PairedWindows {
 public:
  /// Loads every pair (progress reported) and slices it: windows start every hop samples;
  /// a tail that does not fill a window gets one more window ending at the file's end; a file
  /// shorter than one window is zero-padded to one window. Throws InputError when nothing is
  /// left to train on.
  PairedWindows(const std::vector<FilePair>& pairs, const WindowOptions& options);

  int64_t n_windows() const { return static_cast<int64_t>(windows_.size()); }
  const std::vector<LoadedPair>& files() const { return files_; }
  const LoadReport& report() const { return report_; }
  const WindowOptions& options() const { return options_; }

  /// Copies the windows `indices` into {noisy, clean}, each [indices.size(), 1, window_samples]
  /// float on the CPU; in page-locked memory when `pin_memory` (which needs CUDA).
  std::pair<torch::Tensor, torch::Tensor> batch(const std::vector<int64_t>& indices,
                                                bool pin_memory = false) const;

 private:
  WindowOptions options_;
  std::vector<LoadedPair> files_;
  std::vector<WindowRef> windows_;
  LoadReport report_;
};

/// Window starts for a signal of `n_samples` (see PairedWindows); {0} when shorter than a
/// window.
std::vector<int64_t> window_offsets(int64_t n_samples, int64_t window_samples, int64_t hop_samples);

/// The order windows are visited in `epoch`: a permutation of 0..n_windows-1 that depends on
/// (seed, epoch) only, so a resumed run sees the same batches as an uninterrupted one.
std::vector<int64_t> epoch_order(int64_t n_windows, uint64_t seed, int64_t epoch);

}  // namespace rawgan::data
