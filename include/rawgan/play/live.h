// Live enhancement: microphone -> BlockProcessor -> speakers.
//
// The audio callback only moves samples: it pushes the captured block into one lock-free ring
// and pulls the processed block from another. A worker thread runs the processor between the
// two rings. The output ring starts with `buffer_delay_samples()` zeros, which gives the worker
// one callback period plus one hop (plus safety buffers) to deliver each block. The delay from
// input to output inside rawgan is therefore fixed at
//     delay_samples() = buffer_delay_samples() + processor latency,
// and stays fixed: when the worker is late the callback plays silence for the missing frames,
// counts them as late, and drops those frames when they arrive; when the input ring is full the
// lost input is replaced by silence. Either way output sample n stays input sample n - delay.
//
// Measured (tests/cli/live_cli_test.cpp, ALSA virtual devices paced at 16 kHz, 256-frame
// buffers): the devices add 512 samples (32 ms, PortAudio's two primed buffers). With the
// default single safety buffer rawgan adds 543 samples for passthrough (hop 32) and
// 767 + 256 = 1023 for the Wiener filter (32 ms frames): 66 ms and 96 ms input to output.
#pragma once

#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

#include "rawgan/play/block_processor.h"
#include "rawgan/play/device.h"
#include "rawgan/play/ring_buffer.h"

namespace rawgan::play {

struct LiveOptions {
  int sample_rate_hz = 16000;
  int frames_per_buffer = 256;  ///< device block; smaller means less delay, more callbacks
  int n_safety_buffers = 1;     ///< extra callback periods of delay that absorb worker jitter
  float dry = 0.0f;             ///< share of the (aligned) unprocessed input in the output, 0..1
  int n_input_channels = 1;     ///< the first one is processed
  int n_output_channels = 1;    ///< the mono result is copied to each
};

class LiveLoop : public StreamCallback {
 public:
  /// `processor` must outlive the loop. Throws UsageError for options out of range.
  LiveLoop(BlockProcessor& processor, const LiveOptions& options);
  ~LiveLoop() override;

  /// Audio thread: moves one block through the rings. Never blocks or allocates.
  bool process(const float* in, float* out, int64_t n_frames, const CallbackTime& time) override;

  /// Worker side: processes every complete hop waiting in the input ring; returns the count.
  /// Call from one thread only: the worker started by start_worker, or a test without one.
  int work();
  /// Starts the worker thread and returns once it has run the processor's prepare(); what
  /// prepare() throws is rethrown here (and the thread is gone).
  void start_worker();
  void stop_worker();

  /// Stops the stream (process returns false) once this many frames have passed; 0: never.
  void set_max_frames(int64_t n_frames) { max_frames_ = n_frames; }

  int64_t buffer_delay_samples() const { return buffer_delay_samples_; }
  int64_t delay_samples() const { return buffer_delay_samples_ + processor_.latency_samples(); }

  int64_t n_frames() const { return n_frames_.load(); }
  int64_t n_late_frames() const { return n_late_frames_.load(); }  ///< worker-side underruns
  int64_t n_late_blocks() const { return n_late_blocks_.load(); }
  int64_t n_lost_input_frames() const { return n_lost_input_.load(); }
  int64_t n_device_underflows() const { return n_device_underflows_.load(); }
  int64_t n_device_overflows() const { return n_device_overflows_.load(); }
  /// Mean of (output DAC time - input ADC time) over callbacks, from PortAudio's stream
  /// clock: the device-side part of the latency. Negative when the host gave no timestamps.
  double mean_device_latency_s() const;

 private:
  BlockProcessor& processor_;
  LiveOptions options_;
  int64_t buffer_delay_samples_ = 0;
  int64_t max_frames_ = 0;

  SpscRing<float> input_ring_;
  SpscRing<float> output_ring_;
  std::vector<float> callback_mono_;  // one block of the first input channel / of the result
  std::vector<float> hop_in_;
  std::vector<float> hop_out_;
  std::vector<float> dry_delay_;  // input delayed by the processor's latency, for --dry
  size_t dry_index_ = 0;

  int64_t owed_output_frames_ = 0;  // audio thread: frames played as silence, to drop later
  int64_t owed_input_zeros_ = 0;    // audio thread: input lost to a full ring, to pad later

  std::atomic<int64_t> n_frames_{0};
  std::atomic<int64_t> n_late_frames_{0};
  std::atomic<int64_t> n_late_blocks_{0};
  std::atomic<int64_t> n_lost_input_{0};
  std::atomic<int64_t> n_device_underflows_{0};
  std::atomic<int64_t> n_device_overflows_{0};
  std::atomic<int64_t> device_latency_sum_ns_{0};
  std::atomic<int64_t> n_device_latency_{0};

  std::atomic<bool> worker_running_{false};
  std::thread worker_;
};

}  // namespace rawgan::play
