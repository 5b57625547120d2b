#include "rawgan/metrics/metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <string>

#include "check.h"
#include "rawgan/dsp/stft.h"
#include "rawgan/metrics/stoi.h"

namespace rawgan::metrics {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
// numpy's float64 machine epsilon, as pysepm adds it.
constexpr double kEps = 2.220446049250313e-16;

// 10 log10(signal / error) with the limits documented in metrics.h.
double ratio_db(double signal_energy, double error_energy) {
  if (error_energy <= 0) return kInf;
  if (signal_energy <= 0) return -kInf;
  return 10.0 * std::log10(signal_energy / error_energy);
}

}  // namespace

double snr_db(const std::vector<float>& clean, const std::vector<float>& processed) {
  detail::require_equal_lengths(clean, processed, "SNR");
  double signal = 0;
  double error = 0;
  for (size_t i = 0; i < clean.size(); ++i) {
    const double s = clean[i];
    const double e = s - double(processed[i]);
    signal += s * s;
    error += e * e;
  }
  return ratio_db(signal, error);
}

double segmental_snr_db(const std::vector<float>& clean, const std::vector<float>& processed,
                        int sample_rate_hz, const SegmentalSnrOptions& options) {
  detail::require_equal_lengths(clean, processed, "segmental SNR");
  const int64_t frame = std::lround(options.frame_ms / 1000.0 * sample_rate_hz);
  const int64_t hop = static_cast<int64_t>(std::floor(frame * (1.0 - options.overlap)));
  const int64_t length = static_cast<int64_t>(clean.size());
  if (frame < 1 || hop < 1 || length < frame) return options.min_db;
  // comp_snr.m loops over frames 1 .. L/hop - N/hop, which leaves out the last full frame.
  const int64_t n_frames = (length - frame) / hop;
  if (n_frames < 1) return options.min_db;

  // MATLAB hanning(N): 0.5 (1 - cos(2 pi n / (N + 1))), n = 1..N.
  std::vector<double> window(frame);
  for (int64_t n = 0; n < frame; ++n)
    window[n] = 0.5 * (1.0 - std::cos(2.0 * M_PI * double(n + 1) / double(frame + 1)));

  double sum_db = 0;
  for (int64_t t = 0; t < n_frames; ++t) {
    double signal = 0;
    double error = 0;
    for (int64_t n = 0; n < frame; ++n) {
      const double s = window[n] * clean[t * hop + n];
      const double e = s - window[n] * processed[t * hop + n];
      signal += s * s;
      error += e * e;
    }
    const double db = 10.0 * std::log10(signal / (error + kEps) + kEps);
    sum_db += std::clamp(db, options.min_db, options.max_db);
  }
  return sum_db / double(n_frames);
}

double si_sdr_db(const std::vector<float>& clean, const std::vector<float>& processed) {
  detail::require_equal_lengths(clean, processed, "SI-SDR");
  const size_t n = clean.size();
  if (n == 0) return kInf;
  double mean_s = 0;
  double mean_x = 0;
  for (size_t i = 0; i < n; ++i) {
    mean_s += clean[i];
    mean_x += processed[i];
  }
  mean_s /= double(n);
  mean_x /= double(n);
  double dot = 0;
  double energy_s = 0;
  for (size_t i = 0; i < n; ++i) {
    dot += (processed[i] - mean_x) * (clean[i] - mean_s);
    energy_s += (clean[i] - mean_s) * (clean[i] - mean_s);
  }
  if (energy_s <= 0) return -kInf;

  // Project the estimate onto the reference: target = alpha s, residual = x - alpha s.
  const double alpha = dot / energy_s;
  double target = 0;
  double residual = 0;
  for (size_t i = 0; i < n; ++i) {
    const double t = alpha * (clean[i] - mean_s);
    const double r = (processed[i] - mean_x) - t;
    target += t * t;
    residual += r * r;
  }
  // A silent estimate holds nothing of the target: the worst score, not 0/0.
  if (target <= 0) return -kInf;
  return ratio_db(target, residual);
}

double log_spectral_distance_db(const std::vector<float>& clean,
                                const std::vector<float>& processed, int sample_rate_hz,
                                const LsdOptions& options) {
  detail::require_equal_lengths(clean, processed, "log-spectral distance");
  dsp::StftOptions stft_options;
  stft_options.window_samples =
      std::max(2, static_cast<int>(std::lround(options.frame_ms / 1000.0 * sample_rate_hz)));
  stft_options.hop_samples =
      std::clamp(static_cast<int>(std::lround(options.hop_ms / 1000.0 * sample_rate_hz)), 1,
                 stft_options.window_samples / 2);
  dsp::Stft stft(stft_options);
  const dsp::Spectrogram s = stft.forward(clean);
  const dsp::Spectrogram x = stft.forward(processed);

  constexpr double kPowerFloor = 1e-10;
  double sum = 0;
  for (int t = 0; t < s.n_frames; ++t) {
    double squares = 0;
    for (int k = 0; k < s.n_bins; ++k) {
      const double d = 10.0 * std::log10(std::norm(s.at(t, k)) + kPowerFloor) -
                       10.0 * std::log10(std::norm(x.at(t, k)) + kPowerFloor);
      squares += d * d;
    }
    sum += std::sqrt(squares / s.n_bins);
  }
  return sum / s.n_frames;
}

