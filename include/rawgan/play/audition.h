// Runs an AbMixer on PortAudio's audio thread for `rawgan audition`. The thread that reads
// keys posts events; the audio thread applies them before rendering its next block.
#pragma once

#include <atomic>
#include <cstdint>

#include "rawgan/play/device.h"
#include "rawgan/play/mixer.h"
#include "rawgan/play/ring_buffer.h"

namespace rawgan::play {

class AuditionSource : public StreamCallback {
 public:
  /// `max_frames` > 0 ends the stream after that many frames (0: loop until stopped).
  AuditionSource(AbMixer mixer, int64_t max_frames);

  /// Any one thread (the key reader): queues an event; false if 64 events are already waiting.
  bool post(const MixerEvent& event);

  /// Audio thread only.
  bool process(const float* in, float* out, int64_t n_frames, const CallbackTime& time) override;

  /// Safe from any thread: the state after the last rendered block.
  int64_t position_frames() const { return position_.load(std::memory_order_relaxed); }
  int current_version() const { return version_.load(std::memory_order_relaxed); }
  bool paused() const { return paused_.load(std::memory_order_relaxed); }
  int64_t n_frames_rendered() const { return n_rendered_.load(std::memory_order_relaxed); }
  int64_t n_underruns() const { return n_underruns_.load(std::memory_order_relaxed); }

  const AbMixer& mixer() const { return mixer_; }  ///< rate, channels, length (fixed)

 private:
  AbMixer mixer_;
  int64_t max_frames_;
  SpscRing<MixerEvent> events_{64};
  std::atomic<int64_t> position_{0};
  std::atomic<int> version_{0};
  std::atomic<bool> paused_{false};
  std::atomic<int64_t> n_rendered_{0};
  std::atomic<int64_t> n_underruns_{0};
};

}  // namespace rawgan::play
