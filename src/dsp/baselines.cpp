#include "rawgan/dsp/baselines.h"

#include <algorithm>
#include <cmath>
#include <complex>
#include <string>

#include "rawgan/dsp/fft.h"
#include "rawgan/dsp/window.h"
#include "rawgan/util/error.h"

namespace rawgan::dsp {

// Computes one gain per bin from the frame's periodogram and the current noise estimate.
class SpectralEnhancer::GainRule {
 public:
  virtual ~GainRule() = default;
  virtual void gains(const float* power, const float* noise_power, float* gain) = 0;
  virtual void reset() = 0;
};

namespace {

// Wiener gain xi / (1 + xi) with the decision-directed a priori SNR xi: Ephraim & Malah 1984,
// eq. 51, weighting the previous frame's clean-power estimate against max(gamma - 1, 0).
class WienerRule : public SpectralEnhancer::GainRule {
 public:
  WienerRule(int n_bins, const WienerOptions& options)
      : alpha_(options.dd_alpha),
        min_prior_snr_(std::pow(10.0f, options.min_prior_snr_db / 10.0f)),
        previous_clean_power_(n_bins, 0.0f) {}

  void gains(const float* power, const float* noise_power, float* gain) override {
    for (size_t k = 0; k < previous_clean_power_.size(); ++k) {
      const float posterior_snr = power[k] / noise_power[k];
      const float prior_snr =
          std::max(min_prior_snr_, alpha_ * previous_clean_power_[k] / noise_power[k] +
                                       (1.0f - alpha_) * std::max(posterior_snr - 1.0f, 0.0f));
      gain[k] = prior_snr / (1.0f + prior_snr);
      previous_clean_power_[k] = gain[k] * gain[k] * power[k];
    }
  }
  void reset() override {
    std::fill(previous_clean_power_.begin(), previous_clean_power_.end(), 0.0f);
  }

 private:
  float alpha_;
  float min_prior_snr_;
  std::vector<float> previous_clean_power_;
};

// Power subtraction (Berouti et al. 1979, eq. 4 with exponent 2): |X|^2 = |Y|^2 - alpha N,
// never below beta |Y|^2; the gain is the amplitude ratio |X| / |Y|.
class SubtractionRule : public SpectralEnhancer::GainRule {
 public:
  explicit SubtractionRule(const SpectralSubtractionOptions& options)
      : alpha_(options.over_subtraction), beta_(options.spectral_floor), n_bins_(0) {}

  void set_bins(int n_bins) { n_bins_ = n_bins; }
  void gains(const float* power, const float* noise_power, float* gain) override {
    const float floor_gain = std::sqrt(beta_);
    for (int k = 0; k < n_bins_; ++k) {
      if (!(power[k] > 0)) {
        gain[k] = floor_gain;
        continue;
      }
      const float ratio = 1.0f - alpha_ * noise_power[k] / power[k];
      gain[k] = std::sqrt(std::max(ratio, beta_));
    }
  }
  void reset() override {}

 private:
  float alpha_;
  float beta_;
  int n_bins_;
};

int frame_samples_for(int sample_rate_hz, float frame_ms) {
  if (sample_rate_hz < kMinEnhancementRateHz)
    throw UsageError("enhancement needs a sample rate of at least " +
                     std::to_string(kMinEnhancementRateHz) + " Hz, got " +
                     std::to_string(sample_rate_hz));
  if (!(frame_ms >= 4 && frame_ms <= 256))
    throw UsageError("frame length must be in [4, 256] ms, got " + std::to_string(frame_ms));
  const int samples = static_cast<int>(std::lround(sample_rate_hz * frame_ms / 1000.0));
  return std::max(4, samples + (samples % 2));
}

void check_unit_interval(float value, const char* name) {
  if (!(value >= 0 && value < 1))
    throw UsageError(std::string(name) + " must be in [0, 1), got " + std::to_string(value));
}

}  // namespace

struct SpectralEnhancer::State {
  int frame_samples;
  int hop_samples;
  const RealFft* fft;
  std::vector<float> window;
  float synthesis_scale;       // 1 / overlap-added squared window
  std::vector<float> history;  // last frame_samples inputs
  std::vector<float> overlap;  // overlap-add accumulator, frame_samples long
  std::vector<float> frame;    // scratch: windowed time frame
  std::vector<std::complex<float>> spectrum;
  std::vector<float> power;
  std::vector<float> gain;
  NoiseTracker tracker;
  std::unique_ptr<GainRule> rule;