std::vector<double> MetricValues::as_vector() const {
  return {snr_db, segmental_snr_db, si_sdr_db, lsd_db, stoi, estoi};
}

const std::vector<std::string>& metric_names() {
  static const std::vector<std::string> names = {"snr", "ssnr", "si_sdr", "lsd", "stoi", "estoi"};
  return names;
}

std::vector<LengthProblem> length_problems(const std::vector<float>& clean, int sample_rate_hz) {
  const int64_t length = static_cast<int64_t>(clean.size());
  std::vector<LengthProblem> problems;
  // "3 samples at 16000 Hz, fewer than the 600 it needs (a 30 ms frame and a 7.5 ms hop)"
  auto too_few = [&](const char* metric, bool undefined, int64_t min_samples,
                     const std::string& what) {
    if (length >= min_samples) return;
    std::ostringstream reason;
    reason << length << " samples at " << sample_rate_hz << " Hz, fewer than the " << min_samples
           << " it needs (" << what << ")";
    problems.push_back({metric, undefined, min_samples, reason.str()});
  };
  auto ms = [](double value) {
    std::ostringstream text;
    text << value << " ms";
    return text.str();
  };
  too_few("snr", true, 1, "one sample");
  // With the mean removed and the scale fitted, two samples always match exactly (+inf).
  too_few("si_sdr", true, 3, "three, as the mean is removed and the scale fitted");

  // The framing of segmental_snr_db and log_spectral_distance_db with their defaults.
  const SegmentalSnrOptions ssnr;
  const int64_t frame = std::lround(ssnr.frame_ms / 1000.0 * sample_rate_hz);
  const int64_t hop = static_cast<int64_t>(std::floor(frame * (1.0 - ssnr.overlap)));
  too_few("ssnr", true, frame + hop,
          "a " + ms(ssnr.frame_ms) + " frame and a " + ms(ssnr.frame_ms * (1.0 - ssnr.overlap)) +
              " hop");
  const LsdOptions lsd;
  const int64_t lsd_frame =
      std::max<int64_t>(2, std::lround(lsd.frame_ms / 1000.0 * sample_rate_hz));
  too_few("lsd", false, lsd_frame,
          "one " + ms(lsd.frame_ms) + " frame, without which its frames are mostly zero padding");

  // A reference of digital silence has no signal to set noise against: SNR, SI-SDR and every
  // frame of segmental SNR would be -inf (or +inf for a silent output), which would swamp a mean
  // over files.
  const bool silent =
      length > 0 && std::all_of(clean.begin(), clean.end(), [](float x) { return x == 0.0f; });
  if (silent) {
    for (const char* metric : {"snr", "si_sdr", "ssnr"}) {
      const bool listed = std::any_of(problems.begin(), problems.end(),
                                      [&](const LengthProblem& p) { return p.metric == metric; });
      if (!listed)
        problems.push_back(
            {metric, true, length, "digital silence: no signal to set noise against"});
    }
  }

  // STOI's frames are those above its silence threshold, so a long but nearly silent file can
  // lack them too.
  const int64_t n_stoi_frames = stoi_frames(clean, sample_rate_hz);
  if (n_stoi_frames < kStoiMinFrames) {
    const int64_t min_samples = stoi_min_samples(sample_rate_hz);
    std::ostringstream reason;
    if (length < min_samples) {
      reason << length << " samples at " << sample_rate_hz << " Hz, fewer than the " << min_samples
             << " it needs (" << kStoiMinFrames
             << " frames of 25.6 ms at a 12.8 ms hop, at 10 kHz)";
    } else if (std::all_of(clean.begin(), clean.end(), [](float x) { return x == 0.0f; })) {
      reason << "digital silence: none of its frames is above the silence threshold, fewer than "
             << "the " << kStoiMinFrames << " it needs";
    } else {
      reason << n_stoi_frames << " of its frames are above the silence threshold (40 dB under "
             << "the loudest frame), fewer than the " << kStoiMinFrames << " it needs";
    }
    for (const char* metric : {"stoi", "estoi"})
      problems.push_back({metric, true, min_samples, reason.str()});
  }
  return problems;
}

MetricValues compute_all(const std::vector<float>& clean, const std::vector<float>& processed,
                         int sample_rate_hz) {
  detail::require_equal_lengths(clean, processed, "metrics");
  const double kUndefined = std::numeric_limits<double>::quiet_NaN();
  std::vector<std::string> undefined;
  for (const LengthProblem& problem : length_problems(clean, sample_rate_hz))
    if (problem.undefined) undefined.push_back(problem.metric);
  auto defined = [&undefined](const char* metric) {
    return std::find(undefined.begin(), undefined.end(), metric) == undefined.end();
  };

  MetricValues values;
  values.snr_db = defined("snr") ? snr_db(clean, processed) : kUndefined;
  values.segmental_snr_db =
      defined("ssnr") ? segmental_snr_db(clean, processed, sample_rate_hz) : kUndefined;
  values.si_sdr_db = defined("si_sdr") ? si_sdr_db(clean, processed) : kUndefined;
  values.lsd_db = log_spectral_distance_db(clean, processed, sample_rate_hz);
  values.stoi = defined("stoi") ? stoi(clean, processed, sample_rate_hz) : kUndefined;
  values.estoi = defined("estoi") ? estoi(clean, processed, sample_rate_hz) : kUndefined;
  return values;
}

}  // namespace rawgan::metrics
