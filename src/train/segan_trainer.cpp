#include "rawgan/train/segan_trainer.h"

#include <cmath>

#include "rawgan/train/run.h"
#include "rawgan/train/segan_losses.h"
#include "rawgan/util/error.h"

namespace rawgan::train {
namespace {

std::unique_ptr<torch::optim::Optimizer> make_optimizer(const SeganTrainOptions& options,
                                                        std::vector<torch::Tensor> parameters) {
  if (options.optimizer == "adam") {
    // beta1 = 0.5 as usual for GANs (Radford et al. 2016, sec. 4): a long momentum memory
    // lags behind the moving adversarial objective.
    return std::make_unique<torch::optim::Adam>(
        std::move(parameters),
        torch::optim::AdamOptions(options.learning_rate).betas({0.5, 0.999}));
  }
  return std::make_unique<torch::optim::RMSprop>(
      std::move(parameters), torch::optim::RMSpropOptions(options.learning_rate));
}

}  // namespace

void SeganTrainOptions::validate() const {
  auto fail = [](const std::string& message) { throw UsageError(message); };
  if (batch_size < 1) fail("batch_size must be at least 1, got " + std::to_string(batch_size));
  if (optimizer != "rmsprop" && optimizer != "adam") {
    fail("optimizer must be rmsprop or adam, got '" + optimizer + "'");
  }
  if (!(learning_rate > 0)) fail("learning_rate must be positive");
  if (l1_weight < 0) fail("l1_weight must not be negative");
  if (steps < 0 || epochs < 0) fail("steps and epochs must not be negative");
  if (valid_every < 0) fail("valid_every must not be negative");
  if (!(validation_fraction >= 0 && validation_fraction < 1)) {
    fail("validation_fraction must be in [0, 1), got " + std::to_string(validation_fraction));
  }
  if (max_length_mismatch_samples < 0) fail("max_length_mismatch_samples must not be negative");
}

nlohmann::json SeganTrainOptions::to_json() const {
  return {{"batch_size", batch_size},
          {"optimizer", optimizer},
          {"learning_rate", learning_rate},
          {"l1_weight", l1_weight},
          {"seed", seed},
          {"steps", steps},
          {"epochs", epochs},
          {"valid_every", valid_every},
          {"validation_fraction", validation_fraction},
          {"max_length_mismatch_samples", max_length_mismatch_samples}};
}

SeganTrainOptions SeganTrainOptions::from_json(const nlohmann::json& json) {
  if (!json.is_object()) throw UsageError("SEGAN training options: expected a JSON object");
  SeganTrainOptions options;
  const nlohmann::json known = options.to_json();
  std::string unknown;
  for (const auto& item : json.items())
    if (!known.contains(item.key())) unknown += (unknown.empty() ? "" : ", ") + item.key();
  if (!unknown.empty()) {
    std::string names;
    for (const auto& item : known.items())
      names += (names.empty() ? "" : ", ") + item.key();
    throw UsageError("SEGAN training options: unknown key(s) " + unknown + "; known: " + names);
  }
  try {
    options.batch_size = json.value("batch_size", options.batch_size);
    options.optimizer = json.value("optimizer", options.optimizer);
    options.learning_rate = json.value("learning_rate", options.learning_rate);
    options.l1_weight = json.value("l1_weight", options.l1_weight);
    options.seed = json.value("seed", options.seed);
    options.steps = json.value("steps", options.steps);
    options.epochs = json.value("epochs", options.epochs);
    options.valid_every = json.value("valid_every", options.valid_every);
    options.validation_fraction = json.value("validation_fraction", options.validation_fraction);
    options.max_length_mismatch_samples =
        json.value("max_length_mismatch_samples", options.max_length_mismatch_samples);
  } catch (const nlohmann::json::exception& e) {
    throw UsageError(std::string("SEGAN training options: a value has the wrong type (") +
                     e.what() + ")");
  }
  options.validate();
  return options;
}

SeganTrainer::SeganTrainer(const models::SeganOptions& model, const SeganTrainOptions& train,
                           torch::Device device)
    : model_(model), train_(train), device_(device), generator_(model), discriminator_(model) {
  train_.validate();
  generator_->to(device_);
  discriminator_->to(device_);
  generator_optimizer_ = make_optimizer(train_, generator_->parameters());
  discriminator_optimizer_ = make_optimizer(train_, discriminator_->parameters());
}

void SeganTrainer::set_reference_batch(const torch::Tensor& clean, const torch::Tensor& noisy) {
  reference_clean_ = clean.to(device_);
  reference_noisy_ = noisy.to(device_);
}

void SeganTrainer::refresh_reference() {
  if (!reference_clean_.defined()) return;
  torch::NoGradGuard no_grad;
  discriminator_->set_reference(reference_clean_, reference_noisy_);
}

SeganStepLosses SeganTrainer::train_step(const torch::Tensor& noisy_batch,
                                         const torch::Tensor& clean_batch) {
  auto noisy = noisy_batch.to(device_);
  auto clean = clean_batch.to(device_);
  generator_->train();
  discriminator_->train();
  SeganStepLosses losses;

  // 1. Discriminator: (clean, noisy) should score 1, (G(z, noisy), noisy) 0 (eq. 4). The
  //    generated batch is made once and reused, detached here, for the generator's update.
  auto enhanced = generator_->forward(noisy);
  refresh_reference();
  discriminator_optimizer_->zero_grad();
  auto real_loss = lsgan_real_loss(discriminator_->forward(clean, noisy));
  auto fake_loss = lsgan_fake_loss(discriminator_->forward(enhanced.detach(), noisy));
  losses.discriminator_real = real_loss.item<double>();
  losses.discriminator_fake = fake_loss.item<double>();
  require_finite("the discriminator's loss on clean windows", losses.discriminator_real, step_ + 1);
  require_finite("the discriminator's loss on enhanced windows", losses.discriminator_fake,
                 step_ + 1);
  (real_loss + fake_loss).backward();
  if (gradient_hook_) gradient_hook_(*discriminator_);
  discriminator_optimizer_->step();

  // 2. Generator: fool the updated discriminator and stay close to clean (eq. 5).
  refresh_reference();
  generator_optimizer_->zero_grad();
  auto adversarial = lsgan_generator_loss(discriminator_->forward(enhanced, noisy));
  auto l1 = l1_distance(enhanced, clean);
  losses.generator_adversarial = adversarial.item<double>();
  losses.generator_l1 = l1.item<double>();
  require_finite("the generator's adversarial loss", losses.generator_adversarial, step_ + 1);
  require_finite("the generator's L1 loss", losses.generator_l1, step_ + 1);
  (adversarial + train_.l1_weight * l1).backward();
  if (gradient_hook_) gradient_hook_(*generator_);
  generator_optimizer_->step();

  ++step_;
  return losses;
}

torch::Tensor SeganTrainer::enhance(const torch::Tensor& noisy, const torch::Tensor& z) {
  torch::NoGradGuard no_grad;
  generator_->eval();
  auto enhanced = generator_->forward(noisy.to(device_), z.defined() ? z.to(device_) : z);
  generator_->train();
  return enhanced;
}

nlohmann::json SeganTrainer::config() const {
  return {{"model", model_.to_json()}, {"train", train_.to_json()}};
}

void SeganTrainer::save(const std::filesystem::path& path, CheckpointHeader header,
                        const std::mt19937_64& data_rng) const {
  header.kind = "segan";
  header.config = config();
  header.step = step_;
  CheckpointWriter writer(std::move(header));
  writer.add_module("generator", *generator_);
  writer.add_module("discriminator", *discriminator_);
  writer.add_optimizer("generator", *generator_optimizer_);
  writer.add_optimizer("discriminator", *discriminator_optimizer_);
  writer.add_rng_state(data_rng);
  writer.write(path);
}

void SeganTrainer::load(const CheckpointReader& reader, std::mt19937_64& data_rng) {
  reader.load_module("generator", *generator_);
  reader.load_module("discriminator", *discriminator_);
  reader.load_optimizer("generator", *generator_optimizer_);
  reader.load_optimizer("discriminator", *discriminator_optimizer_);
  reader.load_rng_state(data_rng);
  step_ = reader.header().step;
}

}  // namespace rawgan::train
