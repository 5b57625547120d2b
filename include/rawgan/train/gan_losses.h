// Adversarial losses for the generation models (WaveGAN, SpecGAN), selectable by name.
//
// Scores are the discriminator's raw outputs [batch, 1] (a critic value for WGAN-GP, a logit
// otherwise). Each function returns a scalar to minimise. BEGAN works on reconstruction errors
// instead of scores (see BeganBalance).
#pragma once

#include <torch/torch.h>

#include <functional>
#include <string>
#include <vector>

namespace rawgan::train {

enum class GanLoss {
  kWganGp,         ///< Wasserstein critic with gradient penalty (Gulrajani et al. 2017)
  kLeastSquares,   ///< LSGAN, a-b-c = 0-1-1 (Mao et al. 2017, eq. 9)
  kNonSaturating,  ///< Goodfellow et al. 2014, with -log D(G(z)) for G (section 3)
  kHinge,          ///< hinge loss (Lim & Ye 2017; Miyato et al. 2018)
  kBegan,          ///< BEGAN with an autoencoder discriminator (Berthelot et al. 2017)
};

/// "wgan-gp", "lsgan", "nsgan", "hinge", "began" (also "least-squares", "non-saturating").
/// Throws UsageError listing the names otherwise.
GanLoss parse_gan_loss(const std::string& name);
std::string gan_loss_name(GanLoss loss);
std::vector<std::string> gan_loss_names();

/// The discriminator's loss from its scores on real and generated batches (not for kBegan).
torch::Tensor discriminator_loss(GanLoss loss, const torch::Tensor& real_scores,
                                 const torch::Tensor& fake_scores);

/// The generator's loss from the discriminator's scores on generated data (not for kBegan).
torch::Tensor generator_loss(GanLoss loss, const torch::Tensor& fake_scores);

/// WGAN-GP's penalty (Gulrajani et al. 2017, Algorithm 1): weight * mean over the batch of
/// (||grad_x critic(x_hat)||_2 - 1)^2 at x_hat = eps * real + (1 - eps) * fake, eps ~ U[0, 1]
/// per example (drawn from the global CPU generator). The norm is sqrt(sum g^2 + 1e-12), so the
/// penalty and its own gradient stay finite where the critic's gradient is zero (plain sqrt
/// has an infinite derivative at 0). `real` and `fake` have equal shapes [batch, ...]; the
/// result keeps the graph for backward into the critic.
torch::Tensor gradient_penalty(const std::function<torch::Tensor(const torch::Tensor&)>& critic,
                               const torch::Tensor& real, const torch::Tensor& fake,
                               double weight = 10.0);

/// BEGAN's equilibrium control (Berthelot et al. 2017, section 3.4, eqs. 4-5).
struct BeganOptions {
  double gamma = 0.5;       ///< diversity ratio E[L(G(z))] / E[L(x)], in (0, 1]
  double lambda_k = 0.001;  ///< proportional gain of k_t
};

struct BeganLosses {
  torch::Tensor discriminator;  ///< L(x) - k_t L(G(z))
  torch::Tensor generator;      ///< L(G(z))
};

class BeganBalance {
 public:
  explicit BeganBalance(BeganOptions options = {}, double k = 0.0);

  /// The L1 autoencoder energy L(v) = mean |v - D(v)| (BEGAN eq. 1 with eta = 1).
  static torch::Tensor energy(const torch::Tensor& input, const torch::Tensor& reconstruction);

  /// Both losses for this step with the current k_t; `real_energy` is L(x), `fake_energy`
  /// L(G(z)) (scalars, with graphs).
  BeganLosses losses(const torch::Tensor& real_energy, const torch::Tensor& fake_energy) const;

  /// After the optimiser steps: k_{t+1} = clamp(k_t + lambda_k (gamma L(x) - L(G(z))), 0, 1),
  /// and M_global = L(x) + |gamma L(x) - L(G(z))| (eq. 6), returned and kept. Non-finite
  /// energies leave k_t unchanged.
  double update(double real_energy, double fake_energy);

  double k() const { return k_; }
  double m_global() const { return m_global_; }
  const BeganOptions& options() const { return options_; }

 private:
  BeganOptions options_;
  double k_;
  double m_global_ = 0;
};

}  // namespace rawgan::train
