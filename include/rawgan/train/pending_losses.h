// Losses of training steps held as device tensors until they are read together. Reading a loss
// on CUDA (item(), or a copy to the host) waits for every kernel queued before it, so a trainer
// that read its losses every step would leave the GPU idle while the host queues the next step.
// Trainers queue each step's losses here and take them at logging intervals and before
// checkpoints: one copy for many steps, and the check that training has not diverged.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

namespace rawgan::train {

/// One step's losses as numbers, in the order of the names given to PendingLosses.
struct LossRow {
  int64_t step = 0;
  std::vector<double> values;
};

class PendingLosses {
 public:
  /// `names` describe the losses for error messages ("the generator's L1 loss"), in the order
  /// add() receives them. Once `max_on_device` steps are queued, add() reads them (one wait),
  /// so that a caller who takes rarely does not hold device tensors without bound.
  explicit PendingLosses(std::vector<std::string> names, size_t max_on_device = 256);

  /// Queues step `step`'s losses: 0-dimensional tensors on any one device, one per name.
  /// Throws std::invalid_argument for a count that does not match the names, and RuntimeError
  /// as take() does when it reads the queue.
  void add(int64_t step, std::vector<torch::Tensor> losses);

  /// Reads every queued loss with one copy to the host (waiting for the device), empties the
  /// queue and returns the rows in step order. Throws RuntimeError (require_finite in run.h)
  /// naming the first step and loss that is NaN or infinite; the queue is empty afterwards
  /// either way.
  std::vector<LossRow> take();

  /// Steps queued and not taken yet.
  size_t size() const { return read_.size() + steps_.size(); }
  bool empty() const { return size() == 0; }
  void clear();

 private:
  // Copies the device tensors into read_, checking them.
  void read();

  std::vector<std::string> names_;
  size_t max_on_device_;
  std::vector<LossRow> read_;          // read from the device, not taken yet
  std::vector<int64_t> steps_;         // still on the device
  std::vector<torch::Tensor> losses_;  // names_.size() per step in steps_, flattened
};

}  // namespace rawgan::train
