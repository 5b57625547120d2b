// SEGAN's losses (Pascual et al. 2017, sec. 3.1): least-squares GAN (Mao et al. 2017) with
// targets 1 for real and 0 for fake, and an L1 term pulling G's output towards the clean
// target. Logits are the discriminator's raw outputs [batch, 1]; every function returns a
// scalar tensor to minimise.
#pragma once

#include <torch/torch.h>

namespace rawgan::train {

/// Eq. 4, real half: 1/2 E[(D(x, x~) - 1)^2].
torch::Tensor lsgan_real_loss(const torch::Tensor& real_logits);

/// Eq. 4, fake half: 1/2 E[D(G(z, x~), x~)^2].
torch::Tensor lsgan_fake_loss(const torch::Tensor& fake_logits);

/// Eq. 5, adversarial part: 1/2 E[(D(G(z, x~), x~) - 1)^2].
torch::Tensor lsgan_generator_loss(const torch::Tensor& fake_logits);

/// Eq. 5, L1 part (before the lambda weight): the mean absolute difference over every sample,
/// as the authors' implementation computes ||G(z, x~) - x||_1.
torch::Tensor l1_distance(const torch::Tensor& enhanced, const torch::Tensor& clean);

}  // namespace rawgan::train
