// What a training command does about data parallelism, in three calls (see launcher.h and
// context.h for the parts):
//
//   if (auto code = dist::launch_if_requested(nproc)) return *code;   // --nproc N > 1
//   auto context = dist::join_job(device, timeout_s);   // torchrun variables, or one process
//   device = context->device();                         // cuda:LOCAL_RANK for "cuda"
#pragma once

#include <torch/torch.h>

#include <memory>
#include <optional>

#include "rawgan/dist/context.h"

namespace rawgan::dist {

/// `--nproc N`: with N > 1 this process becomes the launcher of N local ranks running the same
/// command line without --nproc, and the job's exit code is returned once they have all ended
/// (or Interrupted / RuntimeError is thrown, see launch_local). With N <= 1: nullopt, and the
/// caller goes on as a rank or as the only process.
std::optional<int> launch_if_requested(int n_processes);

/// Joins the job described by the environment (a single-process context without it), with
/// collectives that give up after `timeout_s` seconds. On ranks other than 0 the log is
/// lowered to warnings and errors, so that one rank speaks for the job.
std::unique_ptr<DistributedContext> join_job(torch::Device device, double timeout_s);

/// CPU threads for one process when the user chose none: the hardware threads shared among
/// the ranks of this machine (LOCAL_WORLD_SIZE when a launcher sets it, else WORLD_SIZE).
int threads_per_process(const DistributedContext& context);

}  // namespace rawgan::dist
