// Playing one buffer of audio through an output device from start to end.
#pragma once

#include <cstdint>
#include <functional>

#include "rawgan/audio/audio.h"
#include "rawgan/play/device.h"

namespace rawgan::play {

struct PlayReport {
  int64_t n_frames_played = 0;  ///< frames handed to the device
  int64_t n_underruns = 0;      ///< callbacks PortAudio flagged with an output underflow
  bool interrupted = false;     ///< stopped early by Ctrl-C (rawgan::interrupt_requested)
};

/// Called about every 50 ms from the calling thread with the frames handed to the device.
using PlayProgress = std::function<void(int64_t n_frames_done)>;

/// Plays `audio` as it is (it must already be in a format the device accepts; see format.h)
/// and returns when it has played out or Ctrl-C was pressed. Blocks the calling thread; the
/// audio thread only copies samples. Throws RuntimeError if the stream cannot be opened or the
/// device takes no audio for 5 s (a stalled driver).
PlayReport play(const audio::Audio& audio, const DeviceInfo& device,
                const PlayProgress& progress = nullptr);

}  // namespace rawgan::play
