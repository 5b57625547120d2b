#include "rawgan/train/gen_models.h"

#include "rawgan/models/began.h"
#include "rawgan/util/error.h"

namespace rawgan::train {

GenModels make_gen_models(const nlohmann::json& model) {
  GenModels result;
  result.kind = model.value("kind", std::string("wavegan"));
  if (result.kind == "wavegan") {
    result.wavegan = models::wavegan_options_from_json(model);
    models::WaveGanGenerator generator(result.wavegan);
    result.generator = generator.ptr();
    result.generate = [generator](const torch::Tensor& z) mutable { return generator(z); };
    result.latent_dim = result.wavegan.latent_dim;
    result.n_samples = result.wavegan.n_samples;
    result.sample_rate_hz = result.wavegan.sample_rate_hz;
  } else if (result.kind == "specgan") {
    result.specgan = models::specgan_options_from_json(model);
    models::SpecGanGenerator generator(result.specgan);
    result.generator = generator.ptr();
    result.generate = [generator](const torch::Tensor& z) mutable { return generator(z); };
    result.latent_dim = result.specgan.latent_dim;
    result.n_samples = result.specgan.n_samples;
    result.sample_rate_hz = result.specgan.sample_rate_hz;
  } else {
    throw UsageError("model kind '" + result.kind +
                     "' is not a generation model (expected "
                     "wavegan or specgan)");
  }
  return result;
}

void add_discriminator(GenModels& models, GanLoss loss, int64_t began_code_dim) {
  if (loss == GanLoss::kBegan) {
    if (models.kind != "wavegan") {
      throw UsageError(
          "--loss began: the autoencoder discriminator is one-dimensional and "
          "works with wavegan presets only, not " +
          models.kind);
    }
    models::BeganAutoencoderOptions options;
    options.wavegan = models.wavegan;
    options.code_dim = began_code_dim;
    models::BeganAutoencoder autoencoder(options);
    models.discriminator = autoencoder.ptr();
    models.reconstruct = [autoencoder](const torch::Tensor& x) mutable { return autoencoder(x); };
  } else if (models.kind == "wavegan") {
    models::WaveGanDiscriminator critic(models.wavegan);
    models.discriminator = critic.ptr();
    models.score = [critic](const torch::Tensor& x) mutable { return critic(x); };
  } else {
    models::SpecGanDiscriminator critic(models.specgan);
    models.discriminator = critic.ptr();
    models.score = [critic](const torch::Tensor& x) mutable { return critic(x); };
  }
}

void to_device(GenModels& models, torch::Device device) {
  models.generator->to(device);
  if (models.discriminator) models.discriminator->to(device);
}

}  // namespace rawgan::train
