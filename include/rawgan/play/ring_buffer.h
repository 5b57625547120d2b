// A lock-free single-producer/single-consumer ring buffer, the hand-over between an audio
// callback and a worker thread.
//
// Thread rules: exactly one thread calls `write` (and `n_writable`), exactly one other thread
// calls `read`/`discard` (and `n_readable`); neither blocks, locks or allocates, so both sides
// may run inside a real-time audio callback. All memory is allocated by the constructor.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <vector>

namespace rawgan::play {

template <typename T>
class SpscRing {
  static_assert(std::is_trivially_copyable_v<T>, "SpscRing holds plain values only");

 public:
  /// Holds at least `min_capacity` elements (rounded up to a power of two).
  explicit SpscRing(size_t min_capacity) {
    size_t capacity = 1;
    while (capacity < min_capacity)
      capacity *= 2;
    buffer_.resize(capacity);
    mask_ = capacity - 1;
  }

  size_t capacity() const { return buffer_.size(); }

  /// Elements the consumer can read now (a lower bound while the producer writes).
  size_t n_readable() const {
    return write_index_.load(std::memory_order_acquire) -
           read_index_.load(std::memory_order_relaxed);
  }

  /// Room the producer can fill now (a lower bound while the consumer reads).
  size_t n_writable() const {
    return capacity() - (write_index_.load(std::memory_order_relaxed) -
                         read_index_.load(std::memory_order_acquire));
  }

  /// Producer: appends up to `n` elements; returns how many fitted.
  size_t write(const T* values, size_t n) {
    const uint64_t write_at = write_index_.load(std::memory_order_relaxed);
    n = std::min(n, n_writable());
    for (size_t i = 0; i < n; ++i)
      buffer_[(write_at + i) & mask_] = values[i];
    write_index_.store(write_at + n, std::memory_order_release);
    return n;
  }

  /// Consumer: takes up to `n` elements in order; returns how many were taken.
  size_t read(T* values, size_t n) {
    const uint64_t read_at = read_index_.load(std::memory_order_relaxed);
    n = std::min(n, n_readable());
    for (size_t i = 0; i < n; ++i)
      values[i] = buffer_[(read_at + i) & mask_];
    read_index_.store(read_at + n, std::memory_order_release);
    return n;
  }

  /// Consumer: drops up to `n` elements unread; returns how many were dropped.
  size_t discard(size_t n) {
    n = std::min(n, n_readable());
    read_index_.store(read_index_.load(std::memory_order_relaxed) + n, std::memory_order_release);
    return n;
  }

 private:
  std::vector<T> buffer_;
  size_t mask_ = 0;
  // Monotonic counters (64 bits never wrap in practice); index & mask_ addresses the buffer.
  alignas(64) std::atomic<uint64_t> write_index_{0};
  alignas(64) std::atomic<uint64_t> read_index_{0};
};

}  // namespace rawgan::play
