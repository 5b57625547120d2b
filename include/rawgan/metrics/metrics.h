// Objective speech-quality metrics comparing a processed signal with its clean reference.
//
// All functions take mono signals of equal length (throw InputError naming both lengths
// otherwise), nominally in [-1, 1], compute in double precision, and are thread-safe.
// Parameters follow the reference implementations named in ../shared/data/reference-metrics.json
// so that values can be compared with published results.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace rawgan::metrics {

/// 10 log10(sum s^2 / sum (s - x)^2) in dB; +infinity when the signals are identical,
/// -infinity when the clean signal is all zeros but the processed one is not, NaN never
/// (0 / 0 is reported as +infinity: nothing to get wrong).
double snr_db(const std::vector<float>& clean, const std::vector<float>& processed);

/// Segmental SNR as in Loizou's comp_snr.m (and pysepm.SNRseg): frames of frame_ms with
/// `overlap`, a MATLAB hanning(N) window on both signals, per-frame
/// 10 log10(E_s / (E_e + eps) + eps) clamped to [min_db, max_db], arithmetic mean; all
/// floor((L - N) / hop) full frames, silent ones included. Returns min_db when the signal is
/// shorter than two frames.
struct SegmentalSnrOptions {
  double frame_ms = 30;
  double overlap = 0.75;
  double min_db = -10;
  double max_db = 35;
};
double segmental_snr_db(const std::vector<float>& clean, const std::vector<float>& processed,
                        int sample_rate_hz, const SegmentalSnrOptions& options = {});

/// Scale-invariant SDR (Le Roux et al., "SDR - half-baked or well done?", ICASSP 2019, eq. 1)
/// after removing each signal's mean; +infinity when the processed signal is an exact multiple
/// of the clean one, -infinity when the clean signal is constant.
double si_sdr_db(const std::vector<float>& clean, const std::vector<float>& processed);

/// Log-spectral distance in dB: the mean over frames of the RMS over bins of
/// 10 log10(|S|^2 + eps) - 10 log10(|X|^2 + eps), from a periodic-Hann STFT of frame_ms with
/// hop_ms (centred framing, rawgan::dsp::Stft), eps = 1e-10 on the unnormalised FFT of
/// samples in [-1, 1] (about -100 dB, so digital silence does not dominate). 0 for identical
/// signals.
struct LsdOptions {
  double frame_ms = 32;
  double hop_ms = 8;
};
double log_spectral_distance_db(const std::vector<float>& clean,
                                const std::vector<float>& processed, int sample_rate_hz,
                                const LsdOptions& options = {});

/// A metric of compute_all that a signal is too short for.
struct LengthProblem {
  std::string metric;   ///< as in metric_names()
  bool undefined;       ///< true: nothing to measure, compute_all gives NaN; false: computed,
                        ///< but it means little
  int64_t min_samples;  ///< the shortest length (at the signal's rate) without the problem
  std::string reason;   ///< e.g. "3 samples at 16000 Hz, fewer than the 600 it needs (a 30 ms
                        ///< frame and a 7.5 ms hop)"
};

/// The metrics of compute_all that a clean reference of this length is too short for:
///  - snr: undefined for an empty signal; si_sdr: below 2 samples (its mean is removed, which
///    leaves nothing of one sample);
///  - ssnr: undefined below one frame plus one hop (comp_snr.m then has no frame; the function
///    returns min_db);
///  - lsd: means little below one frame (its only frames are mostly zero padding);
///  - stoi, estoi: undefined when fewer than kStoiMinFrames frames remain after silent-frame
///    removal (the functions return pystoi's 1e-5), which a long but nearly or digitally silent
///    signal can cause too; min_samples is the length that gives 30 frames when none is silent.
/// Empty for signals long enough for all of them.
std::vector<LengthProblem> length_problems(const std::vector<float>& clean, int sample_rate_hz);

/// Every metric of one pair, in the order of metric_names().
struct MetricValues {
  double snr_db = 0;
  double segmental_snr_db = 0;
  double si_sdr_db = 0;
  double lsd_db = 0;
  double stoi = 0;
  double estoi = 0;

  std::vector<double> as_vector() const;
};

/// Short names used as table headers and JSON keys: snr, ssnr, si_sdr, lsd, stoi, estoi.
const std::vector<std::string>& metric_names();

/// Computes every metric with its default parameters; those that length_problems() calls
/// undefined for `clean` are NaN.
MetricValues compute_all(const std::vector<float>& clean, const std::vector<float>& processed,
                         int sample_rate_hz);

}  // namespace rawgan::metrics
