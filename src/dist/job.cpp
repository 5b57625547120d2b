#include "rawgan/dist/job.h"

#include <algorithm>
#include <cstdlib>
#include <string>
#include <thread>

#include "rawgan/dist/launcher.h"
#include "rawgan/util/error.h"
#include "rawgan/util/log.h"

namespace rawgan::dist {

std::optional<int> launch_if_requested(int n_processes) {
  if (n_processes <= 1) return std::nullopt;
  LaunchOptions options;
  options.n_processes = n_processes;
  options.arguments = without_option(current_arguments(), "--nproc");
  return launch_local(options);
}

std::unique_ptr<DistributedContext> join_job(torch::Device device, double timeout_s) {
  if (!(timeout_s > 0)) {
    throw UsageError("--dist-timeout must be positive, got " + std::to_string(timeout_s));
  }
  DistributedOptions options;
  options.device = device;
  options.collective_timeout =
      std::chrono::milliseconds(static_cast<int64_t>(std::min(timeout_s, 1e9) * 1000.0));
  auto context = std::make_unique<DistributedContext>(
      placement_from_environment(environment_snapshot()), options);
  if (context->is_distributed()) {
    if (!context->is_main() && log::level() > log::Level::kWarn) log::set_level(log::Level::kWarn);
    log::info("data-parallel job of ", context->world_size(), " processes over ",
              context->backend_name(), "; rank 0 logs and writes checkpoints");
  }
  return context;
}

int threads_per_process(const DistributedContext& context) {
  int n_local = context.world_size();
  if (const char* local = std::getenv("LOCAL_WORLD_SIZE")) n_local = std::max(1, std::atoi(local));
  const int n_hardware = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  return std::max(1, n_hardware / n_local);
}

}  // namespace rawgan::dist
