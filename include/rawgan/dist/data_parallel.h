// The data-parallel side of a training loop, in the few calls a trainer needs: split each
// global batch among the ranks, start every replica from rank 0's weights, average gradients
// before each optimiser step, and agree on stopping. Trainers hold one DataParallel whether
// or not the job has several processes; without a context (or with one process) every call
// is an identity or a no-op, so the single-process path is unchanged.
//
// All calls but the const ones are collectives (see context.h): every rank makes them in the
// same order. Not thread-safe.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "rawgan/dist/context.h"
#include "rawgan/dist/gradients.h"

namespace rawgan::dist {

class DataParallel {
 public:
  /// `context` (may be null: one process) must outlive this object.
  explicit DataParallel(DistributedContext* context = nullptr,
                        GradientAveragerOptions options = {});
  ~DataParallel();

  bool is_distributed() const { return context_ && context_->is_distributed(); }
  /// Only the main rank logs, validates and writes checkpoints.
  bool is_main() const { return !context_ || context_->is_main(); }
  int rank() const { return context_ ? context_->rank() : 0; }
  int world_size() const { return context_ ? context_->world_size() : 1; }

  /// Checks that `global_batch` (the batch of one optimiser step over all ranks) splits evenly
  /// and returns the per-rank share; UsageError naming `option` otherwise.
  int64_t local_batch_size(int64_t global_batch, const std::string& option) const;

  /// This rank's share of one global batch: entries rank, rank + world_size, ... (see
  /// sharding.h: the union over ranks is the global batch, whatever the number of ranks).
  std::vector<int64_t> local_part(const std::vector<int64_t>& global_batch) const;

  /// Overwrites `module`'s parameters and buffers with rank 0's and prepares the averaging of
  /// its gradients. Call once per trained module, after any checkpoint was loaded.
  void add_module(torch::nn::Module& module);

  /// Before the last backward pass of `module`'s step: lets its gradients travel while
  /// backward runs. Optional; without it average_gradients sends everything afterwards.
  void prepare_backward(const torch::nn::Module& module);

  /// Replaces every gradient of `module` (given to add_module) by its mean over the ranks.
  void average_gradients(const torch::nn::Module& module);

  /// True on every rank when `flag` is true on any rank: ranks that saw Ctrl-C at different
  /// steps still stop after the same one.
  bool any(bool flag);

  /// Mean of `value` over the ranks (losses for the log).
  double mean(double value);

  void barrier();

 private:
  GradientAverager* averager_of(const torch::nn::Module& module);

  DistributedContext* context_;
  GradientAveragerOptions options_;
  std::vector<std::pair<const torch::nn::Module*, std::unique_ptr<GradientAverager>>> averagers_;
};

}  // namespace rawgan::dist