  State(int frame_length, const NoiseTrackerOptions& noise)
      : frame_samples(frame_length),
        hop_samples(frame_length / 2),
        fft(&RealFft::get(frame_length)),
        window(make_window(WindowType::kSqrtHann, frame_length)),
        history(frame_length, 0.0f),
        overlap(frame_length, 0.0f),
        frame(frame_length, 0.0f),
        spectrum(frame_length / 2 + 1),
        power(frame_length / 2 + 1),
        gain(frame_length / 2 + 1),
        tracker(frame_length / 2 + 1, noise) {
    synthesis_scale = 1.0f / static_cast<float>(overlap_add_range(window, hop_samples, 2).max);
  }
};

SpectralEnhancer::SpectralEnhancer(std::unique_ptr<State> state) : state_(std::move(state)) {}
SpectralEnhancer::~SpectralEnhancer() = default;
SpectralEnhancer::SpectralEnhancer(SpectralEnhancer&&) noexcept = default;
SpectralEnhancer& SpectralEnhancer::operator=(SpectralEnhancer&&) noexcept = default;

SpectralEnhancer SpectralEnhancer::wiener(int sample_rate_hz, const WienerOptions& options) {
  check_unit_interval(options.dd_alpha, "Wiener decision-directed alpha");
  auto state =
      std::make_unique<State>(frame_samples_for(sample_rate_hz, options.frame_ms), options.noise);
  state->rule = std::make_unique<WienerRule>(state->frame_samples / 2 + 1, options);
  return SpectralEnhancer(std::move(state));
}

SpectralEnhancer SpectralEnhancer::spectral_subtraction(int sample_rate_hz,
                                                        const SpectralSubtractionOptions& options) {
  if (!(options.over_subtraction >= 0 && options.over_subtraction <= 20))
    throw UsageError("over-subtraction factor must be in [0, 20], got " +
                     std::to_string(options.over_subtraction));
  check_unit_interval(options.spectral_floor, "spectral floor");
  auto state =
      std::make_unique<State>(frame_samples_for(sample_rate_hz, options.frame_ms), options.noise);
  auto rule = std::make_unique<SubtractionRule>(options);
  rule->set_bins(state->frame_samples / 2 + 1);
  state->rule = std::move(rule);
  return SpectralEnhancer(std::move(state));
}

int SpectralEnhancer::frame_samples() const {
  return state_->frame_samples;
}
int SpectralEnhancer::hop_samples() const {
  return state_->hop_samples;
}
int SpectralEnhancer::latency_samples() const {
  return state_->frame_samples - state_->hop_samples;
}

void SpectralEnhancer::reset() {
  State& s = *state_;
  std::fill(s.history.begin(), s.history.end(), 0.0f);
  std::fill(s.overlap.begin(), s.overlap.end(), 0.0f);
  s.tracker.reset();
  s.rule->reset();
}

void SpectralEnhancer::process(const float* input, float* output) {
  State& s = *state_;
  const int n = s.frame_samples;
  const int hop = s.hop_samples;

  // Slide the input history by one hop and analyse the newest frame.
  std::copy(s.history.begin() + hop, s.history.end(), s.history.begin());
  std::copy(input, input + hop, s.history.end() - hop);
  for (int i = 0; i < n; ++i)
    s.frame[i] = s.history[i] * s.window[i];
  s.fft->forward(s.frame.data(), s.spectrum.data());
  for (size_t k = 0; k < s.spectrum.size(); ++k)
    s.power[k] = std::norm(s.spectrum[k]);

  // Update the noise estimate, then apply the gain rule.
  s.tracker.update(s.power.data());
  s.rule->gains(s.power.data(), s.tracker.noise_power().data(), s.gain.data());
  for (size_t k = 0; k < s.spectrum.size(); ++k)
    s.spectrum[k] *= s.gain[k];

  // Synthesis window and overlap-add; the first hop of the accumulator is now complete.
  s.fft->inverse(s.spectrum.data(), s.frame.data());
  for (int i = 0; i < n; ++i)
    s.overlap[i] += s.frame[i] * s.window[i] * s.synthesis_scale;
  std::copy(s.overlap.begin(), s.overlap.begin() + hop, output);
  std::copy(s.overlap.begin() + hop, s.overlap.end(), s.overlap.begin());
  std::fill(s.overlap.end() - hop, s.overlap.end(), 0.0f);
}

namespace {

std::vector<float> run_offline(SpectralEnhancer enhancer, const std::vector<float>& mono) {
  const size_t hop = enhancer.hop_samples();
  const size_t latency = enhancer.latency_samples();
  // Feed the signal followed by enough zeros to flush the latency, in whole hops.
  const size_t n_needed = mono.size() + latency;
  const size_t n_padded = (n_needed + hop - 1) / hop * hop;
  std::vector<float> padded(n_padded, 0.0f);
  std::copy(mono.begin(), mono.end(), padded.begin());
  std::vector<float> out(n_padded);
  for (size_t start = 0; start < n_padded; start += hop)
    enhancer.process(&padded[start], &out[start]);
  return std::vector<float>(out.begin() + latency, out.begin() + latency + mono.size());
}

}  // namespace

std::vector<float> enhance_wiener(const std::vector<float>& mono, int sample_rate_hz,
                                  const WienerOptions& options) {
  return run_offline(SpectralEnhancer::wiener(sample_rate_hz, options), mono);
}

std::vector<float> enhance_spectral_subtraction(const std::vector<float>& mono, int sample_rate_hz,
                                                const SpectralSubtractionOptions& options) {
  return run_offline(SpectralEnhancer::spectral_subtraction(sample_rate_hz, options), mono);
}

}  // namespace rawgan::dsp
