#include "rawgan/train/gan_losses.h"

#include <algorithm>
#include <cmath>

#include "rawgan/train/run.h"
#include "rawgan/util/error.h"

namespace rawgan::train {
namespace {

// Keeps sqrt differentiable where the critic's gradient vanishes (see gradient_penalty).
constexpr double kNormEpsilon = 1e-12;

struct LossName {
  const char* name;
  GanLoss loss;
};

const LossName kLossNames[] = {
    {"wgan-gp", GanLoss::kWganGp},
    {"lsgan", GanLoss::kLeastSquares},
    {"nsgan", GanLoss::kNonSaturating},
    {"hinge", GanLoss::kHinge},
    {"began", GanLoss::kBegan},
    {"least-squares", GanLoss::kLeastSquares},
    {"non-saturating", GanLoss::kNonSaturating},
};

}  // namespace

std::vector<std::string> gan_loss_names() {
  return {"wgan-gp", "lsgan", "nsgan", "hinge", "began"};
}

GanLoss parse_gan_loss(const std::string& name) {
  for (const auto& entry : kLossNames) {
    if (name == entry.name) return entry.loss;
  }
  std::string names;
  for (const auto& known : gan_loss_names())
    names += (names.empty() ? "" : ", ") + known;
  throw UsageError("--loss: unknown loss '" + name + "'; expected one of " + names);
}

std::string gan_loss_name(GanLoss loss) {
  for (const auto& entry : kLossNames) {
    if (entry.loss == loss) return entry.name;
  }
  return "?";
}

torch::Tensor discriminator_loss(GanLoss loss, const torch::Tensor& real_scores,
                                 const torch::Tensor& fake_scores) {
  namespace F = torch::nn::functional;
  switch (loss) {
    case GanLoss::kWganGp:
      // The critic maximises E[D(x)] - E[D(G(z))]; the penalty is added by the caller.
      return fake_scores.mean() - real_scores.mean();
    case GanLoss::kLeastSquares:
      return 0.5 * ((real_scores - 1).pow(2).mean() + fake_scores.pow(2).mean());
    case GanLoss::kNonSaturating:
      // -log sigmoid(real) - log(1 - sigmoid(fake)), in the numerically stable softplus form.
      return F::softplus(-real_scores).mean() + F::softplus(fake_scores).mean();
    case GanLoss::kHinge:
      return torch::relu(1 - real_scores).mean() + torch::relu(1 + fake_scores).mean();
    case GanLoss::kBegan:
      break;
  }
  throw UsageError("discriminator_loss: BEGAN uses BeganBalance, not scores");
}

torch::Tensor generator_loss(GanLoss loss, const torch::Tensor& fake_scores) {
  namespace F = torch::nn::functional;
  switch (loss) {
    case GanLoss::kWganGp:
    case GanLoss::kHinge:
      return -fake_scores.mean();
    case GanLoss::kLeastSquares:
      return 0.5 * (fake_scores - 1).pow(2).mean();
    case GanLoss::kNonSaturating:
      return F::softplus(-fake_scores).mean();
    case GanLoss::kBegan:
      break;
  }
  throw UsageError("generator_loss: BEGAN uses BeganBalance, not scores");
}

torch::Tensor gradient_penalty(const std::function<torch::Tensor(const torch::Tensor&)>& critic,
                               const torch::Tensor& real, const torch::Tensor& fake,
                               double weight) {
  std::vector<int64_t> eps_shape(real.dim(), 1);
  eps_shape[0] = real.size(0);
  auto eps = to_device_async(torch::rand(eps_shape, torch::kFloat), real.device());
  auto mixed = (eps * real.detach() + (1 - eps) * fake.detach()).requires_grad_(true);
  auto scores = critic(mixed);
  auto gradient = torch::autograd::grad({scores.sum()}, {mixed}, /*grad_outputs=*/{},
                                        /*retain_graph=*/true, /*create_graph=*/true)[0];
  auto norm = (gradient.flatten(1).pow(2).sum(1) + kNormEpsilon).sqrt();
  return weight * (norm - 1).pow(2).mean();
}

BeganBalance::BeganBalance(BeganOptions options, double k) : options_(options), k_(k) {
  if (!(options_.gamma > 0 && options_.gamma <= 1))
    throw UsageError("BEGAN gamma must be in (0, 1], got " + std::to_string(options_.gamma));
  if (!(options_.lambda_k >= 0))
    throw UsageError("BEGAN lambda_k must be >= 0, got " + std::to_string(options_.lambda_k));
  k_ = std::clamp(k_, 0.0, 1.0);
}

torch::Tensor BeganBalance::energy(const torch::Tensor& input,
                                   const torch::Tensor& reconstruction) {
  return (input - reconstruction).abs().mean();
}

BeganLosses BeganBalance::losses(const torch::Tensor& real_energy,
                                 const torch::Tensor& fake_energy) const {
  return {real_energy - k_ * fake_energy, fake_energy};
}

double BeganBalance::update(double real_energy, double fake_energy) {
  if (!std::isfinite(real_energy) || !std::isfinite(fake_energy)) return m_global_;
  const double balance = options_.gamma * real_energy - fake_energy;
  k_ = std::clamp(k_ + options_.lambda_k * balance, 0.0, 1.0);
  m_global_ = real_energy + std::abs(balance);
  return m_global_;
}

}  // namespace rawgan::train
