#include "rawgan/play/live.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <thread>
#include <vector>

#include "rawgan/util/error.h"
#include "support/test_support.h"

namespace rawgan::play {
namespace {

// Drives a LiveLoop as PortAudio and the worker thread would, but in one thread and in a fixed
// order: callback k, then (unless the worker is "stalled" at k) the worker's turn.
std::vector<float> drive(LiveLoop& loop, const std::vector<float>& input, int block,
                         int n_output_channels = 1, std::vector<int> stalled = {}) {
  std::vector<float> output(input.size() * n_output_channels);
  for (size_t k = 0; (k + 1) * block <= input.size(); ++k) {
    loop.process(&input[k * block], &output[k * block * n_output_channels], block, {});
    if (std::find(stalled.begin(), stalled.end(), static_cast<int>(k)) == stalled.end())
      loop.work();
  }
  return output;
}

std::vector<float> offset_ramp(size_t n) {
  // Never zero, every sample distinct: a shifted copy cannot match by accident.
  std::vector<float> x(n);
  for (size_t i = 0; i < n; ++i)
    x[i] = 0.1f + 0.8f * static_cast<float>(i) / static_cast<float>(n);
  return x;
}

TEST(LiveLoop, PassthroughDelaysByExactlyTheStatedSamples) {
  PassthroughProcessor passthrough(32);
  LiveOptions options;
  options.frames_per_buffer = 64;
  LiveLoop loop(passthrough, options);
  // One callback period plus one hop (less one frame) plus one safety buffer.
  EXPECT_EQ(loop.delay_samples(), 64 + 32 - 1 + 64);

  std::vector<float> input = offset_ramp(64 * 100);
  std::vector<float> output = drive(loop, input, 64);
  const int64_t delay = loop.delay_samples();
  for (int64_t n = 0; n < static_cast<int64_t>(output.size()); ++n)
    ASSERT_EQ(output[n], n < delay ? 0.0f : input[n - delay]) << "sample " << n;
  EXPECT_EQ(loop.n_late_frames(), 0);
  EXPECT_EQ(loop.n_frames(), static_cast<int64_t>(input.size()));
}

TEST(LiveLoop, ALateWorkerCostsSilenceButNeverShiftsTheDelay) {
  PassthroughProcessor passthrough(16);
  LiveOptions options;
  options.frames_per_buffer = 32;
  options.n_safety_buffers = 0;
  LiveLoop loop(passthrough, options);
  std::vector<float> input = offset_ramp(32 * 200);
  // The worker misses five turns in a row, far beyond the zero safety buffers.
  std::vector<float> output = drive(loop, input, 32, 1, {50, 51, 52, 53, 54});

  const int64_t delay = loop.delay_samples();
  int64_t n_silent = 0;
  for (int64_t n = delay; n < static_cast<int64_t>(output.size()); ++n) {
    if (output[n] == 0.0f) {
      ++n_silent;
      continue;
    }
    ASSERT_EQ(output[n], input[n - delay]) << "sample " << n;
  }
  EXPECT_GT(loop.n_late_frames(), 0);
  EXPECT_EQ(n_silent, loop.n_late_frames());
  EXPECT_GE(loop.n_late_blocks(), 1);
}

TEST(LiveLoop, DryPathIsAlignedWithTheProcessor) {
  // With --dry 1 the output is the unprocessed input, delayed like the processed path: the
  // Wiener filter's look-ahead plus the loop's buffers.
  auto wiener = SpectralProcessor::wiener(16000, 32.0f);
  LiveOptions options;
  options.dry = 1.0f;
  options.n_output_channels = 2;
  LiveLoop loop(*wiener, options);
  EXPECT_EQ(loop.delay_samples(), loop.buffer_delay_samples() + wiener->latency_samples());

  std::vector<float> input = offset_ramp(256 * 40);
  std::vector<float> output = drive(loop, input, 256, 2);
  const int64_t delay = loop.delay_samples();
  for (int64_t n = delay; n < static_cast<int64_t>(input.size()); ++n) {
    ASSERT_EQ(output[2 * n], input[n - delay]) << n;
    ASSERT_EQ(output[2 * n + 1], input[n - delay]) << n;
  }
}

TEST(LiveLoop, WienerOutputLagsByTheStatedDelay) {
  // A chirp in light noise passes the Wiener filter nearly unchanged, and its cross-correlation
  // with the input peaks at a single lag: the loop's stated delay.
  const int rate = 16000;
  const int64_t n = rate;
  audio::Audio noise = test::white_noise(rate, n, 0.01f, 7);
  std::vector<float> input(n);
  for (int64_t i = 0; i < n; ++i) {
    double t = static_cast<double>(i) / rate;
    input[i] =
        0.5f * static_cast<float>(std::sin(2 * M_PI * (200 * t + 1400 * t * t))) + noise.samples[i];
  }
  auto wiener = SpectralProcessor::wiener(rate, 32.0f);
  LiveOptions options;
  LiveLoop loop(*wiener, options);
  std::vector<float> output = drive(loop, input, 256);

  int64_t best_lag = -1;
  double best = -1e30;
  for (int64_t lag = 0; lag < 2000; ++lag) {
    double sum = 0;
    for (int64_t i = 4000; i + lag < n; ++i)
      sum += input[i] * output[i + lag];
    if (sum > best) {
      best = sum;
      best_lag = lag;
    }
  }
  EXPECT_EQ(best_lag, loop.delay_samples());
}

// Records the threads prepare() and process() run on.
class ThreadRecorder : public PassthroughProcessor {
 public:
  explicit ThreadRecorder(bool fail) : PassthroughProcessor(16), fail_(fail) {}
  void prepare() override {
    prepared_on = std::this_thread::get_id();
    if (fail_) throw RuntimeError("warm-up failed");
  }
  void process(const float* input, float* output) override {
    processed_on = std::this_thread::get_id();
    PassthroughProcessor::process(input, output);
  }
  std::thread::id prepared_on, processed_on;

 private:
  bool fail_;
};

TEST(LiveLoop, WorkerPreparesTheProcessorOnItsOwnThreadBeforeReturning) {
  ThreadRecorder recorder(false);
  LiveOptions options;
  options.frames_per_buffer = 32;
  LiveLoop loop(recorder, options);
  loop.start_worker();
  // prepare() has run by the time start_worker returns, and not on this thread.
  EXPECT_NE(recorder.prepared_on, std::thread::id());
  EXPECT_NE(recorder.prepared_on, std::this_thread::get_id());
  std::vector<float> input(32, 0.5f), output(32);
  loop.process(input.data(), output.data(), 32, {});
  for (int i = 0; i < 200 && loop.n_frames() > 0 && recorder.processed_on == std::thread::id(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  loop.stop_worker();
  EXPECT_EQ(recorder.processed_on, recorder.prepared_on);

  ThreadRecorder failing(true);
  LiveLoop failing_loop(failing, options);
  EXPECT_THROW(failing_loop.start_worker(), RuntimeError);
  failing_loop.stop_worker();  // nothing left to join
}

TEST(LiveLoop, RejectsOptionsOutOfRange) {
  PassthroughProcessor passthrough(32);
  LiveOptions options;
  options.dry = 1.5f;
  EXPECT_THROW(LiveLoop(passthrough, options), UsageError);
  options.dry = 0.0f;
  options.frames_per_buffer = 0;
  EXPECT_THROW(LiveLoop(passthrough, options), UsageError);
}

}  // namespace
}  // namespace rawgan::play
