// Validation of a SEGAN during training: the generator enhances whole held-out files, scored
// as rawgan enhance's output would be, and rawgan train keeps best.pt by the result.
#pragma once

#include <vector>

#include "rawgan/data/windows.h"
#include "rawgan/models/segan.h"
#include "rawgan/train/segan_trainer.h"

namespace rawgan::train {

/// Validation figures: means over the validation pairs, enhanced versus noisy, in dB.
struct SeganValidation {
  double snr_gain_db = 0;
  double ssnr_gain_db = 0;
};

/// Holds validation pairs (pre-emphasised at the model's rate, as data::load_pair gives them)
/// and scores a trainer's generator on them: each file is enhanced as rawgan enhance does by
/// default (data::OverlapAdd: overlapping windows cross-faded, a lead-in), in batches of the
/// training batch size with z drawn from a generator seeded by the run's seed (the same z at
/// every validation), de-emphasised and DC-blocked (dsp::kDefaultDcBlockHz) as rawgan enhance
/// does, and compared with its clean
/// reference. Pairs whose noisy file equals the clean one (infinite SNR) are left out.
class SeganValidator {
 public:
  SeganValidator(std::vector<data::LoadedPair> pairs, const models::SeganOptions& model,
                 const SeganTrainOptions& train);

  bool empty() const { return pairs_.empty(); }

  /// Runs the generator in evaluation mode without gradients; leaves the trainer's state as
  /// it was.
  SeganValidation run(SeganTrainer& trainer) const;

 private:
  std::vector<float> enhance(SeganTrainer& trainer, const std::vector<float>& noisy,
                             at::Generator& generator) const;

  std::vector<data::LoadedPair> pairs_;
  models::SeganOptions model_;
  SeganTrainOptions train_;
  std::vector<std::vector<float>> clean_;
  std::vector<double> noisy_snr_db_, noisy_ssnr_db_;
};

}  // namespace rawgan::train
