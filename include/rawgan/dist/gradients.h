// Keeping model replicas identical across the ranks of a data-parallel job: the same initial
// weights everywhere (broadcast from rank 0) and, before every optimiser step, the gradients
// averaged over all ranks with bucketed all-reduce.
//
// Every function here is a collective: all ranks call it in the same order with models of the
// same structure (same parameter order, shapes and dtypes). In a single-process context each
// is a no-op that leaves the tensors as they are.
#pragma once

#include <torch/torch.h>

#include <memory>
#include <vector>

#include "rawgan/dist/context.h"

namespace rawgan::dist {

/// Overwrites every parameter and buffer of `module` (recursively, in registration order) with
/// rank 0's values, so that all replicas start from the same weights. Tensors of one dtype and
/// device travel as one flat buffer.
void broadcast_module(DistributedContext& context, torch::nn::Module& module);

/// The same for a list of tensors (e.g. optimiser state), from `root_rank`.
void broadcast_tensors(DistributedContext& context, const std::vector<torch::Tensor>& tensors,
                       int root_rank = 0);

/// Mean of `value` over all ranks (for logging a loss that every rank computed on its shard).
double mean_over_ranks(DistributedContext& context, double value);

struct GradientAveragerOptions {
  /// Gradients travel in flat buckets of about this size: large enough that per-message costs
  /// vanish, small enough that the first buckets can be sent while backward still runs.
  double bucket_mb = 25.0;
  /// Send each bucket from an autograd hook as soon as all its gradients exist (only after
  /// prepare_backward()); when false, every bucket is sent by average().
  bool overlap_backward = true;
};

/// Averages the gradients of a fixed set of parameters (those with requires_grad) over all
/// ranks. Buckets hold parameters in reverse registration order, roughly the order backward
/// produces their gradients, and are always sent in bucket order so that all ranks issue the
/// same collectives in the same order.
///
/// Per optimiser step:
///   optimizer.zero_grad();            // as usual
///   ... earlier backward passes of this step, if any ...
///   averager.prepare_backward();      // optional: overlap the all-reduce with this backward
///   loss.backward();
///   averager.average();               // every .grad now holds the mean over ranks
///   optimizer.step();
///
/// With prepare_backward(), a parameter's hook copies its final local gradient (what .grad
/// will hold after this backward: the earlier value plus the new contribution) into its
/// bucket, and a bucket whose gradients are all present is all-reduced asynchronously while
/// backward goes on. A parameter that received no gradient in that backward is taken from
/// .grad (zero when undefined) by average(). Hooks of an averager that is not prepared do
/// nothing, so gradients that flow into these parameters during another model's step (a
/// discriminator's during the generator's step) cost nothing and are not sent.
///
/// After average() every parameter has a defined .grad (zero where no rank produced one).
/// `context` must outlive the averager. Hooks run on autograd's threads; the averager guards
/// its state with a mutex. Not copyable.
class GradientAverager {
 public:
  GradientAverager(DistributedContext& context, const std::vector<torch::Tensor>& parameters,
                   GradientAveragerOptions options = {});
  ~GradientAverager();
  GradientAverager(const GradientAverager&) = delete;
  GradientAverager& operator=(const GradientAverager&) = delete;

  /// Arms the hooks for the next backward pass (collective order is fixed, so call it on every
  /// rank or on none). No-op in a single-process context or with overlap_backward false.
  void prepare_backward();

  /// Sends what was not sent yet, waits for every bucket, and writes the mean gradient into
  /// each parameter's .grad. Throws RuntimeError when a rank died or the collective timed out.
  void average();

  int n_buckets() const;

  class State;

 private:
  DistributedContext* context_;
  std::shared_ptr<State> state_;
};

}  // namespace rawgan::dist
