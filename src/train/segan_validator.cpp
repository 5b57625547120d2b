#include "rawgan/train/segan_validator.h"

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cmath>
#include <utility>

#include "rawgan/data/overlap_add.h"
#include "rawgan/dsp/emphasis.h"
#include "rawgan/metrics/metrics.h"

namespace rawgan::train {
namespace {

// Validation batches draw z from their own generator seeded with the run's seed, so figures
// do not depend on when validation runs and training's RNG stream is untouched by it.
constexpr uint64_t kValidationSeedOffset = 0x7a11da7e;

}  // namespace

SeganValidator::SeganValidator(std::vector<data::LoadedPair> pairs,
                               const models::SeganOptions& model, const SeganTrainOptions& train)
    : pairs_(std::move(pairs)), model_(model), train_(train) {
  for (auto& pair : pairs_) {
    auto clean = pair.clean;
    auto noisy = pair.noisy;
    dsp::de_emphasis(clean, model_.pre_emphasis);
    dsp::de_emphasis(noisy, model_.pre_emphasis);
    clean_.push_back(clean);
    noisy_snr_db_.push_back(metrics::snr_db(clean, noisy));
    noisy_ssnr_db_.push_back(metrics::segmental_snr_db(clean, noisy, model_.sample_rate_hz));
  }
}

SeganValidation SeganValidator::run(SeganTrainer& trainer) const {
  auto generator = at::make_generator<at::CPUGeneratorImpl>(train_.seed + kValidationSeedOffset);
  SeganValidation result;
  int64_t n_counted = 0;
  for (size_t i = 0; i < pairs_.size(); ++i) {
    std::vector<float> enhanced = enhance(trainer, pairs_[i].noisy, generator);
    double snr_gain = metrics::snr_db(clean_[i], enhanced) - noisy_snr_db_[i];
    double ssnr_gain =
        metrics::segmental_snr_db(clean_[i], enhanced, model_.sample_rate_hz) - noisy_ssnr_db_[i];
    if (!std::isfinite(snr_gain) || !std::isfinite(ssnr_gain)) continue;
    result.snr_gain_db += snr_gain;
    result.ssnr_gain_db += ssnr_gain;
    ++n_counted;
  }
  if (n_counted > 0) {
    result.snr_gain_db /= n_counted;
    result.ssnr_gain_db /= n_counted;
  }
  return result;
}

std::vector<float> SeganValidator::enhance(SeganTrainer& trainer, const std::vector<float>& noisy,
                                           at::Generator& generator) const {
  // Windows, cross-fades and lead-in as rawgan enhance's defaults set them, so that best.pt is
  // chosen by the output users get, seams and window starts included.
  data::WindowingOptions windowing;
  windowing.window_samples = model_.window_samples;
  windowing.overlap_samples = data::default_overlap_samples(model_.window_samples);
  windowing.lead_in_samples = windowing.overlap_samples;
  windowing.batch_size = train_.batch_size;
  const data::WindowModel model = [&](const torch::Tensor& windows) {
    torch::Tensor z;
    if (model_.latent) {
      z = torch::randn({windows.size(0), model_.bottleneck_channels(), model_.bottleneck_samples()},
                       generator);
    }
    return trainer.enhance(windows, z);
  };
  data::OverlapAdd overlap_add(model, windowing, 1);
  const int64_t n = static_cast<int64_t>(noisy.size());
  std::vector<float> enhanced;
  enhanced.reserve(noisy.size());
  overlap_add.process(noisy.data(), n, enhanced);
  overlap_add.finish(enhanced);
  // As rawgan enhance does: de-emphasis amplifies a small offset of the generator 20 times,
  // and scoring that offset would choose best.pt by it rather than by the speech.
  dsp::ModelOutputFilter output_filter(model_.pre_emphasis, dsp::kDefaultDcBlockHz,
                                       model_.sample_rate_hz, 1);
  output_filter.process(enhanced.data(), n);
  return enhanced;
}

}  // namespace rawgan::train
