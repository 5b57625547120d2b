#include "rawgan/dist/gradients.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

#include "rawgan/util/error.h"

namespace rawgan::dist {

namespace {

/// Indices of `tensors` grouped by (dtype, device), each group in the original order.
std::vector<std::vector<size_t>> group_by_kind(const std::vector<torch::Tensor>& tensors) {
  std::map<std::tuple<int, int, int>, size_t> group_of;
  std::vector<std::vector<size_t>> groups;
  for (size_t i = 0; i < tensors.size(); ++i) {
    const auto& t = tensors[i];
    std::tuple<int, int, int> key{static_cast<int>(t.scalar_type()),
                                  static_cast<int>(t.device().type()),
                                  static_cast<int>(t.device().index())};
    auto [it, inserted] = group_of.emplace(key, groups.size());
    if (inserted) groups.emplace_back();
    groups[it->second].push_back(i);
  }
  return groups;
}

}  // namespace

void broadcast_tensors(DistributedContext& context, const std::vector<torch::Tensor>& tensors,
                       int root_rank) {
  if (!context.is_distributed() || tensors.empty()) return;
  torch::NoGradGuard no_grad;
  for (const auto& group : group_by_kind(tensors)) {
    std::vector<torch::Tensor> flat_parts;
    for (size_t i : group)
      flat_parts.push_back(tensors[i].detach().reshape({-1}));
    auto flat = torch::cat(flat_parts);
    context.broadcast(flat, root_rank);
    int64_t offset = 0;
    for (size_t i : group) {
      auto tensor = tensors[i];
      const int64_t n = tensor.numel();
      tensor.copy_(flat.narrow(0, offset, n).view_as(tensor));
      offset += n;
    }
  }
}

void broadcast_module(DistributedContext& context, torch::nn::Module& module) {
  std::vector<torch::Tensor> tensors = module.parameters();
  for (const auto& buffer : module.buffers())
    tensors.push_back(buffer);
  broadcast_tensors(context, tensors, 0);
}

double mean_over_ranks(DistributedContext& context, double value) {
  if (!context.is_distributed()) return value;
  auto sum = torch::tensor({value}, torch::TensorOptions(torch::kFloat64).device(context.device()));
  context.all_reduce_sum(sum);
  return sum.cpu().item<double>() / context.world_size();
}

/// What the hooks and average() share. Hooks hold a weak pointer, so a hook that outlives the
/// averager (it stays registered on the parameter until removed) does nothing.
class GradientAverager::State {
 public:
  struct Bucket {
    std::vector<size_t> members;  // parameter indices, in bucket order
    torch::Tensor flat;           // local gradients, then their mean
    int n_missing = 0;            // members whose gradient has not arrived yet
    bool sent = false;
    PendingCollective pending;
  };

  State(DistributedContext& context, std::vector<torch::Tensor> parameters, double bucket_mb)
      : context(context), parameters(std::move(parameters)) {
    make_buckets(bucket_mb);
  }

  void make_buckets(double bucket_mb) {
    // Reverse registration order: backward produces the last layer's gradients first.
    std::vector<torch::Tensor> reversed(parameters.rbegin(), parameters.rend());
    const auto bucket_bytes = static_cast<int64_t>(std::max(bucket_mb, 1e-6) * 1024 * 1024);
    bucket_of.assign(parameters.size(), 0);
    offset_of.assign(parameters.size(), 0);
    for (const auto& group : group_by_kind(reversed)) {
      bool start_new = true;  // buckets never mix dtypes or devices
      int64_t bytes = 0;
      int64_t n_elements = 0;
      for (size_t r : group) {
        const size_t i = parameters.size() - 1 - r;
        const auto& p = parameters[i];
        const int64_t p_bytes = p.numel() * static_cast<int64_t>(p.element_size());
        if (start_new || (bytes > 0 && bytes + p_bytes > bucket_bytes)) {
          buckets.emplace_back();
          bytes = 0;
          n_elements = 0;
          start_new = false;
        }
        bucket_of[i] = buckets.size() - 1;
        offset_of[i] = n_elements;
        buckets.back().members.push_back(i);
        bytes += p_bytes;
        n_elements += p.numel();
      }
    }
    for (auto& bucket : buckets) {
      int64_t n = 0;
      for (size_t m : bucket.members)
        n += parameters[m].numel();
      const auto& first = parameters[bucket.members.front()];
      bucket.flat = torch::zeros({n}, first.options().requires_grad(false));
    }
    reset();
  }

  void reset() {
    for (auto& bucket : buckets) {
      bucket.n_missing = static_cast<int>(bucket.members.size());
      bucket.sent = false;
    }
    arrived.assign(parameters.size(), false);
    next_to_send = 0;
    armed = false;
    late = false;
  }

