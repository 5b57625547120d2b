#include "rawgan/train/segan_losses.h"

namespace rawgan::train {

torch::Tensor lsgan_real_loss(const torch::Tensor& real_logits) {
  return 0.5 * (real_logits - 1).pow(2).mean();
}

torch::Tensor lsgan_fake_loss(const torch::Tensor& fake_logits) {
  return 0.5 * fake_logits.pow(2).mean();
}

torch::Tensor lsgan_generator_loss(const torch::Tensor& fake_logits) {
  return 0.5 * (fake_logits - 1).pow(2).mean();
}

torch::Tensor l1_distance(const torch::Tensor& enhanced, const torch::Tensor& clean) {
  return (enhanced - clean).abs().mean();
}

}  // namespace rawgan::train
