#include "rawgan/play/player.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include "rawgan/util/error.h"
#include "rawgan/util/interrupt.h"

namespace rawgan::play {
namespace {

constexpr std::chrono::seconds kStallTimeout{5};

// Copies the buffer out block by block; zero-fills the tail of the last block.
class BufferSource : public StreamCallback {
 public:
  explicit BufferSource(const audio::Audio& audio) : audio_(audio) {}

  bool process(const float*, float* out, int64_t n_frames, const CallbackTime& time) override {
    if (time.output_underflow) n_underruns_.fetch_add(1, std::memory_order_relaxed);
    const int n_channels = audio_.n_channels;
    const int64_t done = n_done_.load(std::memory_order_relaxed);
    const int64_t n_copy = std::min(n_frames, audio_.n_frames() - done);
    const float* from = audio_.samples.data() + done * n_channels;
    std::copy(from, from + n_copy * n_channels, out);
    std::fill(out + n_copy * n_channels, out + n_frames * n_channels, 0.0f);
    n_done_.store(done + n_copy, std::memory_order_relaxed);
    return done + n_copy < audio_.n_frames();
  }

  int64_t n_done() const { return n_done_.load(std::memory_order_relaxed); }
  int64_t n_underruns() const { return n_underruns_.load(std::memory_order_relaxed); }

 private:
  const audio::Audio& audio_;
  std::atomic<int64_t> n_done_{0};
  std::atomic<int64_t> n_underruns_{0};
};

}  // namespace

PlayReport play(const audio::Audio& audio, const DeviceInfo& device, const PlayProgress& progress) {
  BufferSource source(audio);
  StreamConfig config;
  config.output = &device;
  config.n_output_channels = audio.n_channels;
  config.sample_rate_hz = audio.sample_rate_hz;
  Stream stream(config, source);

  PlayReport report;
  stream.start();
  int64_t last_done = -1;
  auto last_change = std::chrono::steady_clock::now();
  while (stream.active()) {
    if (interrupt_requested()) {
      stream.abort();
      report.interrupted = true;
      break;
    }
    // A device whose clock never runs (a broken driver or plugin) would otherwise hang here.
    const int64_t done = source.n_done();
    const auto now = std::chrono::steady_clock::now();
    if (done != last_done) {
      last_done = done;
      last_change = now;
    } else if (now - last_change > kStallTimeout) {
      stream.abort();
      throw RuntimeError("output device " + std::to_string(device.index) + " '" + device.name +
                         "' took no audio for " + std::to_string(kStallTimeout.count()) +
                         " s; it is stalled");
    }
    if (progress) progress(done);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  stream.stop();
  report.n_frames_played = source.n_done();
  report.n_underruns = source.n_underruns();
  if (progress) progress(report.n_frames_played);
  return report;
}

}  // namespace rawgan::play
