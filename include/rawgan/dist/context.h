// Multi-process data-parallel training on LibTorch's own distributed engine (c10d).
//
// A job is N processes ("ranks") that each train a replica of the same model on their own
// shard of the data and average gradients before every optimiser step. Processes find each
// other the way PyTorch's torchrun starts them: environment variables RANK, WORLD_SIZE,
// LOCAL_RANK, MASTER_ADDR and MASTER_PORT. Rank 0 hosts a c10d TCPStore at
// MASTER_ADDR:MASTER_PORT where the ranks exchange their addresses (rendezvous); collectives
// then run over Gloo (CPU tensors) or NCCL (CUDA tensors, when LibTorch was built with it).
//
// Call order: create one DistributedContext per process before building the models; every
// rank must issue the same collectives in the same order. A collective that does not finish
// within `collective_timeout` (a rank died or hangs) throws RuntimeError naming the operation,
// so the job ends with a message instead of hanging.
//
// Not thread-safe: use a context from the thread that owns the training loop (the gradient
// averager's autograd hooks are the one documented exception, see gradients.h).
#pragma once

#include <torch/torch.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace rawgan::dist {

/// Where this process sits in the job, as read from the torchrun environment variables.
struct ProcessPlacement {
  int rank = 0;        ///< RANK: 0 .. world_size-1, unique in the job
  int world_size = 1;  ///< WORLD_SIZE: number of processes in the job
  int local_rank = 0;  ///< LOCAL_RANK: index among the processes of this machine (GPU index)
  std::string master_addr = "127.0.0.1";  ///< MASTER_ADDR: host of rank 0's store
  int master_port = 29500;                ///< MASTER_PORT: TCP port of rank 0's store
};

/// Reads RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR and MASTER_PORT from `env` (a snapshot of
/// the environment; see environment_snapshot). Without WORLD_SIZE (or with WORLD_SIZE=1) the
/// job is a single process. Throws UsageError naming the variable when one is malformed
/// (not an integer, out of range, RANK >= WORLD_SIZE) or when WORLD_SIZE > 1 comes without
/// RANK or MASTER_PORT. LOCAL_RANK defaults to RANK, MASTER_ADDR to 127.0.0.1.
ProcessPlacement placement_from_environment(const std::map<std::string, std::string>& env);

/// The five variables above, as found in this process's environment (absent ones left out).
std::map<std::string, std::string> environment_snapshot();

struct DistributedOptions {
  /// Longest wait for the rendezvous and for any one collective. A rank whose process died is
  /// noticed at once (its connections close); this bounds the wait for a rank that is alive
  /// but stuck. It must exceed the longest time one rank works alone (rank 0 validating and
  /// writing checkpoints while the others wait at the next collective), hence 5 minutes.
  std::chrono::milliseconds collective_timeout{std::chrono::seconds(300)};
  /// Device the model trains on. A CUDA device selects NCCL when this build has it.
  torch::Device device = torch::kCPU;
};

/// A collective launched without waiting (see DistributedContext::all_reduce_sum_async).
class PendingCollective {
 public:
  class Impl;
  PendingCollective();
  explicit PendingCollective(std::shared_ptr<Impl> impl);
  /// Blocks until the operation finished; throws RuntimeError on failure or after the
  /// context's collective timeout. A default-constructed (no-op) handle returns at once.
  void wait();

 private:
  std::shared_ptr<Impl> impl_;
};

class DistributedContext {
 public:
  /// A single-process context: every collective is a no-op, is_main() is true.
  DistributedContext();

  /// Joins the job described by `placement`: rank 0 starts the TCPStore, every rank connects
  /// and builds the process group. Blocks until all world_size ranks arrived, at most
  /// options.collective_timeout (then throws RuntimeError naming MASTER_ADDR:MASTER_PORT).
  /// With world_size 1 nothing is opened. Throws RuntimeError when this build lacks the
  /// backend the device needs.
  DistributedContext(const ProcessPlacement& placement, const DistributedOptions& options);

  /// Shorthand for DistributedContext(placement_from_environment(environment_snapshot()), o).
  static DistributedContext from_environment(const DistributedOptions& options);

  DistributedContext(DistributedContext&&) noexcept;
  DistributedContext& operator=(DistributedContext&&) noexcept;
  ~DistributedContext();

  int rank() const { return placement_.rank; }
  int world_size() const { return placement_.world_size; }
  int local_rank() const { return placement_.local_rank; }
  bool is_distributed() const { return placement_.world_size > 1; }
  /// True on rank 0, the one rank that logs, validates and writes checkpoints.
  bool is_main() const { return placement_.rank == 0; }
  /// "gloo", "nccl", or "none" for a single process.
  const std::string& backend_name() const { return backend_name_; }
  std::chrono::milliseconds collective_timeout() const { return options_.collective_timeout; }
  /// The device of this rank's collectives (cuda:LOCAL_RANK for a plain CUDA request).
  torch::Device device() const { return options_.device; }

  /// Blocks until every rank reached the same barrier.
  void barrier();

  /// Sums `tensor` in place over all ranks (same shape, dtype and device on every rank).
  void all_reduce_sum(torch::Tensor& tensor);
  /// Starts the same sum without waiting; `tensor` must stay alive and untouched until the
  /// returned handle's wait() returned.
  PendingCollective all_reduce_sum_async(torch::Tensor tensor);

  /// Overwrites `tensor` on every rank with rank `root_rank`'s values.
  void broadcast(torch::Tensor& tensor, int root_rank = 0);

 private:
  class Backend;
  ProcessPlacement placement_;
  DistributedOptions options_;
  std::string backend_name_ = "none";
  std::unique_ptr<Backend> backend_;
};

/// True when this build can run multi-process jobs on CPU tensors (c10d with Gloo).
bool gloo_available();
/// True when this build can run multi-process jobs on CUDA tensors with NCCL.
bool nccl_available();

/// The device rank `context` trains on: for a CUDA request without an index in a
/// multi-process job, cuda:LOCAL_RANK (one GPU per local process); otherwise `requested`.
torch::Device local_device(const DistributedContext& context, torch::Device requested);

}  // namespace rawgan::dist
