#include "rawgan/infer/sampler.h"

#include <gtest/gtest.h>

#include "rawgan/train/checkpoint.h"
#include "rawgan/train/gen_models.h"
#include "rawgan/util/error.h"
#include "support/test_support.h"

namespace rawgan::infer {
namespace {

// A freshly initialised narrow generator saved as train-gen would save it.
std::filesystem::path write_checkpoint(const std::filesystem::path& path, const std::string& kind) {
  torch::manual_seed(5);
  nlohmann::json model = {{"kind", kind}, {"model_size", 2}, {"latent_dim", 8}};
  auto models = train::make_gen_models(model);
  train::CheckpointHeader header;
  header.kind = kind;
  header.preset = "test";
  header.config = {{"model", model}, {"train", nlohmann::json::object()}};
  train::CheckpointWriter writer(header);
  writer.add_module("generator", *models.generator);
  if (kind == "specgan") {
    writer.add_tensor("spec_mean", torch::full({128}, -4.0));
    writer.add_tensor("spec_std", torch::full({128}, 2.0));
  }
  writer.write(path);
  return path;
}

TEST(Sampler, SameSeedSameClipsOtherSeedOtherClips) {
  test::TempDir dir;
  Sampler sampler(write_checkpoint(dir / "g.pt", "wavegan"), {"cpu", 4});
  EXPECT_EQ(sampler.n_samples(), 16384);
  EXPECT_EQ(sampler.sample_rate_hz(), 16000);
  auto first = sampler.generate(sampler.random_latents(3, 42));
  auto again = sampler.generate(sampler.random_latents(3, 42));
  auto other = sampler.generate(sampler.random_latents(3, 43));
  ASSERT_EQ(first.size(), 3u);
  EXPECT_EQ(first[0].size(), size_t(16384));
  EXPECT_EQ(first, again);
  EXPECT_NE(first, other);
}

TEST(Sampler, BatchingDoesNotChangeTheClips) {
  test::TempDir dir;
  const auto path = write_checkpoint(dir / "g.pt", "wavegan");
  Sampler batched(path, {"cpu", 3});
  Sampler single(path, {"cpu", 1});
  auto latents = batched.random_latents(7, 1);
  auto a = batched.generate(latents);
  auto b = single.generate(latents);
  ASSERT_EQ(a.size(), 7u);
  // Convolutions over a batch may sum in another order: float round-off only.
  for (size_t i = 0; i < a.size(); ++i) {
    for (size_t t = 0; t < a[i].size(); t += 97)
      ASSERT_NEAR(a[i][t], b[i][t], 1e-5) << "clip " << i << " sample " << t;
  }
}

TEST(Sampler, InterpolationRunsFromOnePointToTheOther) {
  auto from = torch::tensor({-1.0f, 0.0f, 1.0f});
  auto to = torch::tensor({1.0f, 1.0f, 1.0f});
  auto line = Sampler::interpolate(from, to, 5);
  ASSERT_EQ(line.sizes(), (std::vector<int64_t>{5, 3}));
  EXPECT_TRUE(torch::allclose(line[0], from));
  EXPECT_TRUE(torch::allclose(line[4], to));
  EXPECT_TRUE(torch::allclose(line[2], 0.5 * (from + to)));
  EXPECT_THROW(Sampler::interpolate(from, to, 1), UsageError);
}

TEST(Sampler, SpecGanClipsComeBackThroughGriffinLim) {
  test::TempDir dir;
  SamplerOptions options{"cpu", 2, /*griffin_lim_iterations=*/2};
  Sampler sampler(write_checkpoint(dir / "s.pt", "specgan"), options);
  auto clips = sampler.generate(sampler.random_latents(2, 9));
  ASSERT_EQ(clips.size(), 2u);
  ASSERT_EQ(clips[0].size(), size_t(16384));
  for (float v : clips[1])
    ASSERT_TRUE(std::isfinite(v));
}

TEST(Sampler, RefusesCheckpointsOfOtherModels) {
  test::TempDir dir;
  train::CheckpointHeader header;
  header.kind = "segan";
  train::CheckpointWriter(header).write(dir / "segan.pt");
  EXPECT_THROW(Sampler(dir / "segan.pt"), InputError);
  EXPECT_THROW(Sampler(dir / "missing.pt"), InputError);
}

}  // namespace
}  // namespace rawgan::infer
