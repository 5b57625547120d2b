// Making paired training data: clean speech plus noise at a chosen signal-to-noise ratio.
//
// SNR here is global over the whole file: 10 log10(sum s^2 / sum (g n)^2) dB for clean s and
// the scaled noise segment g n of the same length (no voice-activity weighting, like the
// VoiceBank-DEMAND recipe's file-level SNR).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "rawgan/audio/audio.h"

namespace rawgan::data {

/// `n_samples` of `noise` starting at `offset`, wrapping around to its start as often as
/// needed. `noise` must not be empty.
std::vector<float> noise_segment(const std::vector<float>& noise, int64_t offset,
                                 int64_t n_samples);

/// The gain g that puts `noise` at `snr_db` below `clean` (definition above). Both must have
/// energy; throws InputError otherwise.
double noise_gain_for_snr(const std::vector<float>& clean, const std::vector<float>& noise,
                          double snr_db);

/// The record mix_folders writes beside the noisy/ and clean/ folders it fills.
constexpr const char* kMixManifest = "mix.json";

/// SNRs mix_folders accepts, in dB.
constexpr double kMinSnrDb = -40;
constexpr double kMaxSnrDb = 100;
/// How far the SNR a written pair holds may lie from the one asked before mix_folders warns.
constexpr double kSnrToleranceDb = 0.1;

struct MixOptions {
  std::filesystem::path clean_dir;
  std::filesystem::path noise_dir;
  std::filesystem::path out_dir;  ///< receives noisy/ and clean/ with the same relative names
  std::vector<double> snrs_db = {0, 5, 10, 15};  ///< each in [kMinSnrDb, kMaxSnrDb]
  uint64_t seed = 0;
  /// Mixtures made of each clean file, each with its own noise file, segment and SNR.
  int64_t copies = 1;
  /// Encoding of both files of a pair. 16-bit files hold SNRs up to about 60 dB for speech at
  /// -20 dBFS (their rounding swamps a weaker noise); float32 holds any SNR accepted.
  audio::SampleFormat format = audio::SampleFormat::kPcm16;
};

struct MixReport {
  int64_t n_written = 0;     ///< pairs written
  int64_t n_skipped = 0;     ///< silent or empty clean files
  int64_t n_rescaled = 0;    ///< mixtures scaled down (both files alike) to avoid clipping
  int64_t n_unreadable = 0;  ///< clean or noise files that could not be read, skipped
  int64_t n_snr_off = 0;     ///< pairs whose samples hold another SNR than asked (see below)
};

/// For every clean file (recursive, sorted), `copies` times: picks a noise file, an offset and
/// an SNR from `snrs_db` with a generator seeded by `seed`; reads the noise at the clean
/// file's rate in mono (looped if shorter); writes out_dir/noisy/<rel>_<noise>_snr<S>.wav and
/// the clean file under the same name in out_dir/clean/ (mono, in `format`, the clean file's
/// rate); both folders are marked as mix's outputs first (audio::mark_output_folder). A pair
/// whose noise is a few quantisation steps or less is read back, and pairs that hold an SNR
/// more than kSnrToleranceDb from the one asked are counted in n_snr_off and summed up in one
/// warning that names the first.
/// Then writes out_dir/<kMixManifest>, a JSON record of each pair written (its clean source,
/// noise file, offset, SNR and scale), also when interrupted; pair_folders reads it so that the
/// copies of one recording are held out for validation together.
/// When the mixture would clip, noisy and clean are scaled by the same factor to a peak of
/// 0.99, keeping the SNR. A file that cannot be read is skipped with a warning naming it and
/// counted in n_unreadable. Throws InputError for missing or empty folders or when no noise
/// file is usable, UsageError for an empty SNR list, a non-finite SNR, or when out_dir/noisy or
/// out_dir/clean is, contains or lies inside clean_dir or noise_dir (checked before anything is
/// written: the outputs would land among the inputs, and a rerun would read them);
/// reports progress and stops with Interrupted on Ctrl-C.
MixReport mix_folders(const MixOptions& options);

}  // namespace rawgan::data
