#include "rawgan/dist/context.h"

#include <cstdlib>
#include <sstream>

// c10d's backend headers compile only with the macros LibTorch itself was built with; they are
// defined here, after the shared precompiled header, so that the header is still reused.
#ifdef RAWGAN_WITH_GLOO
#ifndef USE_C10D_GLOO
#define USE_C10D_GLOO
#endif
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#endif
#ifdef RAWGAN_WITH_NCCL
#ifndef USE_C10D_NCCL
#define USE_C10D_NCCL
#endif
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/csrc/distributed/c10d/Work.hpp>

#include "rawgan/util/error.h"
#include "rawgan/util/log.h"

namespace rawgan::dist {

namespace {

const char* const kVariables[] = {"RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT"};

/// An integer environment variable in [min_value, max_value]; UsageError naming it otherwise.
int parse_variable(const std::string& name, const std::string& text, long min_value,
                   long max_value) {
  std::size_t used = 0;
  long value = 0;
  try {
    value = std::stol(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size() || value < min_value || value > max_value) {
    throw UsageError("environment variable " + name + "=\"" + text +
                     "\": expected an integer in [" + std::to_string(min_value) + ", " +
                     std::to_string(max_value) + "]");
  }
  return static_cast<int>(value);
}

/// c10::Error carries a long C++ backtrace in what(); the first line is the reason.
std::string reason_of(const std::exception& error) {
  if (const auto* c10_error = dynamic_cast<const c10::Error*>(&error))
    return c10_error->what_without_backtrace();
  return error.what();
}

bool is_loopback(const std::string& host) {
  return host == "localhost" || host.rfind("127.", 0) == 0 || host == "::1";
}

std::string seconds_text(std::chrono::milliseconds duration) {
  std::ostringstream out;
  out << duration.count() / 1000.0 << " s";
  return out.str();
}

}  // namespace

std::map<std::string, std::string> environment_snapshot() {
  std::map<std::string, std::string> env;
  for (const char* name : kVariables) {
    if (const char* value = std::getenv(name)) env[name] = value;
  }
  return env;
}

ProcessPlacement placement_from_environment(const std::map<std::string, std::string>& env) {
  ProcessPlacement placement;
  auto find = [&env](const char* name) -> const std::string* {
    auto it = env.find(name);
    return it == env.end() ? nullptr : &it->second;
  };
  const std::string* world_size = find("WORLD_SIZE");
  if (!world_size) return placement;
  placement.world_size = parse_variable("WORLD_SIZE", *world_size, 1, 65535);
  if (placement.world_size == 1) return placement;

  const std::string* rank = find("RANK");
  if (!rank)
    throw UsageError("environment variable RANK is missing (WORLD_SIZE is " + *world_size + ")");
  placement.rank = parse_variable("RANK", *rank, 0, placement.world_size - 1);
  placement.local_rank = placement.rank;
  if (const std::string* local_rank = find("LOCAL_RANK"))
    placement.local_rank = parse_variable("LOCAL_RANK", *local_rank, 0, placement.world_size - 1);

  if (const std::string* addr = find("MASTER_ADDR")) {
    if (addr->empty()) throw UsageError("environment variable MASTER_ADDR is empty");
    placement.master_addr = *addr;
  }
  const std::string* port = find("MASTER_PORT");
  if (!port) {
    throw UsageError("environment variable MASTER_PORT is missing (WORLD_SIZE is " + *world_size +
                     ")");
  }
  placement.master_port = parse_variable("MASTER_PORT", *port, 1, 65535);
  return placement;
}

bool gloo_available() {
#ifdef RAWGAN_WITH_GLOO
  return true;
#else
  return false;
#endif
}

bool nccl_available() {
#ifdef RAWGAN_WITH_NCCL
  return true;
#else
  return false;
#endif
}

/// The process group of a multi-process job: one of the c10d backends this build has.
class DistributedContext::Backend {
 public:
  c10::intrusive_ptr<c10d::Store> store;
#ifdef RAWGAN_WITH_GLOO
  c10::intrusive_ptr<c10d::ProcessGroupGloo> gloo;
#endif
#ifdef RAWGAN_WITH_NCCL
  c10::intrusive_ptr<c10d::ProcessGroupNCCL> nccl;
#endif

