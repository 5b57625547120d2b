#include "rawgan/metrics/stoi.h"

#include <algorithm>
#include <cmath>
#include <complex>

#include "check.h"
#include "rawgan/audio/audio.h"
#include "rawgan/dsp/fft.h"

namespace rawgan::metrics {
namespace {

// Taal et al. 2011, sec. II-C and pystoi's constants.
constexpr int kRateHz = 10000;
constexpr int kFrame = 256;
constexpr int kHop = kFrame / 2;
constexpr int kFft = 512;
constexpr int kBins = kFft / 2 + 1;
constexpr int kBands = 15;
constexpr double kLowestCentreHz = 150;
constexpr int kSegmentFrames = kStoiMinFrames;
constexpr double kBetaDb = -15;
constexpr double kDynamicRangeDb = 40;
constexpr double kEps = 2.220446049250313e-16;

using Matrix = std::vector<std::vector<double>>;  // [row][column]

// MATLAB hanning(256): 0.5 (1 - cos(2 pi n / 257)), n = 1..256.
const std::vector<double>& analysis_window() {
  static const std::vector<double> window = [] {
    std::vector<double> w(kFrame);
    for (int n = 0; n < kFrame; ++n)
      w[n] = 0.5 * (1.0 - std::cos(2.0 * M_PI * (n + 1) / (kFrame + 1)));
    return w;
  }();
  return window;
}

std::vector<double> to_10khz(const std::vector<float>& signal, int sample_rate_hz) {
  audio::Audio audio{signal, sample_rate_hz, 1};
  if (sample_rate_hz != kRateHz) audio = audio::resample(audio, kRateHz);
  return std::vector<double>(audio.samples.begin(), audio.samples.end());
}

// Frame starts 0, hop, ... strictly below length - frame, as pystoi's range() gives.
int64_t count_frames(size_t length) {
  if (length <= size_t(kFrame)) return 0;
  return (int64_t(length) - kFrame + kHop - 1) / kHop;
}

// Drops frames whose clean energy is more than 40 dB below the loudest one and overlap-adds
// the remaining windowed frames of both signals (Taal et al. 2011, sec. II-C). A frame of
// digital silence is dropped too: in an all-zero reference every frame is as loud as the
// loudest, so pystoi keeps them all and scores a signal with nothing to understand.
void remove_silent_frames(std::vector<double>& clean, std::vector<double>& processed) {
  const std::vector<double>& w = analysis_window();
  const int64_t n_frames = count_frames(clean.size());
  std::vector<double> energy_db(n_frames);
  std::vector<bool> digital_silence(n_frames);
  for (int64_t t = 0; t < n_frames; ++t) {
    double energy = 0;
    for (int n = 0; n < kFrame; ++n) {
      const double v = w[n] * clean[t * kHop + n];
      energy += v * v;
    }
    energy_db[t] = 20.0 * std::log10(std::sqrt(energy) + kEps);
    digital_silence[t] = energy == 0;
  }
  const double max_db =
      energy_db.empty() ? 0 : *std::max_element(energy_db.begin(), energy_db.end());

  std::vector<int64_t> kept;
  for (int64_t t = 0; t < n_frames; ++t)
    if (!digital_silence[t] && energy_db[t] - max_db + kDynamicRangeDb > 0) kept.push_back(t);
  const size_t length = kept.empty() ? 0 : (kept.size() - 1) * kHop + kFrame;
  std::vector<double> clean_out(length, 0.0);
  std::vector<double> processed_out(length, 0.0);
  for (size_t j = 0; j < kept.size(); ++j)
    for (int n = 0; n < kFrame; ++n) {
      clean_out[j * kHop + n] += w[n] * clean[kept[j] * kHop + n];
      processed_out[j * kHop + n] += w[n] * processed[kept[j] * kHop + n];
    }
  clean = std::move(clean_out);
  processed = std::move(processed_out);
}

// Band edges as FFT bins [first, last) of each one-third octave band (pystoi thirdoct): edges
// 150 * 2^((2k -+ 1) / 6) Hz rounded to the nearest bin.
const std::vector<std::pair<int, int>>& band_bins() {
  static const std::vector<std::pair<int, int>> bands = [] {
    auto nearest_bin = [](double hz) {
      int best = 0;
      for (int k = 1; k < kBins; ++k)
        if (std::abs(k * double(kRateHz) / kFft - hz) <
            std::abs(best * double(kRateHz) / kFft - hz))
          best = k;
      return best;
    };
    std::vector<std::pair<int, int>> result;
    for (int k = 0; k < kBands; ++k)
      result.emplace_back(nearest_bin(kLowestCentreHz * std::pow(2.0, (2.0 * k - 1) / 6)),
                          nearest_bin(kLowestCentreHz * std::pow(2.0, (2.0 * k + 1) / 6)));
    return result;
  }();
  return bands;
}

// One-third octave band envelopes [band][frame] (Taal et al. 2011, eq. 1).
Matrix band_envelopes(const std::vector<double>& signal) {
  const std::vector<double>& w = analysis_window();
  const dsp::RealFft& fft = dsp::RealFft::get(kFft);
  const int64_t n_frames = count_frames(signal.size());
  Matrix envelopes(kBands, std::vector<double>(n_frames));
  std::vector<float> frame(kFft, 0.0f);
  std::vector<std::complex<float>> spectrum(kBins);
  std::vector<double> power(kBins);
  for (int64_t t = 0; t < n_frames; ++t) {
    for (int n = 0; n < kFrame; ++n)
      frame[n] = static_cast<float>(w[n] * signal[t * kHop + n]);
    fft.forward(frame.data(), spectrum.data());
    for (int k = 0; k < kBins; ++k)
      power[k] = std::norm(std::complex<double>(spectrum[k]));
    for (int b = 0; b < kBands; ++b) {
      double sum = 0;
      for (int k = band_bins()[b].first; k < band_bins()[b].second; ++k)
        sum += power[k];
      envelopes[b][t] = std::sqrt(sum);
    }
  }
  return envelopes;
}

// Subtracts the mean and scales to unit norm (plus eps, so a flat vector stays finite).
void normalise(std::vector<double>& v) {
  double mean = 0;
  for (double x : v)
    mean += x;
  mean /= double(v.size());
  double norm = 0;
  for (double& x : v) {
    x -= mean;
    norm += x * x;
  }
  norm = std::sqrt(norm) + kEps;
  for (double& x : v)
    x /= norm;
}

double dot(const std::vector<double>& a, const std::vector<double>& b) {
  double sum = 0;
  for (size_t i = 0; i < a.size(); ++i)
    sum += a[i] * b[i];
  return sum;
}

double norm2(const std::vector<double>& v) {
  return std::sqrt(dot(v, v));
}

// The 15 x 30 segment ending before frame `end`, one row per band.
Matrix segment(const Matrix& envelopes, int64_t end) {
  Matrix result(kBands);
  for (int b = 0; b < kBands; ++b)
    result[b].assign(envelopes[b].begin() + (end - kSegmentFrames), envelopes[b].begin() + end);
  return result;
}

// Taal et al. 2011, eq. 3-5: scale the processed band envelope to the clean one's energy, clip
// it at (1 + 10^(-beta/20)) times the clean envelope, and correlate.
double stoi_segment(const Matrix& x, const Matrix& y) {
  const double clip = 1.0 + std::pow(10.0, -kBetaDb / 20.0);
  double sum = 0;
  for (int b = 0; b < kBands; ++b) {
    const double scale = norm2(x[b]) / (norm2(y[b]) + kEps);
    std::vector<double> clean_row = x[b];
    std::vector<double> clipped(kSegmentFrames);
    for (int n = 0; n < kSegmentFrames; ++n)
      clipped[n] = std::min(y[b][n] * scale, x[b][n] * clip);
    normalise(clipped);
    normalise(clean_row);
    sum += dot(clean_row, clipped);
  }
  return sum;
}

// Jensen & Taal 2016, sec. III: normalise rows (bands over time), then columns (frames over
// bands); returns the sum of the column correlations of the segment.
double estoi_segment(Matrix x, Matrix y) {
  for (int b = 0; b < kBands; ++b) {
    normalise(x[b]);
    normalise(y[b]);
  }
  double sum = 0;
  std::vector<double> x_column(kBands);
  std::vector<double> y_column(kBands);
  for (int n = 0; n < kSegmentFrames; ++n) {
    for (int b = 0; b < kBands; ++b) {
      x_column[b] = x[b][n];
      y_column[b] = y[b][n];
    }
    normalise(x_column);
    normalise(y_column);
    sum += dot(x_column, y_column);
  }
  return sum;
}

double intelligibility(const std::vector<float>& clean, const std::vector<float>& processed,
                       int sample_rate_hz, bool extended) {
  detail::require_equal_lengths(clean, processed, extended ? "ESTOI" : "STOI");
  std::vector<double> x = to_10khz(clean, sample_rate_hz);
  std::vector<double> y = to_10khz(processed, sample_rate_hz);
  remove_silent_frames(x, y);
  const Matrix x_env = band_envelopes(x);
  const Matrix y_env = band_envelopes(y);
  const int64_t n_frames = x_env[0].size();
  if (n_frames < kSegmentFrames) return 1e-5;  // pystoi's value for too short signals

  double sum = 0;
  const int64_t n_segments = n_frames - kSegmentFrames + 1;
  for (int64_t end = kSegmentFrames; end <= n_frames; ++end) {
    const Matrix xs = segment(x_env, end);
    const Matrix ys = segment(y_env, end);
    sum += extended ? estoi_segment(xs, ys) / kSegmentFrames : stoi_segment(xs, ys) / kBands;
  }
  return sum / double(n_segments);
}

}  // namespace

int64_t stoi_frames(const std::vector<float>& clean, int sample_rate_hz) {
  std::vector<double> x = to_10khz(clean, sample_rate_hz);
  std::vector<double> unused = x;
  remove_silent_frames(x, unused);
  return count_frames(x.size());
}

int64_t stoi_min_samples(int sample_rate_hz) {
  // With no frame silent, the n frames count_frames finds overlap-add to a signal in which it
  // finds n - 1 (its bound is strict), so 30 frames need more than 256 + 30 * 128 samples.
  const int64_t min_samples_10khz = kFrame + int64_t(kSegmentFrames) * kHop + 1;
  if (sample_rate_hz == kRateHz) return min_samples_10khz;
  // audio::resample makes round(n * 10000 / rate) samples, which reaches the minimum m from
  // n >= (m - 1/2) rate / 10000.
  const int64_t numerator = (2 * min_samples_10khz - 1) * int64_t(sample_rate_hz);
  return (numerator + 2 * kRateHz - 1) / (2 * kRateHz);
}

double stoi(const std::vector<float>& clean, const std::vector<float>& processed,
            int sample_rate_hz) {
  return intelligibility(clean, processed, sample_rate_hz, false);
}

double estoi(const std::vector<float>& clean, const std::vector<float>& processed,
             int sample_rate_hz) {
  return intelligibility(clean, processed, sample_rate_hz, true);
}

}  // namespace rawgan::metrics
