// Training batches of paired windows, assembled ahead of the training loop on background
// threads.
//
// Which windows step s trains on is fixed by BatchSchedule: batch s % steps_per_epoch of epoch
// s / steps_per_epoch, in that epoch's seeded order (epoch_order). So the batches depend on
// (seed, step) only: a run resumed at step N sees the batches an uninterrupted run sees, and
// the background loader yields exactly what assembling them on the training thread would.
#pragma once

#include <torch/torch.h>

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "rawgan/data/windows.h"

namespace rawgan::data {

/// The windows of each step. Copyable; not thread-safe (it caches the current epoch's order),
/// so every thread uses its own copy.
class BatchSchedule {
 public:
  /// Throws UsageError when n_windows or batch_size is below 1.
  BatchSchedule(int64_t n_windows, int64_t batch_size, uint64_t seed);

  /// Whole batches per epoch (at least 1; a batch larger than the data wraps around it).
  int64_t steps_per_epoch() const { return steps_per_epoch_; }
  int64_t epoch_of(int64_t step) const { return step / steps_per_epoch_; }

  /// The batch_size window indices of `step` (>= 0), the global batch of all ranks.
  const std::vector<int64_t>& indices(int64_t step);

 private:
  int64_t n_windows_, batch_size_, steps_per_epoch_;
  uint64_t seed_;
  int64_t order_epoch_ = -1;
  std::vector<int64_t> order_;
  std::vector<int64_t> indices_;
};

/// One step's batch: noisy and clean windows [n, 1, window_samples], float32 on the CPU.
struct Batch {
  int64_t step = 0;
  torch::Tensor noisy, clean;
};

struct BatchLoaderOptions {
  /// Threads assembling batches; 0 assembles each batch on the caller's thread inside next().
  int n_threads = 1;
  /// Batches prepared ahead of the one next() returns, at most (the queue's bound, >= 1).
  int64_t n_ahead = 4;
  /// Allocate batches in page-locked memory, so that copies to a CUDA device can be
  /// asynchronous (Tensor::to(..., non_blocking = true)). Ignored when CUDA is not available.
  bool pin_memory = false;
  /// Picks this process's share of a global batch (e.g. dist::DataParallel::local_part); null:
  /// the whole batch. Called on the loader's threads, so it must be safe to call concurrently.
  std::function<std::vector<int64_t>(const std::vector<int64_t>&)> select;
};

/// Yields the batches of steps first_step, first_step + 1, ..., end_step - 1 in order.
///
/// `windows` must outlive the loader. The destructor stops the threads and joins them without
/// waiting for the rest of the epoch (at most the batches being assembled are finished), so
/// an exception or interrupt in the training loop never hangs on the loader. An exception
/// thrown while assembling the batch of step s is rethrown by the next() call for step s.
class BatchLoader {
 public:
  BatchLoader(const PairedWindows& windows, const BatchSchedule& schedule, int64_t first_step,
              int64_t end_step, BatchLoaderOptions options = {});
  ~BatchLoader();
  BatchLoader(const BatchLoader&) = delete;
  BatchLoader& operator=(const BatchLoader&) = delete;

  /// The next step's batch; waits for it when it is not ready. Throws RuntimeError after the
  /// last step. Call from one thread.
  Batch next();

  /// Whether every batch up to end_step has been returned.
  bool done() const { return next_step_ >= end_step_; }

 private:
  Batch assemble(BatchSchedule& schedule, int64_t step) const;
  void work();
  void stop();  // ends and joins the threads

  const PairedWindows& windows_;
  BatchSchedule schedule_;  // the caller's thread's copy (n_threads == 0)
  int64_t next_step_;       // the step next() returns
  int64_t end_step_;
  BatchLoaderOptions options_;

  std::mutex mutex_;
  std::condition_variable changed_;
  int64_t next_claim_;              // the step the next idle thread assembles
  std::map<int64_t, Batch> ready_;  // assembled batches by step
  int64_t failed_step_ = -1;        // the step whose assembly threw, or -1
  std::exception_ptr failure_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace rawgan::data
