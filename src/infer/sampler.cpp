#include "rawgan/infer/sampler.h"

#include <cstring>
#include <random>

#include "rawgan/data/spec_images.h"
#include "rawgan/train/checkpoint.h"
#include "rawgan/train/gen_models.h"
#include "rawgan/train/run.h"
#include "rawgan/util/error.h"

namespace rawgan::infer {

struct Sampler::State {
  train::GenModels models;
  torch::Device device = torch::kCPU;
  SamplerOptions options;
  data::SpecNormaliser normaliser;
  int64_t step = 0;
};

Sampler::Sampler(const std::filesystem::path& checkpoint, const SamplerOptions& options)
    : state_(std::make_unique<State>()) {
  if (options.batch_size <= 0)
    throw UsageError("batch size must be > 0, got " + std::to_string(options.batch_size));
  state_->options = options;
  state_->device = train::select_device(options.device);
  train::CheckpointReader reader(checkpoint, "", state_->device);
  const auto& header = reader.header();
  if (header.kind != "wavegan" && header.kind != "specgan") {
    throw InputError(checkpoint.string() + ": a '" + header.kind +
                     "' checkpoint, expected a generator (wavegan or specgan)");
  }
  if (!header.config.contains("model"))
    throw InputError(checkpoint.string() + ": no model configuration in the checkpoint");
  state_->models = train::make_gen_models(header.config["model"]);
  reader.load_module("generator", *state_->models.generator);
  state_->models.generator->to(state_->device);
  state_->models.generator->eval();
  if (header.kind == "specgan") {
    state_->normaliser.mean = reader.tensor("spec_mean").to(torch::kCPU);
    state_->normaliser.std = reader.tensor("spec_std").to(torch::kCPU);
  }
  state_->step = header.step;
}

Sampler::~Sampler() = default;

const std::string& Sampler::kind() const {
  return state_->models.kind;
}
int64_t Sampler::latent_dim() const {
  return state_->models.latent_dim;
}
int64_t Sampler::n_samples() const {
  return state_->models.n_samples;
}
int Sampler::sample_rate_hz() const {
  return static_cast<int>(state_->models.sample_rate_hz);
}
int64_t Sampler::step() const {
  return state_->step;
}

torch::Tensor Sampler::random_latents(int64_t n, uint64_t seed) const {
  std::mt19937_64 rng(seed);
  auto latents = torch::empty({n, latent_dim()});
  float* z = latents.data_ptr<float>();
  for (int64_t i = 0; i < latents.numel(); ++i) {
    // 53 random bits to [0, 1), then to [-1, 1): the same on every standard library.
    const double unit = double(rng() >> 11) * 0x1.0p-53;
    z[i] = static_cast<float>(2.0 * unit - 1.0);
  }
  return latents;
}

torch::Tensor Sampler::interpolate(const torch::Tensor& from, const torch::Tensor& to,
                                   int64_t n_steps) {
  if (n_steps < 2)
    throw UsageError("--interpolate needs at least 2 steps, got " + std::to_string(n_steps));
  auto t = torch::linspace(0.0, 1.0, n_steps).unsqueeze(1);
  return (1 - t) * from.unsqueeze(0) + t * to.unsqueeze(0);
}

std::vector<std::vector<float>> Sampler::generate(const torch::Tensor& latents) {
  if (latents.dim() != 2 || latents.size(1) != latent_dim()) {
    throw UsageError("latent points must be [n, " + std::to_string(latent_dim()) + "], got " +
                     c10::str(latents.sizes()));
  }
  torch::InferenceMode guard;
  const auto& models = state_->models;
  std::vector<std::vector<float>> clips;
  clips.reserve(latents.size(0));
  for (int64_t start = 0; start < latents.size(0); start += state_->options.batch_size) {
    const int64_t n = std::min(state_->options.batch_size, latents.size(0) - start);
    auto output = models.generate(latents.narrow(0, start, n).to(state_->device))
                      .to(torch::kCPU, torch::kFloat)
                      .contiguous();
    if (models.kind == "wavegan") {
      for (int64_t i = 0; i < n; ++i) {
        const float* data = output[i].data_ptr<float>();
        clips.emplace_back(data, data + models.n_samples);
      }
      continue;
    }
    const auto& spec = models.specgan;
    data::SpecImageOptions image_options{spec.image_size, spec.n_samples, spec.window_samples,
                                         spec.hop_samples};
    const int iterations = state_->options.griffin_lim_iterations >= 0
                               ? state_->options.griffin_lim_iterations
                               : static_cast<int>(spec.griffin_lim_iterations);
    auto log_images = state_->normaliser.denormalise(output);
    for (int64_t i = 0; i < n; ++i) {
      auto wave = data::image_to_waveform(log_images[i][0], image_options, iterations,
                                          static_cast<uint32_t>(start + i));
      clips.push_back(std::move(wave.samples));
    }
  }
  return clips;
}

}  // namespace rawgan::infer
