#include "rawgan/dist/sharding.h"

#include <algorithm>
#include <string>
#include <utility>

#include "rawgan/util/error.h"

namespace rawgan::dist {

namespace {

/// SplitMix64 (Steele, Lea and Flood 2014): a tiny generator whose output is fixed by its
/// definition, unlike std::shuffle and std::uniform_int_distribution, which differ between
/// standard libraries.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  /// Uniform in [0, bound) without modulo bias (rejection of the incomplete last block).
  uint64_t below(uint64_t bound) {
    const uint64_t limit = ~uint64_t{0} - (~uint64_t{0} % bound);
    uint64_t value = next();
    while (value >= limit)
      value = next();
    return value % bound;
  }

 private:
  uint64_t state_;
};

}  // namespace

std::vector<int64_t> epoch_permutation(int64_t n_items, uint64_t seed, int64_t epoch) {
  std::vector<int64_t> order(static_cast<size_t>(std::max<int64_t>(n_items, 0)));
  for (size_t i = 0; i < order.size(); ++i)
    order[i] = static_cast<int64_t>(i);
  // Mixing the epoch through one generator step keeps (seed, epoch) pairs apart.
  SplitMix64 random(SplitMix64(seed ^ 0x5DEECE66Dull).next() + static_cast<uint64_t>(epoch));
  for (size_t i = order.size(); i > 1; --i)
    std::swap(order[i - 1], order[random.below(i)]);
  return order;
}

std::vector<int64_t> shard_of(const std::vector<int64_t>& order, int rank, int world_size) {
  if (world_size < 1 || rank < 0 || rank >= world_size) {
    throw UsageError("shard: rank " + std::to_string(rank) + " is outside [0, " +
                     std::to_string(world_size) + ")");
  }
  if (order.empty()) return {};
  const size_t n = order.size();
  const size_t per_rank = (n + world_size - 1) / world_size;
  std::vector<int64_t> shard;
  shard.reserve(per_rank);
  for (size_t k = 0; k < per_rank; ++k) {
    const size_t position = k * world_size + rank;
    shard.push_back(order[position % n]);  // positions past the end wrap to the start
  }
  return shard;
}

std::vector<int64_t> shard_indices(int64_t n_items, uint64_t seed, int64_t epoch, int rank,
                                   int world_size) {
  return shard_of(epoch_permutation(n_items, seed, epoch), rank, world_size);
}

}  // namespace rawgan::dist
