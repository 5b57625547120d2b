#include "rawgan/train/segan_trainer.h"

#include <cmath>
#include <utility>

#include "rawgan/train/run.h"
#include "rawgan/train/segan_losses.h"
#include "rawgan/util/error.h"
#include "rawgan/util/preset.h"

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

// The losses as error messages name them, in the order of SeganStepLossTensors.
const std::vector<std::string>& loss_names() {
  static const std::vector<std::string> names = {
      "the discriminator's loss on clean windows", "the discriminator's loss on enhanced windows",
      "the generator's adversarial loss", "the generator's L1 loss"};
  return names;
}

void require_finite_discriminator(double real, double fake, int64_t step) {
  require_finite(loss_names()[0], real, step);
  require_finite(loss_names()[1], fake, step);
}

void require_finite_generator(double adversarial, double l1, int64_t step) {
  require_finite(loss_names()[2], adversarial, step);
  require_finite(loss_names()[3], l1, step);
}

// Turns off gradients of a network's parameters for its lifetime: the generator's update
// needs gradients through the discriminator, not for its weights, whose gradients would be
// discarded by the discriminator's next zero_grad (the weight-gradient convolutions of a
// whole discriminator backward saved).
class FrozenParameters {
 public:
  explicit FrozenParameters(torch::nn::Module& network) {
    for (auto& parameter : network.parameters()) {
      if (!parameter.requires_grad()) continue;
      parameter.set_requires_grad(false);
      frozen_.push_back(parameter);
    }
  }
  ~FrozenParameters() {
    for (auto& parameter : frozen_)
      parameter.set_requires_grad(true);
  }
  FrozenParameters(const FrozenParameters&) = delete;
  FrozenParameters& operator=(const FrozenParameters&) = delete;

 private:
  std::vector<torch::Tensor> frozen_;
};

}  // namespace

void SeganTrainOptions::validate() const {
  // Each setting is a preset's "train" key and a rawgan train option: messages name both.
  auto fail = [](const std::string& message) { throw UsageError("training: " + message); };
  if (batch_size < 1)
    fail("batch_size (--batch-size) must be at least 1, got " + std::to_string(batch_size));
  if (optimizer != "rmsprop" && optimizer != "adam") {
    fail("optimizer (--optimizer) must be rmsprop or adam, got '" + optimizer + "'");
  }
  if (!(learning_rate > 0) || !std::isfinite(learning_rate)) {
    fail("learning_rate (--learning-rate) must be positive and finite, got " +
         std::to_string(learning_rate));
  }
  if (!(l1_weight >= 0) || !std::isfinite(l1_weight))
    fail("l1_weight must be finite and not negative, got " + std::to_string(l1_weight));
  if (steps < 0 || epochs < 0) {
    fail("steps and epochs (--steps, --epochs) must not be negative, got " + std::to_string(steps) +
         " and " + std::to_string(epochs));
  }
  if (valid_every < 0)
    fail("valid_every (--valid-every) must not be negative, got " + std::to_string(valid_every));
  if (!(validation_fraction >= 0 && validation_fraction < 1)) {
    fail("validation_fraction (--validation-fraction) must be in [0, 1), got " +
         std::to_string(validation_fraction));
  }
  if (max_length_mismatch_samples < 0) fail("max_length_mismatch_samples must not be negative");
  models::parse_precision(precision, "precision");
  // As for --threads: std::thread could not start 10^8 of them, and its message named nothing.
  if (loader_threads < 0 || loader_threads > kMaxThreads) {
    fail("loader_threads (--loader-threads) must be from 0 to " + std::to_string(kMaxThreads) +
         ", got " + std::to_string(loader_threads));
  }
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
          {"max_length_mismatch_samples", max_length_mismatch_samples},
          {"precision", precision},
          {"loader_threads", loader_threads}};
}

SeganTrainOptions SeganTrainOptions::from_json(const nlohmann::json& json) {
  SeganTrainOptions options;
  refuse_unknown_keys(json, options.to_json(), "SEGAN training options");
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
    options.precision = json.value("precision", options.precision);
    options.loader_threads = json.value("loader_threads", options.loader_threads);
  } catch (const nlohmann::json::exception& e) {
    throw UsageError(std::string("SEGAN training options: a value has the wrong type (") +
                     e.what() + ")");
  }
  options.validate();
  return options;
}

