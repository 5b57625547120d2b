#include "rawgan/audio/resampler.h"

#include <soxr.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "rawgan/util/error.h"

namespace rawgan::audio {

struct Resampler::Handle {
  soxr_t soxr = nullptr;
  ~Handle() {
    if (soxr) soxr_delete(soxr);
  }
};

Resampler::Resampler(int in_rate_hz, int out_rate_hz, int n_channels)
    : in_rate_hz_(in_rate_hz),
      out_rate_hz_(out_rate_hz),
      n_channels_(n_channels),
      handle_(std::make_unique<Handle>()) {
  if (in_rate_hz <= 0 || out_rate_hz <= 0 || n_channels <= 0) {
    throw UsageError("resampler: rates and channels must be positive, got " +
                     std::to_string(in_rate_hz) + " Hz -> " + std::to_string(out_rate_hz) +
                     " Hz, " + std::to_string(n_channels) + " channels");
  }
  if (in_rate_hz == out_rate_hz) return;
  // The quality matches audio::resample so that streamed and whole-file results agree.
  soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
  soxr_quality_spec_t quality = soxr_quality_spec(SOXR_HQ, 0);
  soxr_error_t error = nullptr;
  handle_->soxr = soxr_create(in_rate_hz, out_rate_hz, n_channels, &error, &io, &quality, nullptr);
  if (error || !handle_->soxr) {
    throw RuntimeError(std::string("resampler: libsoxr cannot convert ") +
                       std::to_string(in_rate_hz) + " Hz to " + std::to_string(out_rate_hz) +
                       " Hz (" + (error ? error : "unknown error") + ")");
  }
}

Resampler::~Resampler() = default;

int64_t Resampler::output_frames(int64_t n_in_frames, int in_rate_hz, int out_rate_hz) {
  return std::llround(static_cast<double>(n_in_frames) * out_rate_hz / in_rate_hz);
}

// Appends frames, never beyond the exact total that n_in input frames call for.
void Resampler::append(const float* frames, int64_t n_frames, std::vector<float>& out) {
  const int64_t limit = output_frames(n_in_, in_rate_hz_, out_rate_hz_);
  const int64_t n_keep = std::max<int64_t>(0, std::min(n_frames, limit - n_out_));
  out.insert(out.end(), frames, frames + n_keep * n_channels_);
  n_out_ += n_keep;
}

void Resampler::process(const float* interleaved, int64_t n_frames, std::vector<float>& out) {
  if (finished_) throw RuntimeError("resampler: process called after finish");
  n_in_ += n_frames;
  if (!handle_->soxr) {
    append(interleaved, n_frames, out);
    return;
  }
  // libsoxr consumes all input when the output buffer has room for its share plus the
  // filter's backlog; loop anyway, in case it stops early.
  const double ratio = static_cast<double>(out_rate_hz_) / in_rate_hz_;
  int64_t n_done_in = 0;
  while (n_done_in < n_frames) {
    const int64_t n_left = n_frames - n_done_in;
    const size_t capacity = static_cast<size_t>(std::ceil(n_left * ratio)) + 1024;
    buffer_.resize(capacity * n_channels_);
    size_t n_used = 0;
    size_t n_made = 0;
    soxr_error_t error = soxr_process(handle_->soxr, interleaved + n_done_in * n_channels_, n_left,
                                      &n_used, buffer_.data(), capacity, &n_made);
    if (error) throw RuntimeError(std::string("resampler: libsoxr failed (") + error + ")");
    append(buffer_.data(), static_cast<int64_t>(n_made), out);
    n_done_in += static_cast<int64_t>(n_used);
    if (n_used == 0 && n_made == 0) break;
  }
}

void Resampler::finish(std::vector<float>& out) {
  if (finished_) return;
  finished_ = true;
  const int64_t target = output_frames(n_in_, in_rate_hz_, out_rate_hz_);
  if (handle_->soxr) {
    // A null input tells libsoxr the stream has ended; it then drains its filter.
    buffer_.resize(4096 * static_cast<size_t>(n_channels_));
    while (n_out_ < target) {
      size_t n_made = 0;
      soxr_error_t error =
          soxr_process(handle_->soxr, nullptr, 0, nullptr, buffer_.data(), 4096, &n_made);
      if (error) throw RuntimeError(std::string("resampler: libsoxr failed (") + error + ")");
      if (n_made == 0) break;
      append(buffer_.data(), static_cast<int64_t>(n_made), out);
    }
  }
  if (n_out_ < target) {
    out.resize(out.size() + (target - n_out_) * n_channels_, 0.0f);
    n_out_ = target;
  }
}

}  // namespace rawgan::audio
