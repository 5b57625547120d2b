#include "rawgan/data/batch_loader.h"

#include <algorithm>
#include <string>

#include "rawgan/util/error.h"

namespace rawgan::data {

BatchSchedule::BatchSchedule(int64_t n_windows, int64_t batch_size, uint64_t seed)
    : n_windows_(n_windows), batch_size_(batch_size), seed_(seed) {
  if (n_windows < 1 || batch_size < 1) {
    throw UsageError(
        "batch schedule: needs at least one window and a batch size of at least 1, "
        "got " +
        std::to_string(n_windows) + " windows, batch size " + std::to_string(batch_size));
  }
  steps_per_epoch_ = std::max<int64_t>(1, n_windows_ / batch_size_);
  indices_.resize(static_cast<size_t>(batch_size_));
}

const std::vector<int64_t>& BatchSchedule::indices(int64_t step) {
  const int64_t epoch = epoch_of(step);
  const int64_t b = step % steps_per_epoch_;
  if (epoch != order_epoch_) {
    order_ = epoch_order(n_windows_, seed_, epoch);
    order_epoch_ = epoch;
  }
  // A batch larger than the data wraps around the epoch's order.
  for (int64_t k = 0; k < batch_size_; ++k)
    indices_[k] = order_[(b * batch_size_ + k) % n_windows_];
  return indices_;
}

BatchLoader::BatchLoader(const PairedWindows& windows, const BatchSchedule& schedule,
                         int64_t first_step, int64_t end_step, BatchLoaderOptions options)
    : windows_(windows),
      schedule_(schedule),
      next_step_(first_step),
      end_step_(end_step),
      options_(std::move(options)),
      next_claim_(first_step) {
  if (options_.n_threads < 0) {
    throw UsageError("loader_threads must not be negative, got " +
                     std::to_string(options_.n_threads));
  }
  options_.n_ahead = std::max<int64_t>(1, options_.n_ahead);
  options_.pin_memory = options_.pin_memory && torch::cuda::is_available();
  try {
    for (int i = 0; i < options_.n_threads; ++i)
      threads_.emplace_back([this] { work(); });
  } catch (...) {
    stop();  // a thread that could not start: join the others before giving up
    throw;
  }
}

BatchLoader::~BatchLoader() {
  stop();
}

void BatchLoader::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  for (auto& thread : threads_)
    if (thread.joinable()) thread.join();
}

Batch BatchLoader::assemble(BatchSchedule& schedule, int64_t step) const {
  const std::vector<int64_t>& global = schedule.indices(step);
  Batch batch;
  batch.step = step;
  std::tie(batch.noisy, batch.clean) =
      windows_.batch(options_.select ? options_.select(global) : global, options_.pin_memory);
  return batch;
}

void BatchLoader::work() {
  BatchSchedule schedule = schedule_;
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    // Claim the next step once the queue has room; stop at the end or after a failure.
    changed_.wait(lock, [this] {
      return stopping_ || failure_ || next_claim_ >= end_step_ ||
             next_claim_ < next_step_ + options_.n_ahead;
    });
    if (stopping_ || failure_ || next_claim_ >= end_step_) return;
    const int64_t step = next_claim_++;
    lock.unlock();

    Batch batch;
    std::exception_ptr failure;
    try {
      batch = assemble(schedule, step);
    } catch (...) {
      failure = std::current_exception();
    }

    lock.lock();
    if (failure) {
      if (!failure_ || step < failed_step_) {
        failure_ = failure;
        failed_step_ = step;
      }
    } else {
      ready_.emplace(step, std::move(batch));
    }
    changed_.notify_all();
  }
}

Batch BatchLoader::next() {
  if (done()) {
    throw RuntimeError("batch loader: no batch after step " + std::to_string(end_step_ - 1));
  }
  if (threads_.empty()) return assemble(schedule_, next_step_++);

  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [this] {
    return ready_.count(next_step_) > 0 || (failure_ && failed_step_ == next_step_);
  });
  auto found = ready_.find(next_step_);
  if (found == ready_.end()) std::rethrow_exception(failure_);
  Batch batch = std::move(found->second);
  ready_.erase(found);
  ++next_step_;
  lock.unlock();
  changed_.notify_all();
  return batch;
}

}  // namespace rawgan::data
