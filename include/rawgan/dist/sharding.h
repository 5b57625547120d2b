// Which training examples each rank of a data-parallel job reads.
//
// Every rank computes the same epoch order (a permutation that depends only on the seed and
// the epoch, never on the rank) and takes every world_size-th entry starting at its rank.
// Consequence used by the trainers: with a global batch of B = world_size * b examples, local
// batch k of every rank together are exactly entries [k * B, (k + 1) * B) of the epoch order,
// whatever world_size is. So a run gives the same global batches with 1 or N processes, and a
// checkpoint written by N processes resumes with M at the same data position (derived from
// the step alone).
#pragma once

#include <cstdint>
#include <vector>

namespace rawgan::dist {

/// A permutation of 0..n_items-1 that depends on (seed, epoch) only; the same on every
/// machine and standard library (its own generator and Fisher-Yates shuffle).
std::vector<int64_t> epoch_permutation(int64_t n_items, uint64_t seed, int64_t epoch);

/// Entries rank, rank + world_size, rank + 2 * world_size, ... of `order`. All shards have
/// ceil(n / world_size) entries: when world_size does not divide n, the order is padded by
/// repeating its first entries (as PyTorch's DistributedSampler does), so at most
/// world_size - 1 examples appear twice in an epoch. Throws UsageError for rank outside
/// [0, world_size) or world_size < 1.
std::vector<int64_t> shard_of(const std::vector<int64_t>& order, int rank, int world_size);

/// shard_of(epoch_permutation(n_items, seed, epoch), rank, world_size).
std::vector<int64_t> shard_indices(int64_t n_items, uint64_t seed, int64_t epoch, int rank,
                                   int world_size);

}  // namespace rawgan::dist
