#include "rawgan/train/pending_losses.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <utility>

#include "rawgan/train/run.h"

namespace rawgan::train {

PendingLosses::PendingLosses(std::vector<std::string> names, size_t max_on_device)
    : names_(std::move(names)), max_on_device_(std::max<size_t>(1, max_on_device)) {}

void PendingLosses::add(int64_t step, std::vector<torch::Tensor> losses) {
  if (losses.size() != names_.size()) {
    throw std::invalid_argument("PendingLosses::add: " + std::to_string(losses.size()) +
                                " losses for " + std::to_string(names_.size()) + " names");
  }
  steps_.push_back(step);
  for (auto& loss : losses)
    losses_.push_back(loss.detach().reshape({}).to(torch::kFloat));
  if (steps_.size() >= max_on_device_) read();
}

void PendingLosses::read() {
  if (steps_.empty()) return;
  std::vector<int64_t> steps;
  std::vector<torch::Tensor> losses;
  steps.swap(steps_);
  losses.swap(losses_);
  // Stacked on the device first, so that the copy to the host is a single transfer.
  const auto values = torch::stack(losses).to(torch::kCPU, torch::kFloat64).contiguous();
  const double* v = values.data_ptr<double>();
  const size_t width = names_.size();
  for (size_t i = 0; i < steps.size(); ++i) {
    LossRow row{steps[i], std::vector<double>(v + i * width, v + (i + 1) * width)};
    for (size_t j = 0; j < width; ++j) {
      if (std::isfinite(row.values[j])) continue;
      clear();
      require_finite(names_[j], row.values[j], row.step);
    }
    read_.push_back(std::move(row));
  }
}

std::vector<LossRow> PendingLosses::take() {
  read();
  std::vector<LossRow> rows;
  rows.swap(read_);
  return rows;
}

void PendingLosses::clear() {
  read_.clear();
  steps_.clear();
  losses_.clear();
}

}  // namespace rawgan::train