  c10::intrusive_ptr<c10d::Work> all_reduce(std::vector<at::Tensor>& tensors) {
#ifdef RAWGAN_WITH_NCCL
    if (nccl) return nccl->allreduce(tensors);
#endif
#ifdef RAWGAN_WITH_GLOO
    if (gloo) return gloo->allreduce(tensors);
#endif
    throw RuntimeError("no process group");
  }

  c10::intrusive_ptr<c10d::Work> broadcast(std::vector<at::Tensor>& tensors, int root_rank) {
    c10d::BroadcastOptions options;
    options.rootRank = root_rank;
#ifdef RAWGAN_WITH_NCCL
    if (nccl) return nccl->broadcast(tensors, options);
#endif
#ifdef RAWGAN_WITH_GLOO
    if (gloo) return gloo->broadcast(tensors, options);
#endif
    throw RuntimeError("no process group");
  }
};

class PendingCollective::Impl {
 public:
  c10::intrusive_ptr<c10d::Work> work;
  std::vector<at::Tensor> tensors;  // kept alive while the operation runs
  std::string what;                 // e.g. "all-reduce on rank 1 of 2"
  std::chrono::milliseconds timeout;
};

PendingCollective::PendingCollective() = default;
PendingCollective::PendingCollective(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

void PendingCollective::wait() {
  if (!impl_) return;
  auto impl = std::move(impl_);
  try {
    impl->work->wait(impl->timeout);
  } catch (const std::exception& error) {
    throw RuntimeError(impl->what + " failed: " + reason_of(error) +
                       " (another rank died, or stopped taking part for longer than the " +
                       "collective timeout of " + seconds_text(impl->timeout) +
                       "; its own message says why)");
  }
}

DistributedContext::DistributedContext() = default;
DistributedContext::DistributedContext(DistributedContext&&) noexcept = default;
DistributedContext& DistributedContext::operator=(DistributedContext&&) noexcept = default;
DistributedContext::~DistributedContext() = default;

DistributedContext DistributedContext::from_environment(const DistributedOptions& options) {
  return DistributedContext(placement_from_environment(environment_snapshot()), options);
}

DistributedContext::DistributedContext(const ProcessPlacement& placement,
                                       const DistributedOptions& options)
    : placement_(placement), options_(options) {
  if (placement.world_size <= 1) return;
  options_.device = local_device(*this, options.device);
  const bool want_nccl = options.device.is_cuda() && nccl_available();
  if (!want_nccl && !gloo_available()) {
    throw RuntimeError(
        "this build of rawgan cannot run multi-process jobs: LibTorch's Gloo backend needs "
        "Gloo's headers at configure time (Debian: libgloo-dev); WORLD_SIZE is " +
        std::to_string(placement.world_size));
  }
  if (options.device.is_cuda() && !want_nccl)
    log::warn("this build has no NCCL; CUDA tensors are averaged over Gloo (slower)");

  const std::string where = placement.master_addr + ":" + std::to_string(placement.master_port);
  backend_ = std::make_unique<Backend>();
  try {
    // Rank 0 serves the store; the others retry connecting until the timeout.
    c10d::TCPStoreOptions store_options;
    store_options.port = static_cast<std::uint16_t>(placement.master_port);
    store_options.isServer = placement.rank == 0;
    store_options.numWorkers = static_cast<std::size_t>(placement.world_size);
    store_options.waitWorkers = true;
    store_options.timeout = options.collective_timeout;
    backend_->store = c10::make_intrusive<c10d::TCPStore>(placement.master_addr, store_options);
  } catch (const std::exception& error) {
    throw RuntimeError("rank " + std::to_string(placement.rank) + " of " +
                       std::to_string(placement.world_size) + " could not meet the others at " +
                       "MASTER_ADDR:MASTER_PORT " + where + " within " +
                       seconds_text(options.collective_timeout) + ": " + reason_of(error));
  }

  try {
#ifdef RAWGAN_WITH_NCCL
    if (want_nccl) {
      // Without asynchronous error handling a timed-out NCCL collective blocks forever.
      setenv("NCCL_ASYNC_ERROR_HANDLING", "1", 0);
      setenv("TORCH_NCCL_ASYNC_ERROR_HANDLING", "1", 0);
      auto nccl_options = c10d::ProcessGroupNCCL::Options::create();
      nccl_options->timeout = options.collective_timeout;
      backend_->nccl = c10::make_intrusive<c10d::ProcessGroupNCCL>(
          backend_->store, placement.rank, placement.world_size, nccl_options);
      backend_name_ = "nccl";
    }
#endif
#ifdef RAWGAN_WITH_GLOO
    if (!want_nccl) {
      auto gloo_options = c10d::ProcessGroupGloo::Options::create(options.collective_timeout);
      // Same interface choice as PyTorch: GLOO_SOCKET_IFNAME, else the loopback for a local
      // job, else the address this machine's hostname resolves to.
      const char* interface = std::getenv("GLOO_SOCKET_IFNAME");
      if (interface && *interface) {
        gloo_options->devices.push_back(
            c10d::ProcessGroupGloo::createDeviceForInterface(interface));
      } else if (is_loopback(placement.master_addr)) {
        gloo_options->devices.push_back(
            c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
      } else {
        gloo_options->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
      }
      gloo_options->threads = 2;
      backend_->gloo = c10::make_intrusive<c10d::ProcessGroupGloo>(
          backend_->store, placement.rank, placement.world_size, gloo_options);
      backend_name_ = "gloo";
    }
#endif
  } catch (const std::exception& error) {
    throw RuntimeError(
        "rank " + std::to_string(placement.rank) + " of " + std::to_string(placement.world_size) +
        " could not build the process group (store at " + where + "): " + reason_of(error));
  }
  log::debug("rank ", placement.rank, " of ", placement.world_size, " joined over ", backend_name_,
             " (store at ", where, ")");
}

PendingCollective DistributedContext::all_reduce_sum_async(torch::Tensor tensor) {
  if (!backend_) return PendingCollective();
  auto impl = std::make_shared<PendingCollective::Impl>();
  impl->tensors = {std::move(tensor)};
  impl->what =
      "all-reduce on rank " + std::to_string(rank()) + " of " + std::to_string(world_size());
  impl->timeout = options_.collective_timeout;
  try {
    impl->work = backend_->all_reduce(impl->tensors);
  } catch (const std::exception& error) {
    throw RuntimeError(impl->what + " could not start: " + reason_of(error));
  }
  return PendingCollective(std::move(impl));
}

void DistributedContext::all_reduce_sum(torch::Tensor& tensor) {
  all_reduce_sum_async(tensor).wait();
}

void DistributedContext::broadcast(torch::Tensor& tensor, int root_rank) {
  if (!backend_) return;
  auto impl = std::make_shared<PendingCollective::Impl>();
  impl->tensors = {tensor};
  impl->what = "broadcast from rank " + std::to_string(root_rank) + " on rank " +
               std::to_string(rank()) + " of " + std::to_string(world_size());
  impl->timeout = options_.collective_timeout;
  try {
    impl->work = backend_->broadcast(impl->tensors, root_rank);
  } catch (const std::exception& error) {
    throw RuntimeError(impl->what + " could not start: " + reason_of(error));
  }
  PendingCollective(std::move(impl)).wait();
}

void DistributedContext::barrier() {
  if (!backend_) return;
  // An all-reduce of one element works the same on every backend and device.
  auto token = torch::ones({1}, torch::TensorOptions().device(options_.device));
  all_reduce_sum(token);
}

torch::Device local_device(const DistributedContext& context, torch::Device requested) {
  if (requested.is_cuda() && !requested.has_index() && context.is_distributed())
    return torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(context.local_rank()));
  return requested;
}

}  // namespace rawgan::dist
