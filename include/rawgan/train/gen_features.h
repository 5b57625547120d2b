// Features that make a generator's diversity (and mode collapse) visible, used by the
// generation trainer's log and by `rawgan eval-gen`.
//
// Log-mel frames: each clip's STFT (Hann window, dsp layer) is pooled into `n_mels` triangular
// bands on the mel scale (HTK formula, 2595 log10(1 + f / 700)) and expressed in dB relative to
// a full-scale sine, floored at `floor_db`.
//
// Diversity: each clip is summarised by its log-mel frames averaged over `n_segments` equal
// stretches of time (n_segments x n_mels values, so the envelope counts, not only the
// spectrum); the diversity of a set is the mean over all pairs of clips of the RMS difference
// of these vectors, in dB. Identical clips give 0; a collapsed generator scores far below the
// real clips it learns from.
//
// Frechet distance: the mean and covariance of all log-mel frames of a set (each frame one
// n_mels-dimensional observation), compared as in the Frechet Inception Distance:
// |mu_a - mu_b|^2 + tr(C_a + C_b - 2 (C_a^1/2 C_b C_a^1/2)^1/2), in dB^2. The matrix square
// roots use the symmetric eigendecomposition (linalg_eigh) in double precision, with
// negative eigenvalues of round-off clamped to zero.
#pragma once

#include <torch/torch.h>

#include <cstdint>

namespace rawgan::train {

struct LogMelOptions {
  int sample_rate_hz = 16000;
  int window_samples = 512;
  int hop_samples = 256;
  int n_mels = 40;
  double floor_db = -100.0;
  int n_segments = 8;
};

/// clips [n, samples] (any device; computed on the CPU) -> [n, frames, n_mels] in dB.
torch::Tensor log_mel_frames(const torch::Tensor& clips, const LogMelOptions& options = {});

/// [n, frames, n_mels] -> [n, n_segments * n_mels]: frames averaged over equal stretches.
torch::Tensor clip_features(const torch::Tensor& frames, const LogMelOptions& options = {});

/// Mean pairwise RMS distance (dB) of feature rows [n, d]; 0 when n < 2.
double diversity(const torch::Tensor& features);

/// Diversity of clips [n, samples]: log_mel_frames, clip_features, diversity in one call.
double clip_diversity(const torch::Tensor& clips, const LogMelOptions& options = {});

struct FeatureStats {
  torch::Tensor mean;  ///< [d], double
  torch::Tensor cov;   ///< [d, d], double, unbiased
  int64_t n = 0;       ///< observations
};

/// Statistics of the rows of [n, d] (or of every frame of [n, frames, d]).
FeatureStats feature_stats(const torch::Tensor& observations);

/// The Frechet distance between two Gaussians (see the header comment); >= 0.
double frechet_distance(const FeatureStats& a, const FeatureStats& b);

}  // namespace rawgan::train
