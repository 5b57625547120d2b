#include "rawgan/play/live.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <future>

#include "rawgan/util/error.h"

namespace rawgan::play {
namespace {

// The callback may be handed more frames than asked for; it works through them in chunks.
constexpr int kChunkFrames = 4096;

// Rings hold a second of audio at least: far more than any sane delay, so that only a worker
// stalled for that long loses input.
size_t ring_capacity(const LiveOptions& options, int hop_samples, int64_t delay_samples) {
  int64_t need = delay_samples + 8 * (options.frames_per_buffer + hop_samples) + kChunkFrames;
  return static_cast<size_t>(std::max<int64_t>(need, options.sample_rate_hz));
}

int64_t buffer_delay(const LiveOptions& options, int hop_samples) {
  // A hop completes at the latest hop - 1 frames after its first sample arrives, in a callback
  // whose own output was already due; the next callback period is the worker's time to run.
  return static_cast<int64_t>(1 + options.n_safety_buffers) * options.frames_per_buffer +
         hop_samples - 1;
}

}  // namespace

LiveLoop::LiveLoop(BlockProcessor& processor, const LiveOptions& options)
    : processor_(processor),
      options_(options),
      buffer_delay_samples_(buffer_delay(options, processor.hop_samples())),
      input_ring_(ring_capacity(options, processor.hop_samples(), buffer_delay_samples_)),
      output_ring_(ring_capacity(options, processor.hop_samples(), buffer_delay_samples_)) {
  if (options.frames_per_buffer <= 0 || options.n_safety_buffers < 0 ||
      options.n_input_channels <= 0 || options.n_output_channels <= 0)
    throw UsageError("live: buffer size, safety buffers and channel counts must be positive");
  if (!(options.dry >= 0.0f && options.dry <= 1.0f))
    throw UsageError("--dry must be within 0..1, got " + std::to_string(options.dry));

  callback_mono_.resize(kChunkFrames);
  hop_in_.resize(processor.hop_samples());
  hop_out_.resize(processor.hop_samples());
  dry_delay_.assign(std::max(1, processor.latency_samples()), 0.0f);

  std::vector<float> zeros(buffer_delay_samples_, 0.0f);
  output_ring_.write(zeros.data(), zeros.size());
}

LiveLoop::~LiveLoop() {
  stop_worker();
}

bool LiveLoop::process(const float* in, float* out, int64_t n_frames, const CallbackTime& time) {
  if (time.output_underflow) n_device_underflows_.fetch_add(1, std::memory_order_relaxed);
  if (time.input_overflow) n_device_overflows_.fetch_add(1, std::memory_order_relaxed);
  if (time.output_dac_s > 0 && time.input_adc_s > 0) {
    auto ns = static_cast<int64_t>(std::llround((time.output_dac_s - time.input_adc_s) * 1e9));
    device_latency_sum_ns_.fetch_add(ns, std::memory_order_relaxed);
    n_device_latency_.fetch_add(1, std::memory_order_relaxed);
  }

  bool late = false;
  for (int64_t done = 0; done < n_frames;) {
    const int64_t n = std::min<int64_t>(kChunkFrames, n_frames - done);
    float* mono = callback_mono_.data();

    // Input: first channel into the ring, after any silence still owed for lost input.
    static const float kZeros[256] = {};
    while (owed_input_zeros_ > 0) {
      size_t pad = input_ring_.write(kZeros, std::min<int64_t>(owed_input_zeros_, 256));
      if (pad == 0) break;
      owed_input_zeros_ -= pad;
    }
    for (int64_t f = 0; f < n; ++f)
      mono[f] = in ? in[(done + f) * options_.n_input_channels] : 0.0f;
    int64_t n_in = owed_input_zeros_ > 0 ? 0 : input_ring_.write(mono, n);
    if (n_in < n) {
      owed_input_zeros_ += n - n_in;
      n_lost_input_.fetch_add(n - n_in, std::memory_order_relaxed);
    }

    // Output: drop what arrived too late to be played, then take this block.
    if (owed_output_frames_ > 0) owed_output_frames_ -= output_ring_.discard(owed_output_frames_);
    int64_t n_out = owed_output_frames_ > 0 ? 0 : output_ring_.read(mono, n);
    if (n_out < n) {
      std::fill(mono + n_out, mono + n, 0.0f);
      owed_output_frames_ += n - n_out;
      n_late_frames_.fetch_add(n - n_out, std::memory_order_relaxed);
      late = true;
    }
    for (int64_t f = 0; f < n; ++f)
      std::fill_n(out + (done + f) * options_.n_output_channels, options_.n_output_channels,
                  mono[f]);
    done += n;
  }
  if (late) n_late_blocks_.fetch_add(1, std::memory_order_relaxed);

  int64_t total = n_frames_.fetch_add(n_frames, std::memory_order_relaxed) + n_frames;
  return max_frames_ <= 0 || total < max_frames_;
}

int LiveLoop::work() {
  const size_t hop = hop_in_.size();
  int n_hops = 0;
  while (input_ring_.n_readable() >= hop && output_ring_.n_writable() >= hop) {
    input_ring_.read(hop_in_.data(), hop);
    processor_.process(hop_in_.data(), hop_out_.data());
    if (options_.dry > 0.0f) {
      // The dry path is delayed by the processor's latency so both paths line up.
      const bool delayed = processor_.latency_samples() > 0;
      for (size_t i = 0; i < hop; ++i) {
        float dry = hop_in_[i];
        if (delayed) {
          std::swap(dry, dry_delay_[dry_index_]);
          dry_index_ = (dry_index_ + 1) % dry_delay_.size();
        }
        hop_out_[i] = (1.0f - options_.dry) * hop_out_[i] + options_.dry * dry;
      }
    }
    output_ring_.write(hop_out_.data(), hop);
    ++n_hops;
  }
  return n_hops;
}

void LiveLoop::start_worker() {
  if (worker_running_.exchange(true)) return;
  // Poll a few times per callback period: cheap, and no lock is shared with the callback.
  const auto period = std::chrono::microseconds(
      static_cast<int64_t>(1e6 * options_.frames_per_buffer / options_.sample_rate_hz));
  const auto nap = std::max(std::chrono::microseconds(100), period / 8);
  std::promise<void> prepared;
  std::future<void> ready = prepared.get_future();
  worker_ = std::thread([this, nap, &prepared] {
    try {
      processor_.prepare();
      prepared.set_value();
    } catch (...) {
      prepared.set_exception(std::current_exception());
      return;
    }
    while (worker_running_.load()) {
      if (work() == 0) std::this_thread::sleep_for(nap);
    }
  });
  try {
    ready.get();  // the stream starts only once the processor is warm
  } catch (...) {
    stop_worker();
    throw;
  }
}

void LiveLoop::stop_worker() {
  worker_running_ = false;
  if (worker_.joinable()) worker_.join();
}

double LiveLoop::mean_device_latency_s() const {
  int64_t n = n_device_latency_.load();
  return n > 0 ? 1e-9 * static_cast<double>(device_latency_sum_ns_.load()) / n : -1.0;
}

}  // namespace rawgan::play
