// What rawgan sends to an output device: choosing a rate and channel count the device accepts,
// and converting audio to it. Pure functions (no PortAudio), so the policy is testable alone.
#pragma once

#include <functional>
#include <string>

#include "rawgan/audio/audio.h"

namespace rawgan::play {

struct StreamFormat {
  int sample_rate_hz = 0;
  int n_channels = 0;
  bool operator==(const StreamFormat& other) const {
    return sample_rate_hz == other.sample_rate_hz && n_channels == other.n_channels;
  }
};

/// Asks a device whether it accepts a format (for PortAudio: Pa_IsFormatSupported, float32).
using FormatSupported = std::function<bool(const StreamFormat&)>;

/// Picks the output format for `source`. Channels: the source's own count when the device has
/// that many, except that mono goes to two channels on a device with two or more (so it is
/// heard on both speakers); otherwise the device's maximum. Rates: the source's rate first,
/// then the device's default, then common rates from 48 kHz down. The first pair `supported`
/// accepts wins. Throws RuntimeError naming `device_name` when none is accepted.
StreamFormat choose_output_format(const StreamFormat& source, int max_device_channels,
                                  int default_rate_hz, const FormatSupported& supported,
                                  const std::string& device_name);

/// Changes the channel count. Up (more output channels): output channel c copies input channel
/// c % n_in, so mono goes to every channel. Down: output channel c averages the input channels
/// i with i % n_channels == c (to mono: the mean of all; 4 -> 2: left = mean(0, 2),
/// right = mean(1, 3)).
audio::Audio remix(const audio::Audio& audio, int n_channels);

/// remix, then audio::resample (libsoxr) when the rate differs.
audio::Audio convert(const audio::Audio& audio, const StreamFormat& format);

/// "16000 Hz 1 ch -> 48000 Hz 2 ch" (or "16000 Hz 1 ch, unchanged").
std::string describe_conversion(const StreamFormat& from, const StreamFormat& to);

}  // namespace rawgan::play