SeganTrainer::SeganTrainer(const models::SeganOptions& model, const SeganTrainOptions& train,
                           torch::Device device)
    : model_(model),
      train_(train),
      device_(device),
      generator_(model),
      discriminator_(model),
      defer_checks_(!device.is_cpu()),
      pending_(loss_names()) {
  train_.validate();
  precision_ = models::parse_precision(train_.precision, "precision");
  models::check_precision(precision_, device_, "precision");
  if (precision_ == models::Precision::kFloat16) {
    generator_scaler_ = std::make_unique<LossScaler>();
    discriminator_scaler_ = std::make_unique<LossScaler>();
  }
  generator_->to(device_);
  discriminator_->to(device_);
  generator_optimizer_ = make_optimizer(train_, generator_->parameters());
  discriminator_optimizer_ = make_optimizer(train_, discriminator_->parameters());
}

void SeganTrainer::set_reference_batch(const torch::Tensor& clean, const torch::Tensor& noisy) {
  reference_clean_ = clean.to(device_);
  reference_noisy_ = noisy.to(device_);
  reference_state_.clear();
}

std::vector<int64_t> SeganTrainer::discriminator_state() const {
  // Storage and version of every parameter and buffer: an optimiser step, a checkpoint load or
  // a broadcast writes in place and bumps the version; moving to a device changes the storage.
  std::vector<int64_t> state;
  for (const auto& tensors : {discriminator_->parameters(), discriminator_->buffers()}) {
    for (const auto& tensor : tensors) {
      // Inference tensors have no version counter, so their changes cannot be seen.
      if (tensor.is_inference()) return {};
      state.push_back(reinterpret_cast<int64_t>(tensor.data_ptr()));
      state.push_back(static_cast<int64_t>(tensor._version()));
    }
  }
  return state;
}

void SeganTrainer::refresh_reference() {
  if (!reference_clean_.defined()) return;
  // The statistics depend only on the discriminator and the fixed reference batch. The
  // generator update leaves the discriminator as it was, so the refresh at the start of the
  // next step would recompute what the previous one stored (one forward of the reference
  // batch per step saved).
  if (!reference_state_.empty() && reference_state_ == discriminator_state()) return;
  // An autocast region of its own: weight casts made without gradients here must not be
  // cached for the forward passes that follow, or no gradient would reach the weights.
  models::AutocastGuard autocast(device_, precision_);
  torch::NoGradGuard no_grad;
  discriminator_->set_reference(reference_clean_, reference_noisy_);
  reference_state_ = discriminator_state();
}

SeganStepLosses SeganStepLossTensors::values() const {
  auto all =
      torch::stack({discriminator_real, discriminator_fake, generator_adversarial, generator_l1})
          .to(torch::kCPU, torch::kFloat64);
  const double* v = all.data_ptr<double>();
  return {v[0], v[1], v[2], v[3]};
}

SeganStepLosses SeganTrainer::train_step(const torch::Tensor& noisy_batch,
                                         const torch::Tensor& clean_batch) {
  SeganStepLossTensors losses = train_step_tensors(noisy_batch, clean_batch);
  check_finite();
  return losses.values();
}

SeganStepLossTensors SeganTrainer::train_step_tensors(const torch::Tensor& noisy_batch,
                                                      const torch::Tensor& clean_batch) {
  // Asynchronous when the batch is in pinned memory; nothing to copy on the CPU.
  auto noisy = noisy_batch.to(device_, torch::kFloat, /*non_blocking=*/true);
  auto clean = clean_batch.to(device_, torch::kFloat, /*non_blocking=*/true);
  generator_->train();
  discriminator_->train();
  const bool check_now = !defer_checks_;
  SeganStepLossTensors losses;

  // 1. Discriminator: (clean, noisy) should score 1, (G(z, noisy), noisy) 0 (eq. 4). The
  //    generated batch is made once and reused, detached here, for the generator's update.
  //    Forward passes run under autocast (bf16/fp16); scores and losses are float32.
  torch::Tensor generated, real_score, fake_score;
  refresh_reference();
  {
    models::AutocastGuard autocast(device_, precision_);
    generated = generator_->forward(noisy);
    real_score = discriminator_->forward(clean, noisy);
    fake_score = discriminator_->forward(generated.detach(), noisy);
  }
  auto real_loss = lsgan_real_loss(real_score.to(torch::kFloat));
  auto fake_loss = lsgan_fake_loss(fake_score.to(torch::kFloat));
  losses.discriminator_real = real_loss.detach();
  losses.discriminator_fake = fake_loss.detach();
  if (check_now) {
    require_finite_discriminator(real_loss.item<double>(), fake_loss.item<double>(), step_ + 1);
  }
  update(real_loss + fake_loss, *discriminator_, *discriminator_optimizer_,
         discriminator_scaler_.get());

  // 2. Generator: fool the updated discriminator and stay close to clean (eq. 5).
  torch::Tensor score;
  refresh_reference();
  {
    FrozenParameters frozen(*discriminator_);
    models::AutocastGuard autocast(device_, precision_);
    score = discriminator_->forward(generated, noisy);
  }
  auto adversarial = lsgan_generator_loss(score.to(torch::kFloat));
  auto l1 = l1_distance(generated.to(torch::kFloat), clean);
  losses.generator_adversarial = adversarial.detach();
  losses.generator_l1 = l1.detach();
  if (check_now) {
    require_finite_generator(adversarial.item<double>(), l1.item<double>(), step_ + 1);
  }
  update(adversarial + train_.l1_weight * l1, *generator_, *generator_optimizer_,
         generator_scaler_.get());

  ++step_;
  if (!check_now) {
    pending_.add(step_, {losses.discriminator_real, losses.discriminator_fake,
                         losses.generator_adversarial, losses.generator_l1});
  }
  return losses;
}

