#include "rawgan/train/loss_scaler.h"

#include <algorithm>

#include "rawgan/util/error.h"

namespace rawgan::train {

LossScaler::LossScaler(const LossScalerOptions& options)
    : options_(options), scale_(options.initial_scale) {}

torch::Tensor LossScaler::scale(const torch::Tensor& loss) const {
  return loss * scale_;
}

bool LossScaler::unscale(const std::vector<torch::Tensor>& parameters) const {
  const double inverse = 1.0 / scale_;
  std::vector<torch::Tensor> finite;
  for (const auto& parameter : parameters) {
    torch::Tensor grad = parameter.grad();
    if (!grad.defined()) continue;
    grad.mul_(inverse);
    finite.push_back(torch::isfinite(grad).all());
  }
  // One read for all parameters: each flag alone would wait for the device once per tensor.
  return finite.empty() || torch::stack(finite).all().item<bool>();
}

void LossScaler::update(bool gradients_finite) {
  if (!gradients_finite) {
    scale_ = std::max(1.0, scale_ * options_.backoff_factor);
    good_steps_ = 0;
    ++skipped_steps_;
    return;
  }
  if (++good_steps_ >= options_.growth_interval) {
    scale_ *= options_.growth_factor;
    good_steps_ = 0;
  }
}

torch::Tensor LossScaler::state() const {
  return torch::tensor(
      {scale_, static_cast<double>(good_steps_), static_cast<double>(skipped_steps_)},
      torch::kFloat64);
}

void LossScaler::load_state(const torch::Tensor& state) {
  if (state.numel() != 3) {
    throw InputError("loss scaler state: expected 3 values, got " + std::to_string(state.numel()));
  }
  auto values = state.to(torch::kCPU, torch::kFloat64).contiguous();
  const double* data = values.data_ptr<double>();
  scale_ = data[0];
  good_steps_ = static_cast<int64_t>(data[1]);
  skipped_steps_ = static_cast<int64_t>(data[2]);
}

}  // namespace rawgan::train
