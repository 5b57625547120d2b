#include "rawgan/dist/data_parallel.h"

#include "rawgan/dist/sharding.h"
#include "rawgan/util/error.h"

namespace rawgan::dist {

DataParallel::DataParallel(DistributedContext* context, GradientAveragerOptions options)
    : context_(context), options_(options) {}

DataParallel::~DataParallel() = default;

int64_t DataParallel::local_batch_size(int64_t global_batch, const std::string& option) const {
  const int n = world_size();
  if (global_batch < n || global_batch % n != 0) {
    throw UsageError(option + " " + std::to_string(global_batch) +
                     " is the batch of all processes together and must be a multiple of " +
                     "their number, " + std::to_string(n));
  }
  return global_batch / n;
}

std::vector<int64_t> DataParallel::local_part(const std::vector<int64_t>& global_batch) const {
  if (!is_distributed()) return global_batch;
  return shard_of(global_batch, rank(), world_size());
}

void DataParallel::add_module(torch::nn::Module& module) {
  if (!is_distributed()) return;
  broadcast_module(*context_, module);
  averagers_.emplace_back(
      &module, std::make_unique<GradientAverager>(*context_, module.parameters(), options_));
}

GradientAverager* DataParallel::averager_of(const torch::nn::Module& module) {
  for (auto& [known, averager] : averagers_) {
    if (known == &module) return averager.get();
  }
  throw RuntimeError("DataParallel: gradients of module '" + module.name() +
                     "' were not registered with add_module");
}

void DataParallel::prepare_backward(const torch::nn::Module& module) {
  if (is_distributed()) averager_of(module)->prepare_backward();
}

void DataParallel::average_gradients(const torch::nn::Module& module) {
  if (is_distributed()) averager_of(module)->average();
}

bool DataParallel::any(bool flag) {
  if (!is_distributed()) return flag;
  auto count =
      torch::full({1}, flag ? 1.0f : 0.0f, torch::TensorOptions().device(context_->device()));
  context_->all_reduce_sum(count);
  return count.cpu().item<float>() > 0.0f;
}

double DataParallel::mean(double value) {
  return is_distributed() ? mean_over_ranks(*context_, value) : value;
}

void DataParallel::barrier() {
  if (is_distributed()) context_->barrier();
}

}  // namespace rawgan::dist