void SeganTrainer::update(const torch::Tensor& loss, torch::nn::Module& network,
                          torch::optim::Optimizer& optimizer, LossScaler* scaler) {
  optimizer.zero_grad();
  (scaler ? scaler->scale(loss) : loss).backward();
  if (gradient_hook_) gradient_hook_(network);
  if (scaler) {
    // Averaged gradients are the same on every rank, so all ranks skip the same steps.
    const bool finite = scaler->unscale(network.parameters());
    scaler->update(finite);
    if (!finite) return;
  }
  optimizer.step();
}

void SeganTrainer::check_finite() {
  pending_.take();
}

int64_t SeganTrainer::skipped_updates() const {
  if (!generator_scaler_) return 0;
  return generator_scaler_->skipped_steps() + discriminator_scaler_->skipped_steps();
}

torch::Tensor SeganTrainer::enhance(const torch::Tensor& noisy, const torch::Tensor& z) {
  torch::NoGradGuard no_grad;
  generator_->eval();
  torch::Tensor enhanced;
  {
    models::AutocastGuard autocast(device_, precision_);
    enhanced = generator_->forward(noisy.to(device_), z.defined() ? z.to(device_) : z);
  }
  generator_->train();
  return enhanced.to(torch::kFloat);
}

nlohmann::json SeganTrainer::config() const {
  return {{"model", model_.to_json()}, {"train", train_.to_json()}};
}

void SeganTrainer::save(const std::filesystem::path& path, CheckpointHeader header,
                        const std::mt19937_64& data_rng) const {
  header.kind = "segan";
  nlohmann::json full = config();
  // The run, not the trainer, knows the data folders (train/run.h).
  if (header.config.contains("data")) full["data"] = header.config["data"];
  header.config = std::move(full);
  header.step = step_;
  CheckpointWriter writer(std::move(header));
  writer.add_module("generator", *generator_);
  writer.add_module("discriminator", *discriminator_);
  writer.add_optimizer("generator", *generator_optimizer_);
  writer.add_optimizer("discriminator", *discriminator_optimizer_);
  writer.add_rng_state(data_rng);
  if (generator_scaler_) {
    writer.add_tensor("generator_loss_scaler", generator_scaler_->state());
    writer.add_tensor("discriminator_loss_scaler", discriminator_scaler_->state());
  }
  writer.write(path);
}

void SeganTrainer::load(const CheckpointReader& reader, std::mt19937_64& data_rng) {
  reader.load_module("generator", *generator_);
  reader.load_module("discriminator", *discriminator_);
  reader.load_optimizer("generator", *generator_optimizer_);
  reader.load_optimizer("discriminator", *discriminator_optimizer_);
  reader.load_rng_state(data_rng);
  // A checkpoint of an fp32 or bf16 run continued in fp16 starts from the initial scale.
  if (generator_scaler_ && reader.has("generator_loss_scaler")) {
    generator_scaler_->load_state(reader.tensor("generator_loss_scaler"));
    discriminator_scaler_->load_state(reader.tensor("discriminator_loss_scaler"));
  }
  step_ = reader.header().step;
  pending_.clear();
}

}  // namespace rawgan::train
