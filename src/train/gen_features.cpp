#include "rawgan/train/gen_features.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "rawgan/dsp/stft.h"
#include "rawgan/util/error.h"

namespace rawgan::train {
namespace {

double hz_to_mel(double hz) {
  return 2595.0 * std::log10(1.0 + hz / 700.0);
}
double mel_to_hz(double mel) {
  return 700.0 * (std::pow(10.0, mel / 2595.0) - 1.0);
}

// Triangular filters [n_mels, n_bins] from 0 Hz to Nyquist, each peaking at 1 on its centre.
torch::Tensor mel_filters(const LogMelOptions& options, int n_bins, int fft_size) {
  const double top_mel = hz_to_mel(options.sample_rate_hz / 2.0);
  std::vector<double> edges_hz(options.n_mels + 2);
  for (size_t i = 0; i < edges_hz.size(); ++i)
    edges_hz[i] = mel_to_hz(top_mel * i / (options.n_mels + 1));
  auto filters = torch::zeros({options.n_mels, n_bins});
  auto f = filters.accessor<float, 2>();
  for (int m = 0; m < options.n_mels; ++m) {
    const double lo = edges_hz[m], centre = edges_hz[m + 1], hi = edges_hz[m + 2];
    for (int k = 0; k < n_bins; ++k) {
      const double hz = double(k) * options.sample_rate_hz / fft_size;
      const double rise = (hz - lo) / (centre - lo);
      const double fall = (hi - hz) / (hi - centre);
      f[m][k] = static_cast<float>(std::max(0.0, std::min(rise, fall)));
    }
  }
  return filters;
}

// Square root of a symmetric positive semi-definite matrix by eigendecomposition.
torch::Tensor sqrt_psd(const torch::Tensor& matrix) {
  auto symmetric = 0.5 * (matrix + matrix.transpose(0, 1));
  // The ATen operator: LibTorch 2.6 dropped the torch::linalg namespace (torch/linalg.h).
  auto [values, vectors] = torch::linalg_eigh(symmetric, "L");
  auto roots = values.clamp_min(0).sqrt();
  return vectors.matmul(torch::diag(roots)).matmul(vectors.transpose(0, 1));
}

}  // namespace

torch::Tensor log_mel_frames(const torch::Tensor& clips, const LogMelOptions& options) {
  if (clips.dim() != 2 || clips.size(0) == 0 || clips.size(1) == 0)
    throw UsageError("log-mel features: clips must be [n > 0, samples > 0], got " +
                     c10::str(clips.sizes()));
  dsp::StftOptions stft_options;
  stft_options.window_samples = options.window_samples;
  stft_options.hop_samples = options.hop_samples;
  const dsp::Stft stft(stft_options);
  const int n_bins = stft.n_bins();
  const int n_frames = stft.n_frames(clips.size(1));
  auto filters = mel_filters(options, n_bins, stft.fft_size());

  // A full-scale sine's power in its bin is (sum of window / 2)^2: that is 0 dB.
  double window_sum = 0;
  for (float w : stft.window())
    window_sum += w;
  const double reference_power = std::pow(window_sum / 2.0, 2);

  auto cpu = clips.detach().to(torch::kCPU, torch::kFloat).contiguous();
  auto power = torch::empty({clips.size(0), n_frames, n_bins});
  for (int64_t i = 0; i < clips.size(0); ++i) {
    const float* data = cpu[i].data_ptr<float>();
    auto spectrogram = stft.forward(std::vector<float>(data, data + clips.size(1)));
    float* out = power[i].data_ptr<float>();
    for (size_t j = 0; j < spectrogram.values.size(); ++j)
      out[j] = std::norm(spectrogram.values[j]) / reference_power;
  }
  auto mel = torch::matmul(power, filters.transpose(0, 1));
  return (10.0 * torch::log10(mel + 1e-20)).clamp_min(options.floor_db);
}

torch::Tensor clip_features(const torch::Tensor& frames, const LogMelOptions& options) {
  const int64_t n_frames = frames.size(1);
  const int64_t n_segments = std::min<int64_t>(options.n_segments, n_frames);
  std::vector<torch::Tensor> segments;
  for (int64_t s = 0; s < n_segments; ++s) {
    const int64_t begin = s * n_frames / n_segments;
    const int64_t end = (s + 1) * n_frames / n_segments;
    segments.push_back(frames.narrow(1, begin, end - begin).mean(1));
  }
  return torch::cat(segments, 1);
}

double diversity(const torch::Tensor& features) {
  const int64_t n = features.size(0);
  if (n < 2) return 0.0;
  auto x = features.to(torch::kDouble);
  auto distances = torch::cdist(x, x) / std::sqrt(double(features.size(1)));
  // The diagonal is zero, so the sum over all ordered pairs counts each pair twice.
  return distances.sum().item<double>() / double(n * (n - 1));
}

double clip_diversity(const torch::Tensor& clips, const LogMelOptions& options) {
  return diversity(clip_features(log_mel_frames(clips, options), options));
}

FeatureStats feature_stats(const torch::Tensor& observations) {
  auto rows = observations.reshape({-1, observations.size(-1)}).to(torch::kDouble);
  if (rows.size(0) < 2)
    throw UsageError("feature statistics need at least 2 observations, got " +
                     std::to_string(rows.size(0)));
  FeatureStats stats;
  stats.n = rows.size(0);
  stats.mean = rows.mean(0);
  auto centred = rows - stats.mean;
  stats.cov = centred.transpose(0, 1).matmul(centred) / double(stats.n - 1);
  return stats;
}

double frechet_distance(const FeatureStats& a, const FeatureStats& b) {
  if (a.mean.numel() != b.mean.numel())
    throw UsageError("Frechet distance: feature sizes differ (" + std::to_string(a.mean.numel()) +
                     " vs " + std::to_string(b.mean.numel()) + ")");
  const double mean_term = (a.mean - b.mean).pow(2).sum().item<double>();
  auto root_a = sqrt_psd(a.cov);
  auto cross = sqrt_psd(root_a.matmul(b.cov).matmul(root_a));
  const double trace_term = (a.cov.trace() + b.cov.trace() - 2.0 * cross.trace()).item<double>();
  return std::max(0.0, mean_term + trace_term);
}

}  // namespace rawgan::train
