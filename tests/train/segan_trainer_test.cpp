#include "rawgan/train/segan_trainer.h"

#include <gtest/gtest.h>

#include "rawgan/train/segan_losses.h"
#include "rawgan/train/segan_run.h"
#include "rawgan/util/error.h"
#include "rawgan/util/interrupt.h"
#include "support/test_support.h"
#include "tiny_segan.h"

namespace rawgan::train {
namespace {

namespace fs = std::filesystem;

constexpr int kRate = kTinyRateHz;

SeganTrainOptions tiny_training() {
  SeganTrainOptions options;
  options.batch_size = 4;
  options.optimizer = "adam";
  options.learning_rate = 1e-3;
  options.seed = 11;
  return options;
}

// A batch of tones (clean) with white noise added (noisy), [4, 1, 256].
std::pair<torch::Tensor, torch::Tensor> tone_batch() {
  auto time = torch::arange(256).to(torch::kFloat) / kRate;
  auto frequencies = torch::tensor({300.0f, 500.0f, 700.0f, 900.0f}).view({4, 1, 1});
  auto clean = 0.4 * torch::sin(2 * M_PI * frequencies * time.view({1, 1, 256}));
  torch::manual_seed(3);
  auto noisy = clean + 0.1 * torch::randn_like(clean);
  return {noisy, clean};
}

TEST(SeganLosses, LeastSquaresTargetsAndL1) {
  auto ones = torch::ones({3, 1});
  EXPECT_FLOAT_EQ(lsgan_real_loss(ones).item<float>(), 0.0f);
  EXPECT_FLOAT_EQ(lsgan_fake_loss(ones).item<float>(), 0.5f);
  EXPECT_FLOAT_EQ(lsgan_generator_loss(torch::zeros({3, 1})).item<float>(), 0.5f);
  EXPECT_FLOAT_EQ(l1_distance(torch::full({2, 1, 4}, 0.25), torch::zeros({2, 1, 4})).item<float>(),
                  0.25f);
}

TEST(SeganTrainer, OverfittingOneBatchLowersTheL1Loss) {
  torch::manual_seed(0);
  SeganTrainer trainer(tiny_model(), tiny_training(), torch::kCPU);
  auto [noisy, clean] = tone_batch();
  trainer.set_reference_batch(clean, noisy);
  SeganStepLosses first = trainer.train_step(noisy, clean);
  SeganStepLosses last;
  for (int i = 0; i < 60; ++i)
    last = trainer.train_step(noisy, clean);
  // 60 Adam steps on one batch at lr 1e-3 must cut the L1 distance clearly, not by noise:
  // at least in half (it typically drops far more).
  EXPECT_LT(last.generator_l1, 0.5 * first.generator_l1)
      << "first " << first.generator_l1 << ", last " << last.generator_l1;
  EXPECT_EQ(trainer.step(), 61);
}

TEST(SeganTrainer, CheckpointRoundTripRestoresBothNetworksAndOptimisers) {
  test::TempDir dir;
  auto [noisy, clean] = tone_batch();
  torch::manual_seed(0);
  SeganTrainer trainer(tiny_model(), tiny_training(), torch::kCPU);
  trainer.set_reference_batch(clean, noisy);
  trainer.train_step(noisy, clean);
  trainer.train_step(noisy, clean);
  std::mt19937_64 data_rng(5);
  CheckpointHeader header;
  header.preset = "tiny";
  trainer.save(dir / "last.pt", header, data_rng);
  const SeganStepLosses expected = trainer.train_step(noisy, clean);

  torch::manual_seed(99);
  SeganTrainer restored(tiny_model(), tiny_training(), torch::kCPU);
  restored.set_reference_batch(clean, noisy);
  CheckpointReader reader(dir / "last.pt", "segan");
  EXPECT_EQ(reader.header().config.at("model"), tiny_model().to_json());
  EXPECT_EQ(reader.header().config.at("train").at("optimizer"), "adam");
  std::mt19937_64 other_rng;
  restored.load(reader, other_rng);
  EXPECT_EQ(restored.step(), 2);

  // Weights, optimiser moments and the RNG (z) all came back: the next step is identical.
  const SeganStepLosses again = restored.train_step(noisy, clean);
  EXPECT_EQ(again.discriminator_real, expected.discriminator_real);
  EXPECT_EQ(again.discriminator_fake, expected.discriminator_fake);
  EXPECT_EQ(again.generator_adversarial, expected.generator_adversarial);
  EXPECT_EQ(again.generator_l1, expected.generator_l1);

  // The enhancer's way of loading a generator alone works on the same file.
  models::SeganGenerator generator(
      models::SeganOptions::from_json(reader.header().config.at("model")));
  reader.load_module("generator", *generator);
  EXPECT_EQ(models::count_parameters(*generator), models::count_parameters(*restored.generator()));
}

TEST(SeganTrainer, NonFiniteLossStopsBeforeTheUpdate) {
  torch::manual_seed(0);
  SeganTrainer trainer(tiny_model(), tiny_training(), torch::kCPU);
  auto [noisy, clean] = tone_batch();
  clean[0][0][5] = std::numeric_limits<float>::quiet_NaN();
  auto before = trainer.discriminator()->parameters()[0].clone();
  try {
    trainer.train_step(noisy, clean);
    FAIL() << "a NaN loss was accepted";
  } catch (const RuntimeError& e) {
    EXPECT_NE(std::string(e.what()).find("diverged"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(torch::equal(before, trainer.discriminator()->parameters()[0]));
  EXPECT_EQ(trainer.step(), 0);
}

// The path of devices other than the CPU, run on the CPU: the steps go on without reading their
// losses, and check_finite() names the first step that diverged.
TEST(SeganTrainer, DeferredChecksFindTheStepThatDiverged) {
  torch::manual_seed(0);
  SeganTrainer trainer(tiny_model(), tiny_training(), torch::kCPU);
  trainer.set_deferred_checks(true);
  auto [noisy, clean] = tone_batch();
  trainer.train_step_tensors(noisy, clean);
  trainer.check_finite();  // a finite step passes
  trainer.train_step_tensors(noisy, clean);
  auto bad_clean = clean.clone();
  bad_clean[0][0][5] = std::numeric_limits<float>::quiet_NaN();
  trainer.train_step_tensors(noisy, bad_clean);  // not read yet: no error
  EXPECT_EQ(trainer.step(), 3);
  try {
    trainer.check_finite();
    FAIL() << "a NaN loss passed check_finite";
  } catch (const RuntimeError& e) {
    EXPECT_NE(std::string(e.what()).find("at step 3"), std::string::npos) << e.what();
  }
  trainer.check_finite();  // reported once
}

TEST(SeganTrainer, GradientHookSeesBothNetworksBeforeTheirUpdates) {
  torch::manual_seed(0);
  SeganTrainer trainer(tiny_model(), tiny_training(), torch::kCPU);
  auto [noisy, clean] = tone_batch();
  std::vector<bool> had_gradients;
  trainer.set_gradient_hook([&](torch::nn::Module& module) {
    had_gradients.push_back(module.parameters()[0].grad().defined());
  });
  trainer.train_step(noisy, clean);
  EXPECT_EQ(had_gradients, (std::vector<bool>{true, true}));
}

// The step as SEGAN states it, without the trainer's savings: reference statistics before
// every discriminator pass, and discriminator weight gradients in the generator's update.
void plain_step(models::SeganGenerator& generator, models::SeganDiscriminator& discriminator,
                torch::optim::Optimizer& generator_optimizer,
                torch::optim::Optimizer& discriminator_optimizer, const torch::Tensor& noisy,
                const torch::Tensor& clean, const torch::Tensor& reference_noisy,
                const torch::Tensor& reference_clean) {
  auto refresh = [&] {
    torch::NoGradGuard no_grad;
    discriminator->set_reference(reference_clean, reference_noisy);
  };
  refresh();
  auto generated = generator->forward(noisy);
  auto discriminator_loss = lsgan_real_loss(discriminator->forward(clean, noisy)) +
                            lsgan_fake_loss(discriminator->forward(generated.detach(), noisy));
  discriminator_optimizer.zero_grad();
  discriminator_loss.backward();
  discriminator_optimizer.step();

  refresh();
  auto generator_loss = lsgan_generator_loss(discriminator->forward(generated, noisy)) +
                        tiny_training().l1_weight * l1_distance(generated, clean);
  generator_optimizer.zero_grad();
  generator_loss.backward();
  generator_optimizer.step();
}

TEST(SeganTrainer, SkippedWorkLeavesTheStepsAsThePlainOnes) {
  torch::manual_seed(0);
  SeganTrainer trainer(tiny_model(), tiny_training(), torch::kCPU);
  torch::manual_seed(0);
  SeganTrainer plain(tiny_model(), tiny_training(), torch::kCPU);
  auto adam = [](const std::vector<torch::Tensor>& parameters) {
    return torch::optim::Adam(
        parameters, torch::optim::AdamOptions(tiny_training().learning_rate).betas({0.5, 0.999}));
  };
  auto generator_optimizer = adam(plain.generator()->parameters());
  auto discriminator_optimizer = adam(plain.discriminator()->parameters());
  auto [noisy, clean] = tone_batch();
  // The reference batch is the training batch reversed, so its statistics differ from the
  // batch's own.
  auto reference_noisy = noisy.flip(0), reference_clean = clean.flip(0);
  trainer.set_reference_batch(reference_clean, reference_noisy);

  auto both_steps = [&](uint64_t seed) {
    torch::manual_seed(seed);  // the same latent z for both
    trainer.train_step(noisy, clean);
    torch::manual_seed(seed);
    plain_step(plain.generator(), plain.discriminator(), generator_optimizer,
               discriminator_optimizer, noisy, clean, reference_noisy, reference_clean);
  };
  both_steps(1);
  both_steps(2);
  // A change made to the discriminator between steps (as a checkpoint load would) must be
  // seen by the next step's reference statistics.
  {
    torch::NoGradGuard no_grad;
    trainer.discriminator()->parameters()[0].mul_(1.5);
    plain.discriminator()->parameters()[0].mul_(1.5);
  }
  both_steps(3);

  // The same operations in the same order on the same values: equal up to float rounding of
  // differently grouped convolutions (none is expected on one thread).
  auto expect_close = [](torch::nn::Module& a, torch::nn::Module& b) {
    auto pa = a.named_parameters(), pb = b.named_parameters();
    for (const auto& item : pa)
      EXPECT_TRUE(torch::allclose(item.value(), pb[item.key()], 1e-5, 1e-6)) << item.key();
    auto ba = a.named_buffers(), bb = b.named_buffers();
    for (const auto& item : ba)
      EXPECT_TRUE(torch::allclose(item.value(), bb[item.key()], 1e-5, 1e-6)) << item.key();
  };
  expect_close(*trainer.generator(), *plain.generator());
  expect_close(*trainer.discriminator(), *plain.discriminator());
}

TEST(SeganTrainOptions, JsonRoundTripAndUnknownKeys) {
  SeganTrainOptions options = tiny_training();
  EXPECT_EQ(SeganTrainOptions::from_json(options.to_json()).to_json(), options.to_json());
  EXPECT_THROW(SeganTrainOptions::from_json({{"batchsize", 3}}), UsageError);
  EXPECT_THROW(SeganTrainOptions::from_json({{"optimizer", "sgd"}}), UsageError);
}

// Paired folders of tones in noise for whole runs.
void write_pairs(const fs::path& dir, int n_pairs) {
  for (int i = 0; i < n_pairs; ++i) {
    auto clean = test::sine(200 + 100 * i, kRate, 900 + 100 * i, 0.4f);
    auto noisy = clean;
    auto noise = test::white_noise(kRate, clean.n_frames(), 0.05f, i);
    for (size_t k = 0; k < noisy.samples.size(); ++k)
      noisy.samples[k] += noise.samples[k];
    auto name = "p" + std::to_string(i) + ".wav";
    audio::write(dir / "noisy" / name, noisy, audio::SampleFormat::kFloat32);
    audio::write(dir / "clean" / name, clean, audio::SampleFormat::kFloat32);
  }
}

SeganRunOptions run_options(const fs::path& data, const fs::path& run_dir, int64_t steps) {
  SeganRunOptions options;
  options.noisy_dir = data / "noisy";
  options.clean_dir = data / "clean";
  options.run_dir = run_dir;
  options.preset = "tiny";
  options.model = tiny_model();
  options.train = tiny_training();
  options.train.steps = steps;
  options.train.valid_every = 3;
  options.train.validation_fraction = 0.25;
  return options;
}

TEST(SeganRun, ResumingGivesTheLossesOfAnUninterruptedRun) {
  test::TempDir dir;
  write_pairs(dir / "data", 4);
  torch::set_num_threads(1);  // one thread: bit-identical float sums in both runs

  SeganRunResult straight = run_segan_training(run_options(dir / "data", dir / "a", 8));
  EXPECT_EQ(straight.steps, 8);
  EXPECT_TRUE(fs::exists(dir / "a" / "best.pt"));

  // The interrupted run stops after its first step (Ctrl-C), then resumes to step 5 and to 8.
  auto interrupted = run_options(dir / "data", dir / "b", 8);
  interrupted.on_step = [](int64_t, const SeganStepLosses&) { set_interrupt_requested(true); };
  try {
    run_segan_training(interrupted);
    FAIL() << "the interrupt did not stop the run";
  } catch (const Interrupted& e) {
    // Step 1 comes before the first validation (every 3 steps): no best.pt to point to yet.
    EXPECT_NE(std::string(e.what()).find("no best.pt yet"), std::string::npos) << e.what();
  }
  set_interrupt_requested(false);
  EXPECT_EQ(CheckpointReader(dir / "b" / "last.pt", "segan").header().step, 1);
  EXPECT_THROW(run_segan_training(run_options(dir / "data", dir / "b", 5)), UsageError);
  auto resumed_options = run_options(dir / "data", dir / "b", 5);
  resumed_options.resume = true;
  EXPECT_EQ(run_segan_training(resumed_options).steps, 5);
  resumed_options.train.steps = 8;
  SeganRunResult resumed = run_segan_training(resumed_options);

  EXPECT_EQ(resumed.steps, 8);
  EXPECT_EQ(resumed.last_losses.discriminator_real, straight.last_losses.discriminator_real);
  EXPECT_EQ(resumed.last_losses.discriminator_fake, straight.last_losses.discriminator_fake);
  EXPECT_EQ(resumed.last_losses.generator_adversarial, straight.last_losses.generator_adversarial);
  EXPECT_EQ(resumed.last_losses.generator_l1, straight.last_losses.generator_l1);
  EXPECT_EQ(resumed.best_ssnr_gain_db, straight.best_ssnr_gain_db);
}

// Batches assembled on the training thread or ahead on the loader's threads are the same, so
// the runs are too (one intra-op thread: bit-identical float sums).
TEST(SeganRun, LoaderThreadsDoNotChangeTheRun) {
  test::TempDir dir;
  write_pairs(dir / "data", 4);
  torch::set_num_threads(1);
  auto options = run_options(dir / "data", dir / "sync", 6);
  options.train.loader_threads = 0;
  SeganRunResult synchronous = run_segan_training(options);
  options = run_options(dir / "data", dir / "threads", 6);
  options.train.loader_threads = 2;
  SeganRunResult background = run_segan_training(options);
  EXPECT_EQ(background.last_losses.discriminator_real, synchronous.last_losses.discriminator_real);
  EXPECT_EQ(background.last_losses.generator_l1, synchronous.last_losses.generator_l1);
  EXPECT_EQ(background.best_ssnr_gain_db, synchronous.best_ssnr_gain_db);
}

}  // namespace
}  // namespace rawgan::train
