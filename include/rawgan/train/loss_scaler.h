// Dynamic loss scaling for float16 training (Micikevicius et al. 2018, "Mixed Precision
// Training", sec. 3.2): the loss is multiplied by a large scale before backward so that small
// gradients do not flush to zero in float16; the gradients are divided by it again before the
// optimiser step. A step whose gradients overflowed (inf or NaN) is skipped and the scale
// halved; after `growth_interval` good steps in a row the scale doubles.
//
// Call order per step: backward(scale(loss)), then unscale(parameters) (true: step the
// optimiser), then update(that result). Not thread-safe.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace rawgan::train {

struct LossScalerOptions {
  double initial_scale = 65536.0;  ///< 2^16, as common float16 recipes start
  double growth_factor = 2.0;      ///< applied after growth_interval good steps
  double backoff_factor = 0.5;     ///< applied after a step with overflowing gradients
  int64_t growth_interval = 2000;  ///< good steps in a row before the scale grows
};

class LossScaler {
 public:
  explicit LossScaler(const LossScalerOptions& options = {});

  /// loss * scale (any device, any shape).
  torch::Tensor scale(const torch::Tensor& loss) const;

  /// Divides every defined gradient of `parameters` by the scale in place and returns whether
  /// all of them are finite. Reads one flag from the device (a host synchronisation).
  bool unscale(const std::vector<torch::Tensor>& parameters) const;

  /// Adjusts the scale after a step: halves it when `gradients_finite` is false (never below
  /// 1), multiplies it by growth_factor after growth_interval finite steps in a row.
  void update(bool gradients_finite);

  double current_scale() const { return scale_; }
  int64_t good_steps() const { return good_steps_; }
  int64_t skipped_steps() const { return skipped_steps_; }

  /// {scale, good steps, skipped steps} as a float64 tensor, for checkpoints.
  torch::Tensor state() const;
  /// Restores what state() returned; throws InputError when it has the wrong shape.
  void load_state(const torch::Tensor& state);

 private:
  LossScalerOptions options_;
  double scale_;
  int64_t good_steps_ = 0;
  int64_t skipped_steps_ = 0;
};

}  // namespace rawgan::train
