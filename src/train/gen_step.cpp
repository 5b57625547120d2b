#include "rawgan/train/gen_step.h"

#include <string>
#include <tuple>

#include "rawgan/dist/data_parallel.h"
#include "rawgan/train/run.h"
#include "rawgan/util/error.h"

namespace rawgan::train {

GenStepOptions GenStepOptions::from_json(const nlohmann::json& train) {
  GenStepOptions o;
  o.loss = parse_gan_loss(train.value("loss", std::string("wgan-gp")));
  o.learning_rate = train.value("learning_rate", o.learning_rate);
  o.beta1 = train.value("beta1", o.beta1);
  o.beta2 = train.value("beta2", o.beta2);
  // Five critic steps per generator step is WGAN-GP's setting (Gulrajani et al., Algorithm 1);
  // the other losses alternate one to one.
  o.n_critic = train.value("n_critic", o.loss == GanLoss::kWganGp ? int64_t(5) : int64_t(1));
  o.gp_weight = train.value("gp_weight", o.gp_weight);
  o.began.gamma = train.value("began_gamma", o.began.gamma);
  o.began.lambda_k = train.value("began_lambda_k", o.began.lambda_k);
  o.began_code_dim = train.value("began_code_dim", o.began_code_dim);
  if (o.n_critic <= 0) throw UsageError("n_critic must be > 0, got " + std::to_string(o.n_critic));
  if (!(o.learning_rate > 0))
    throw UsageError("learning_rate must be > 0, got " + std::to_string(o.learning_rate));
  return o;
}

namespace {

// The losses as error messages name them, in the order train_step queues them.
const std::vector<std::string>& loss_names() {
  static const std::vector<std::string> names = {"discriminator loss", "generator loss",
                                                 "gradient penalty", "real energy"};
  return names;
}

}  // namespace

GenStep::GenStep(GenModels& models, const GenStepOptions& options, torch::Device device,
                 dist::DataParallel* parallel)
    : models_(models),
      options_(options),
      one_process_(parallel ? nullptr : std::make_unique<dist::DataParallel>()),
      parallel_(parallel ? *parallel : *one_process_),
      defer_checks_(!device.is_cpu()),
      pending_(loss_names()) {
  add_discriminator(models_, options_.loss, options_.began_code_dim);
  to_device(models_, device);
  if (options_.loss == GanLoss::kBegan) balance_ = std::make_unique<BeganBalance>(options_.began);

  auto adam = [&](torch::nn::Module& module) {
    return std::make_unique<torch::optim::Adam>(
        module.parameters(), torch::optim::AdamOptions(options_.learning_rate)
                                 .betas(std::make_tuple(options_.beta1, options_.beta2)));
  };
  opt_g_ = adam(*models_.generator);
  opt_d_ = adam(*models_.discriminator);
}

GenStep::~GenStep() = default;

void GenStep::set_began_k(double k) {
  if (balance_) balance_ = std::make_unique<BeganBalance>(options_.began, k);
}

void GenStep::train_step(const BatchFn& real_batch, const BatchFn& latent_batch, int64_t step) {
  gradient_penalty_ = torch::Tensor();
  real_energy_ = torch::Tensor();
  for (int64_t i = 0; i < options_.n_critic; ++i) {
    // Drawn in this order so that a resumed run sees the same random streams.
    auto real = real_batch();
    auto latents = latent_batch();
    step_discriminator(real, latents, step);
  }
  step_generator(latent_batch(), step);
  auto zero = torch::zeros({}, generator_loss_.options());
  pending_.add(step, {discriminator_loss_, generator_loss_,
                      gradient_penalty_.defined() ? gradient_penalty_ : zero,
                      real_energy_.defined() ? real_energy_ : zero});
  if (balance_) began_.emplace_back(balance_->k(), balance_->m_global());
}

std::vector<GenStepLosses> GenStep::take_losses() {
  std::vector<std::pair<double, double>> began;
  began.swap(began_);
  std::vector<GenStepLosses> losses;
  for (const auto& row : pending_.take()) {
    GenStepLosses step{row.step, row.values[0], row.values[1], row.values[2], row.values[3]};
    if (losses.size() < began.size())
      std::tie(step.began_k, step.began_m_global) = began[losses.size()];
    losses.push_back(step);
  }
  return losses;
}

void GenStep::step_discriminator(const torch::Tensor& real, const torch::Tensor& latents,
                                 int64_t step) {
  torch::Tensor fake;
  {
    torch::NoGradGuard no_grad;
    fake = models_.generate(latents);
  }
  torch::Tensor loss;
  if (balance_) {
    auto real_energy = BeganBalance::energy(real, models_.reconstruct(real));
    auto fake_energy = BeganBalance::energy(fake, models_.reconstruct(fake));
    loss = balance_->losses(real_energy, fake_energy).discriminator;
    real_energy_ = real_energy.detach();
  } else {
    loss = discriminator_loss(options_.loss, models_.score(real), models_.score(fake));
    if (options_.loss == GanLoss::kWganGp) {
      auto penalty = gradient_penalty(models_.score, real, fake, options_.gp_weight);
      gradient_penalty_ = penalty.detach();
      loss = loss + penalty;
    }
  }
  discriminator_loss_ = loss.detach();
  if (!defer_checks_) require_finite(loss_names()[0], loss.item<double>(), step);
  opt_d_->zero_grad();
  parallel_.prepare_backward(*models_.discriminator);
  loss.backward();
  parallel_.average_gradients(*models_.discriminator);
  opt_d_->step();
}

void GenStep::step_generator(const torch::Tensor& latents, int64_t step) {
  auto fake = models_.generate(latents);
  torch::Tensor loss;
  if (balance_) {
    loss = BeganBalance::energy(fake, models_.reconstruct(fake));
  } else {
    loss = generator_loss(options_.loss, models_.score(fake));
  }
  generator_loss_ = loss.detach();
  if (!defer_checks_) require_finite(loss_names()[1], loss.item<double>(), step);
  opt_g_->zero_grad();
  parallel_.prepare_backward(*models_.generator);
  loss.backward();
  parallel_.average_gradients(*models_.generator);
  opt_g_->step();
  if (balance_) {
    // k_t's control reads both energies (one wait for the device per step, BEGAN only).
    balance_->update(parallel_.mean(real_energy_.item<double>()),
                     parallel_.mean(generator_loss_.item<double>()));
  }
}

}  // namespace rawgan::train
