#include "rawgan/train/gen_trainer.h"

#include <gtest/gtest.h>

#include <fstream>

#include "gen_test_support.h"
#include "rawgan/train/checkpoint.h"
#include "rawgan/train/gen_models.h"
#include "rawgan/util/error.h"
#include "rawgan/util/interrupt.h"
#include "support/test_support.h"

namespace rawgan::train {
namespace {

struct TinyRun {
  test::TempDir dir;
  GenTrainOptions options;

  explicit TinyRun(const std::string& kind,
                   const nlohmann::json& train = nlohmann::json::object()) {
    test::write_tone_clips(dir / "clips", 5, 16000, 12000);
    options.clips_dir = dir / "clips";
    options.run_dir = dir / "run";
    options.preset = test::write_tiny_preset(dir / "tiny.json", kind, train).string();
    options.device = "cpu";
    // One thread: the same sums in the same order, so runs can be compared bit for bit.
    options.n_threads = 1;
  }
};

std::vector<std::string> lines_of(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  return lines;
}

torch::Tensor generator_weights(const std::filesystem::path& checkpoint) {
  CheckpointReader reader(checkpoint, "");
  auto models = make_gen_models(reader.header().config["model"]);
  reader.load_module("generator", *models.generator);
  std::vector<torch::Tensor> flat;
  for (const auto& p : models.generator->parameters())
    flat.push_back(p.detach().flatten());
  return torch::cat(flat);
}

TEST(GenTrainer, WritesCheckpointAndOneMetricsLinePerStep) {
  TinyRun run("wavegan");
  auto summary = train_generator(run.options);
  EXPECT_EQ(summary.step, 3);
  EXPECT_TRUE(std::isfinite(summary.discriminator_loss));
  EXPECT_GT(summary.diversity_real, 0.0);  // five different tones
  CheckpointReader reader(summary.checkpoint, "wavegan");
  EXPECT_EQ(reader.header().step, 3);
  EXPECT_EQ(reader.header().config["train"]["loss"], "wgan-gp");
  EXPECT_TRUE(reader.has("discriminator"));
  EXPECT_EQ(lines_of(run.options.run_dir / "metrics.csv").size(), 1u + 3u);
}

// Reading the losses every 20 steps, as on a device, writes the same metrics.csv as reading
// them every step: one row per step, in order, with the diversity in the rows it was measured.
TEST(GenTrainer, DeferredLossReadsWriteTheSameMetrics) {
  const nlohmann::json train = {{"loss", "lsgan"}, {"steps", 25}, {"diversity_every", 10}};
  TinyRun every_step("wavegan", train);
  train_generator(every_step.options);
  TinyRun deferred("wavegan", train);
  deferred.options.deferred_loss_reads = true;
  auto summary = train_generator(deferred.options);

  const auto expected = lines_of(every_step.options.run_dir / "metrics.csv");
  const auto lines = lines_of(deferred.options.run_dir / "metrics.csv");
  ASSERT_EQ(lines.size(), 1u + 25u);
  EXPECT_EQ(lines, expected);
  for (int step : {10, 20, 25}) {
    // The last two cells, generated and real diversity, are filled in.
    EXPECT_NE(lines[step].back(), ',') << lines[step];
  }
  EXPECT_EQ(lines[11].back(), ',') << lines[11];
  EXPECT_EQ(summary.step, 25);
}

TEST(GenTrainer, ResumingContinuesExactly) {
  TinyRun straight("wavegan", {{"steps", 4}});
  auto a = train_generator(straight.options);

  TinyRun split("wavegan", {{"steps", 2}});
  train_generator(split.options);
  split.options.resume = true;
  split.options.n_steps = 4;
  auto b = train_generator(split.options);

  EXPECT_EQ(b.step, 4);
  EXPECT_EQ(a.generator_loss, b.generator_loss);
  EXPECT_TRUE(torch::equal(generator_weights(a.checkpoint), generator_weights(b.checkpoint)));
}

// A run killed after its step-2 checkpoint had written rows for steps 3 and 4: on resuming
// from step 2 those steps run again, and each step has one row, as in an uninterrupted run.
TEST(GenTrainer, ResumingDropsTheRowsOfStepsPastTheCheckpoint) {
  TinyRun run("wavegan", {{"steps", 2}});
  train_generator(run.options);
  const auto path = run.options.run_dir / "metrics.csv";
  const auto rows_at_checkpoint = lines_of(path);
  ASSERT_EQ(rows_at_checkpoint.size(), 1u + 2u);
  std::ofstream(path, std::ios::app) << "3,9,9,9,,,,\n4,9,9,9,,,,\n";

  run.options.resume = true;
  run.options.n_steps = 4;
  train_generator(run.options);
  const auto lines = lines_of(path);
  ASSERT_EQ(lines.size(), 1u + 4u);
  for (size_t i = 0; i < rows_at_checkpoint.size(); ++i)
    EXPECT_EQ(lines[i], rows_at_checkpoint[i]);
  for (int step = 1; step <= 4; ++step)
    EXPECT_EQ(lines[step].substr(0, lines[step].find(',')), std::to_string(step)) << lines[step];
  EXPECT_EQ(lines[3].find("3,9,9,9"), std::string::npos) << "the killed run's row stayed";
}

TEST(GenTrainer, BeganKeepsKInTheUnitIntervalAndLogsMGlobal) {
  TinyRun run("wavegan", {{"loss", "began"}, {"began_lambda_k", 0.5}, {"steps", 4}});
  train_generator(run.options);
  auto lines = lines_of(run.options.run_dir / "metrics.csv");
  ASSERT_EQ(lines.size(), 5u);
  for (size_t i = 1; i < lines.size(); ++i) {
    std::istringstream row(lines[i]);
    std::vector<std::string> cells;
    for (std::string cell; std::getline(row, cell, ',');)
      cells.push_back(cell);
    const double k = std::stod(cells.at(4));
    const double m_global = std::stod(cells.at(5));
    EXPECT_GE(k, 0.0);
    EXPECT_LE(k, 1.0);
    EXPECT_GT(m_global, 0.0);  // a sum of an L1 energy and an absolute value
  }
}

TEST(GenTrainer, SpecGanTrainsAndStoresItsBinStatistics) {
  TinyRun run("specgan", {{"loss", "lsgan"}, {"steps", 2}});
  auto summary = train_generator(run.options);
  CheckpointReader reader(summary.checkpoint, "specgan");
  EXPECT_EQ(reader.tensor("spec_mean").numel(), 128);
  EXPECT_GT(reader.tensor("spec_std").min().item<float>(), 0.0f);
}

TEST(GenTrainer, CtrlCWritesACheckpointAndStops) {
  TinyRun run("wavegan", {{"steps", 50}});
  set_interrupt_requested(true);
  EXPECT_THROW(train_generator(run.options), Interrupted);
  set_interrupt_requested(false);
  CheckpointReader reader(run.options.run_dir / "last.pt", "wavegan");
  EXPECT_EQ(reader.header().step, 1);
}

TEST(GenTrainer, NonFiniteLossStopsWithoutANonFiniteCheckpoint) {
  // Adam moves every weight by about the learning rate per step: 1e37 overflows float
  // activations within a step or two, so a loss becomes infinite or NaN.
  TinyRun run("wavegan", {{"learning_rate", 1e37}, {"steps", 20}, {"checkpoint_every", 1}});
  try {
    train_generator(run.options);
    FAIL() << "expected RuntimeError";
  } catch (const RuntimeError& e) {
    EXPECT_NE(std::string(e.what()).find("diverged"), std::string::npos) << e.what();
  }
  // Whatever checkpoint was written holds the last finite state.
  const auto last = run.options.run_dir / "last.pt";
  if (std::filesystem::exists(last)) {
    EXPECT_TRUE(torch::isfinite(generator_weights(last)).all().item<bool>());
  }
}

TEST(GenTrainer, RefusesToOverwriteARunAndBeganOnSpecGan) {
  TinyRun run("wavegan", {{"steps", 1}});
  train_generator(run.options);
  EXPECT_THROW(train_generator(run.options), UsageError);
  TinyRun spec("specgan", {{"loss", "began"}});
  EXPECT_THROW(train_generator(spec.options), UsageError);
}

}  // namespace
}  // namespace rawgan::train
