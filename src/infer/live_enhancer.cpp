#include "rawgan/infer/live_enhancer.h"

#include <algorithm>
#include <sstream>
#include <utility>

#include "rawgan/data/overlap_add.h"
#include "rawgan/util/error.h"

namespace rawgan::infer {
namespace {

double to_ms(int64_t samples, int sample_rate_hz) {
  return 1000.0 * static_cast<double>(samples) / sample_rate_hz;
}

}  // namespace

LiveEnhancer::LiveEnhancer(EnhancementModel model, const LiveEnhancerOptions& options,
                           torch::Device device)
    : model_(std::move(model)),
      device_(device),
      window_(model_.window_samples),
      hop_(options.hop_samples > 0 ? options.hop_samples : model_.window_samples / 8),
      lookahead_(options.lookahead_samples > 0 ? options.lookahead_samples
                                               : model_.window_samples / 4),
      pre_emphasis_(model_.pre_emphasis, 1),
      output_filter_(model_.pre_emphasis, options.dc_block_hz, model_.sample_rate_hz, 1) {
  if (!model_.model) throw UsageError("live enhancement needs a model");
  if (model_.sample_rate_hz <= 0 || window_ <= 0)
    throw UsageError("live enhancement: the model needs a positive rate and window");
  if (options.hop_samples < 0 || options.lookahead_samples < 0)
    throw UsageError("live enhancement: hop and look-ahead must not be negative");
  if (hop_ <= 0 || lookahead_ <= 0 || hop_ + lookahead_ > window_)
    throw UsageError("live enhancement: hop (" + std::to_string(hop_) + ") + look-ahead (" +
                     std::to_string(lookahead_) + ") must fit in the model's window of " +
                     std::to_string(window_) + " samples, each at least 1");
  // The cross-fade reaches `crossfade` samples past the kept stretch, which the look-ahead
  // must hold, and is no longer than the stretch itself, so that only two runs overlap.
  n_threads_ = at::get_num_threads();
  ramp_ = data::crossfade_ramp(std::min(hop_, lookahead_));
  history_.assign(window_, 0.0f);
  tail_.assign(ramp_.size(), 0.0f);
}

void LiveEnhancer::process(const float* input, float* output) {
  // LibTorch's OpenMP thread count is per calling thread, and a new thread starts with every
  // core: the live loop's worker would otherwise compete with the audio thread.
  if (at::get_num_threads() != n_threads_) at::set_num_threads(n_threads_);
  // Slide the window by one hop and append the new samples, pre-emphasised.
  std::copy(history_.begin() + hop_, history_.end(), history_.begin());
  float* fresh = history_.data() + (window_ - hop_);
  std::copy(input, input + hop_, fresh);
  pre_emphasis_.process(fresh, hop_);

  torch::Tensor enhanced;
  {
    torch::InferenceMode guard;
    torch::Tensor window = torch::from_blob(history_.data(), {1, 1, window_}, torch::kFloat32);
    enhanced = model_.model(window.to(device_)).to(torch::kCPU, torch::kFloat32).contiguous();
  }
  if (enhanced.numel() != window_)
    throw RuntimeError("live enhancement: the model returned " + std::to_string(enhanced.numel()) +
                       " samples for a window of " + std::to_string(window_));
  const float* result = enhanced.data_ptr<float>();

  // Keep the stretch ending `lookahead` samples before the window's end; its first samples
  // fade in over the previous run's continuation of the same stretch of input.
  const float* kept = result + (window_ - lookahead_ - hop_);
  const int64_t n_fade = static_cast<int64_t>(ramp_.size());
  for (int64_t i = 0; i < hop_; ++i) {
    output[i] = i < n_fade ? tail_[i] * (1.0f - ramp_[i]) + kept[i] * ramp_[i] : kept[i];
  }
  std::copy(kept + hop_, kept + hop_ + n_fade, tail_.begin());

  output_filter_.process(output, hop_);
}

std::string LiveEnhancer::describe() const {
  const int rate = model_.sample_rate_hz;
  std::ostringstream text;
  text << model_.description << ": window " << window_ << " samples (" << to_ms(window_, rate)
       << " ms at " << rate << " Hz), look-ahead " << lookahead_ << " (" << to_ms(lookahead_, rate)
       << " ms), hop " << hop_ << " (" << to_ms(hop_, rate) << " ms), "
       << "so each input sample passes through the model " << static_cast<double>(window_) / hop_
       << " times";
  return text.str();
}

}  // namespace rawgan::infer
