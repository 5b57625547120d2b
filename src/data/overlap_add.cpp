#include "rawgan/data/overlap_add.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "rawgan/util/error.h"

namespace rawgan::data {

std::vector<float> crossfade_ramp(int64_t n_samples) {
  std::vector<float> ramp(std::max<int64_t>(n_samples, 0));
  for (int64_t i = 0; i < n_samples; ++i) {
    const double s = std::sin(M_PI / 2 * (i + 0.5) / n_samples);
    ramp[i] = static_cast<float>(s * s);
  }
  return ramp;
}

OverlapAdd::OverlapAdd(WindowModel model, const WindowingOptions& options, int n_channels,
                       torch::Device device)
    : model_(std::move(model)),
      options_(options),
      n_channels_(n_channels),
      device_(device),
      hop_(options.window_samples - options.overlap_samples),
      ramp_(crossfade_ramp(options.overlap_samples)),
      input_(n_channels),
      accumulator_(n_channels) {
  if (options.window_samples <= 0)
    throw UsageError("window must be positive, got " + std::to_string(options.window_samples));
  // Beyond half a window, three windows would share samples and the ramps no longer sum to one.
  if (options.overlap_samples < 0 || 2 * options.overlap_samples > options.window_samples)
    throw UsageError("overlap must be in [0, " + std::to_string(options.window_samples / 2) +
                     "] samples (half the window), got " + std::to_string(options.overlap_samples));
  if (options.batch_size <= 0)
    throw UsageError("batch size must be positive, got " + std::to_string(options.batch_size));
  if (n_channels <= 0)
    throw UsageError("channel count must be positive, got " + std::to_string(n_channels));
  if (!model_) throw UsageError("overlap-add needs a model");
  if (options.lead_in_samples < 0 || 2 * options.lead_in_samples > options.window_samples) {
    throw UsageError("lead-in must be in [0, " + std::to_string(options.window_samples / 2) +
                     "] samples (half the window), got " + std::to_string(options.lead_in_samples));
  }
  // The lead-in is input like any other, whose outputs add_window drops.
  for (std::vector<float>& channel : input_)
    channel.assign(options.lead_in_samples, 0.0f);
  n_in_ = n_skip_ = options.lead_in_samples;
}

void OverlapAdd::process(const float* interleaved, int64_t n_frames, std::vector<float>& out) {
  if (finished_) throw RuntimeError("overlap-add: process called after finish");
  for (int c = 0; c < n_channels_; ++c) {
    std::vector<float>& channel = input_[c];
    const size_t offset = channel.size();
    channel.resize(offset + n_frames);
    for (int64_t i = 0; i < n_frames; ++i)
      channel[offset + i] = interleaved[i * n_channels_ + c];
  }
  n_in_ += n_frames;

  // A window is known not to be the last once input extends past its end.
  while (next_window_ * hop_ + options_.window_samples < n_in_) {
    extract_window(next_window_++, false);
    if (static_cast<int64_t>(pending_.size()) * n_channels_ >= options_.batch_size) run_batch(out);
  }
}

void OverlapAdd::finish(std::vector<float>& out) {
  if (finished_) return;
  finished_ = true;
  if (n_in_ > options_.lead_in_samples) {
    for (;;) {
      const bool last = next_window_ * hop_ + options_.window_samples >= n_in_;
      extract_window(next_window_++, last);
      if (static_cast<int64_t>(pending_.size()) * n_channels_ >= options_.batch_size)
        run_batch(out);
      if (last) break;
    }
  }
  if (!pending_.empty()) run_batch(out);
}

// Copies window `index` of every channel (zeros past the input's end) into the batch, then
// drops input frames that no later window reads.
void OverlapAdd::extract_window(int64_t index, bool last) {
  const int64_t window = options_.window_samples;
  const int64_t start = index * hop_ - in_base_;
  const size_t offset = batch_.size();
  batch_.resize(offset + static_cast<size_t>(n_channels_) * window, 0.0f);
  for (int c = 0; c < n_channels_; ++c) {
    const std::vector<float>& channel = input_[c];
    const int64_t n_copy =
        std::clamp<int64_t>(static_cast<int64_t>(channel.size()) - start, 0, window);
    std::copy_n(channel.begin() + start, n_copy, batch_.begin() + offset + c * window);
  }
  pending_.push_back({index, last});

  const int64_t n_drop =
      std::min<int64_t>((index + 1) * hop_ - in_base_, static_cast<int64_t>(input_[0].size()));
  if (n_drop > 0) {
    for (std::vector<float>& channel : input_)
      channel.erase(channel.begin(), channel.begin() + n_drop);
    in_base_ += n_drop;
  }
}

void OverlapAdd::run_batch(std::vector<float>& out) {
  const int64_t window = options_.window_samples;
  const int64_t n_rows = static_cast<int64_t>(pending_.size()) * n_channels_;
  torch::Tensor result;
  {
    torch::InferenceMode inference;
    torch::Tensor input =
        torch::from_blob(batch_.data(), {n_rows, 1, window}, torch::kFloat32).to(device_);
    result = model_(input);
    if (result.sizes() != input.sizes())
      throw RuntimeError("model returned shape " + std::string(c10::str(result.sizes())) +
                         " for input " + std::string(c10::str(input.sizes())));
    result = result.to(torch::kCPU, torch::kFloat32).contiguous();
  }
  n_windows_run_ += n_rows;

  const float* data = result.data_ptr<float>();
  std::vector<const float*> outputs(n_channels_);
  for (size_t p = 0; p < pending_.size(); ++p) {
    for (int c = 0; c < n_channels_; ++c)
      outputs[c] = data + (p * n_channels_ + c) * window;
    add_window(outputs.data(), pending_[p], out);
  }
  pending_.clear();
  batch_.clear();
}

// Adds one window's outputs with its cross-fade weights, then emits the frames no later window
// touches: everything before the next window's start, or the rest of the stream after the last.
void OverlapAdd::add_window(const float* const* outputs, const Pending& window,
                            std::vector<float>& out) {
  const int64_t n_window = options_.window_samples;
  const int64_t overlap = options_.overlap_samples;
  const int64_t start = window.index * hop_;
  const int64_t n_used = std::min(n_window, n_in_ - start);
  const int64_t final_end = window.last ? n_in_ : start + hop_;

  for (int c = 0; c < n_channels_; ++c) {
    std::vector<float>& sum = accumulator_[c];
    const int64_t offset = start - out_base_;
    if (static_cast<int64_t>(sum.size()) < offset + n_used) sum.resize(offset + n_used, 0.0f);
    for (int64_t i = 0; i < n_used; ++i) {
      float weight = 1.0f;
      if (window.index > 0 && i < overlap) weight = ramp_[i];
      if (!window.last && i >= n_window - overlap) weight = ramp_[n_window - 1 - i];
      sum[offset + i] += weight * outputs[c][i];
    }
  }

  const int64_t n_final = final_end - out_base_;
  const int64_t n_skip = std::min(n_skip_, n_final);
  const size_t offset = out.size();
  out.resize(offset + static_cast<size_t>(n_final - n_skip) * n_channels_);
  for (int c = 0; c < n_channels_; ++c) {
    std::vector<float>& sum = accumulator_[c];
    for (int64_t i = n_skip; i < n_final; ++i)
      out[offset + (i - n_skip) * n_channels_ + c] = sum[i];
    sum.erase(sum.begin(), sum.begin() + n_final);
  }
  n_skip_ -= n_skip;
  out_base_ = final_end;
}

}  // namespace rawgan::data
