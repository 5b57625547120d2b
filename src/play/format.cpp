#include "rawgan/play/format.h"

#include <algorithm>
#include <vector>

#include "rawgan/util/error.h"

namespace rawgan::play {
namespace {

template <typename T>
void push_unique(std::vector<T>& values, T value) {
  if (std::find(values.begin(), values.end(), value) == values.end()) values.push_back(value);
}

std::string format_text(const StreamFormat& format) {
  return std::to_string(format.sample_rate_hz) + " Hz " + std::to_string(format.n_channels) + " ch";
}

}  // namespace

StreamFormat choose_output_format(const StreamFormat& source, int max_device_channels,
                                  int default_rate_hz, const FormatSupported& supported,
                                  const std::string& device_name) {
  if (max_device_channels < 1)
    throw RuntimeError("device '" + device_name + "' has no output channels");

  // Mono on one channel of a stereo device would play on the left speaker only.
  int preferred = source.n_channels == 1 ? 2 : source.n_channels;
  std::vector<int> channel_counts;
  push_unique(channel_counts, std::min(preferred, max_device_channels));
  push_unique(channel_counts, std::min(2, max_device_channels));
  push_unique(channel_counts, 1);

  std::vector<int> rates;
  push_unique(rates, source.sample_rate_hz);
  if (default_rate_hz > 0) push_unique(rates, default_rate_hz);
  for (int rate : {48000, 44100, 96000, 32000, 24000, 22050, 16000, 8000})
    push_unique(rates, rate);

  for (int n_channels : channel_counts) {
    for (int rate : rates) {
      StreamFormat candidate{rate, n_channels};
      if (supported(candidate)) return candidate;
    }
  }
  throw RuntimeError("device '" + device_name + "' accepts none of the tried formats (float32, " +
                     std::to_string(channel_counts.size()) + " channel counts up to " +
                     std::to_string(channel_counts.front()) + ", " + std::to_string(rates.size()) +
                     " rates from 8000 to 96000 Hz) for " + format_text(source));
}

audio::Audio remix(const audio::Audio& audio, int n_channels) {
  if (n_channels < 1) throw UsageError("channel count must be positive");
  const int n_in = audio.n_channels;
  if (n_in == n_channels) return audio;

  audio::Audio out;
  out.sample_rate_hz = audio.sample_rate_hz;
  out.n_channels = n_channels;
  const int64_t n_frames = audio.n_frames();
  out.samples.assign(n_frames * n_channels, 0.0f);

  // How many input channels fold into each output channel (i % n_channels == c).
  std::vector<int> n_folded(n_channels, 0);
  for (int i = 0; i < n_in; ++i)
    ++n_folded[i % n_channels];

  for (int64_t f = 0; f < n_frames; ++f) {
    const float* in = &audio.samples[f * n_in];
    float* o = &out.samples[f * n_channels];
    if (n_in < n_channels) {
      for (int c = 0; c < n_channels; ++c)
        o[c] = in[c % n_in];
      continue;
    }
    for (int i = 0; i < n_in; ++i)
      o[i % n_channels] += in[i];
    for (int c = 0; c < n_channels; ++c)
      o[c] /= static_cast<float>(n_folded[c]);
  }
  return out;
}

audio::Audio convert(const audio::Audio& audio, const StreamFormat& format) {
  audio::Audio out = remix(audio, format.n_channels);
  if (out.sample_rate_hz != format.sample_rate_hz)
    out = audio::resample(out, format.sample_rate_hz);
  return out;
}

std::string describe_conversion(const StreamFormat& from, const StreamFormat& to) {
  if (from == to) return format_text(from) + ", unchanged";
  return format_text(from) + " -> " + format_text(to);
}

}  // namespace rawgan::play