  torch::Tensor slot(size_t i) {
    return buckets[bucket_of[i]].flat.narrow(0, offset_of[i], parameters[i].numel());
  }

  /// Autograd hook body: `incoming` is this backward's gradient for parameter i, which
  /// AccumulateGrad will add to .grad right after the hook returns.
  void on_gradient(size_t i, const torch::Tensor& incoming) {
    std::lock_guard<std::mutex> lock(mutex);
    if (!armed) return;
    torch::NoGradGuard no_grad;
    auto& bucket = buckets[bucket_of[i]];
    if (bucket.sent) {
      late = true;
      return;
    }
    auto target = slot(i);
    if (arrived[i]) {
      target.add_(incoming.reshape({-1}));
      return;
    }
    target.copy_(incoming.reshape({-1}));
    const auto& existing = parameters[i].grad();
    if (existing.defined()) target.add_(existing.reshape({-1}));
    arrived[i] = true;
    --bucket.n_missing;
    send_ready_buckets();
  }

  void send_ready_buckets() {
    while (next_to_send < buckets.size() && buckets[next_to_send].n_missing == 0)
      send(next_to_send++);
  }

  void send(size_t b) {
    auto& bucket = buckets[b];
    bucket.sent = true;
    bucket.pending = context.all_reduce_sum_async(bucket.flat);
  }

  /// Copies .grad (zero when undefined) of every parameter that has not arrived through a hook.
  void fill_missing(Bucket& bucket) {
    for (size_t i : bucket.members) {
      if (arrived[i]) continue;
      const auto& grad = parameters[i].grad();
      if (grad.defined()) {
        slot(i).copy_(grad.reshape({-1}));
      } else {
        slot(i).zero_();
      }
      arrived[i] = true;
    }
    bucket.n_missing = 0;
  }

  DistributedContext& context;
  std::vector<torch::Tensor> parameters;
  std::vector<Bucket> buckets;
  std::vector<size_t> bucket_of;
  std::vector<int64_t> offset_of;
  std::vector<bool> arrived;
  size_t next_to_send = 0;
  bool armed = false;
  bool late = false;
  std::mutex mutex;
  std::vector<unsigned> hook_ids;
};

GradientAverager::GradientAverager(DistributedContext& context,
                                   const std::vector<torch::Tensor>& parameters,
                                   GradientAveragerOptions options)
    : context_(&context) {
  std::vector<torch::Tensor> trained;
  for (const auto& p : parameters) {
    if (p.requires_grad()) trained.push_back(p);
  }
  if (!context.is_distributed() || trained.empty()) return;
  state_ = std::make_shared<State>(context, std::move(trained), options.bucket_mb);
  if (!options.overlap_backward) return;
  std::weak_ptr<State> weak = state_;
  for (size_t i = 0; i < state_->parameters.size(); ++i) {
    state_->hook_ids.push_back(
        state_->parameters[i].register_hook([weak, i](const torch::Tensor& grad) {
          if (auto state = weak.lock()) state->on_gradient(i, grad);
        }));
  }
}

GradientAverager::~GradientAverager() {
  if (!state_) return;
  for (size_t i = 0; i < state_->hook_ids.size(); ++i)
    state_->parameters[i].remove_hook(state_->hook_ids[i]);
}

int GradientAverager::n_buckets() const {
  return state_ ? static_cast<int>(state_->buckets.size()) : 0;
}

void GradientAverager::prepare_backward() {
  if (!state_ || state_->hook_ids.empty()) return;
  std::lock_guard<std::mutex> lock(state_->mutex);
  state_->reset();
  state_->armed = true;
}

void GradientAverager::average() {
  if (!state_) return;
  auto& state = *state_;
  std::unique_lock<std::mutex> lock(state.mutex);
  torch::NoGradGuard no_grad;
  const bool late = state.late;
  if (!state.armed) state.reset();
  state.armed = false;

  // Buckets go out strictly in order, so that every rank issues the same sequence.
  for (size_t b = state.next_to_send; b < state.buckets.size(); ++b) {
    state.fill_missing(state.buckets[b]);
    state.send(b);
  }
  state.next_to_send = state.buckets.size();
  lock.unlock();

  const double inverse_world = 1.0 / context_->world_size();
  for (auto& bucket : state.buckets) {
    bucket.pending.wait();
    bucket.flat.mul_(inverse_world);
    for (size_t i : bucket.members) {
      auto& parameter = state.parameters[i];
      auto mean = state.slot(i).view_as(parameter);
      if (parameter.grad().defined()) {
        parameter.mutable_grad().copy_(mean);
      } else {
        parameter.mutable_grad() = mean.clone();
      }
    }
  }
  state.reset();
  if (late) {
    throw RuntimeError(
        "a gradient arrived after its bucket had been sent: call prepare_backward() only "
        "before the last backward pass of an optimiser step");
  }
}

}  // namespace rawgan::dist
