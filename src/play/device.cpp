#include "rawgan/play/device.h"

#include <fcntl.h>
#include <portaudio.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "rawgan/util/error.h"
#include "rawgan/util/log.h"

namespace rawgan::play {
namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// Runs `work` with file descriptor 2 pointed at /dev/null: ALSA and JACK print their probing
// failures (no sound card, no JACK server) straight to stderr, which buries rawgan's own lines.
template <typename Work>
auto with_stderr_silenced(Work work) {
  if (log::enabled(log::Level::kDebug)) return work();
  std::fflush(stderr);
  int saved = dup(2);
  int null_fd = open("/dev/null", O_WRONLY);
  if (saved >= 0 && null_fd >= 0) dup2(null_fd, 2);
  auto result = work();
  std::fflush(stderr);
  if (saved >= 0) {
    dup2(saved, 2);
    close(saved);
  }
  if (null_fd >= 0) close(null_fd);
  return result;
}

DeviceInfo make_info(int index) {
  const PaDeviceInfo* pa = Pa_GetDeviceInfo(index);
  DeviceInfo info;
  info.index = index;
  if (!pa) return info;
  info.name = pa->name ? pa->name : "";
  const PaHostApiInfo* host = Pa_GetHostApiInfo(pa->hostApi);
  info.host_api = host && host->name ? host->name : "?";
  info.max_input_channels = pa->maxInputChannels;
  info.max_output_channels = pa->maxOutputChannels;
  info.default_sample_rate_hz = pa->defaultSampleRate;
  bool output = pa->maxOutputChannels > 0;
  info.default_low_latency_s = output ? pa->defaultLowOutputLatency : pa->defaultLowInputLatency;
  info.default_high_latency_s = output ? pa->defaultHighOutputLatency : pa->defaultHighInputLatency;
  info.is_default_input = index == Pa_GetDefaultInputDevice();
  info.is_default_output = index == Pa_GetDefaultOutputDevice();
  return info;
}

int n_channels_in(const DeviceInfo& device, Direction direction) {
  return direction == Direction::kInput ? device.max_input_channels : device.max_output_channels;
}

const char* direction_name(Direction direction) {
  return direction == Direction::kInput ? "input" : "output";
}

PaStreamParameters parameters(const DeviceInfo& device, Direction direction, int n_channels,
                              bool low_latency) {
  const PaDeviceInfo* pa = Pa_GetDeviceInfo(device.index);
  PaStreamParameters p{};
  p.device = device.index;
  p.channelCount = n_channels;
  p.sampleFormat = paFloat32;
  if (direction == Direction::kInput)
    p.suggestedLatency = low_latency ? pa->defaultLowInputLatency : pa->defaultHighInputLatency;
  else
    p.suggestedLatency = low_latency ? pa->defaultLowOutputLatency : pa->defaultHighOutputLatency;
  return p;
}

extern "C" int stream_trampoline(const void* in, void* out, unsigned long n_frames,
                                 const PaStreamCallbackTimeInfo* time_info,
                                 PaStreamCallbackFlags flags, void* user) {
  auto* callback = static_cast<StreamCallback*>(user);
  CallbackTime time;
  if (time_info) {
    time.input_adc_s = time_info->inputBufferAdcTime;
    time.current_s = time_info->currentTime;
    time.output_dac_s = time_info->outputBufferDacTime;
  }
  time.input_overflow = (flags & paInputOverflow) != 0;
  time.output_underflow = (flags & paOutputUnderflow) != 0;
  try {
    bool more = callback->process(static_cast<const float*>(in), static_cast<float*>(out),
                                  static_cast<int64_t>(n_frames), time);
    return more ? paContinue : paComplete;
  } catch (...) {
    return paAbort;  // an exception must not cross PortAudio's C frames
  }
}

}  // namespace

PortAudioSession::PortAudioSession() {
  PaError error = with_stderr_silenced([] { return Pa_Initialize(); });
  if (error != paNoError)
    throw RuntimeError(std::string("cannot start PortAudio: ") + Pa_GetErrorText(error));
}

PortAudioSession::~PortAudioSession() {
  Pa_Terminate();
}

int PortAudioSession::n_host_apis() const {
  return std::max(0, static_cast<int>(Pa_GetHostApiCount()));
}

std::vector<DeviceInfo> list_devices() {
  std::vector<DeviceInfo> devices;
  int n = Pa_GetDeviceCount();
  for (int i = 0; i < n; ++i)
    devices.push_back(make_info(i));
  return devices;
}

DeviceInfo find_device(const std::string& spec, Direction direction) {
  const char* what = direction_name(direction);
  std::vector<DeviceInfo> devices = list_devices();
  if (spec.empty()) {
    int index =
        direction == Direction::kInput ? Pa_GetDefaultInputDevice() : Pa_GetDefaultOutputDevice();
    if (index == paNoDevice || index < 0)
      throw RuntimeError(std::string("no default audio ") + what + " device (PortAudio lists " +
                         std::to_string(devices.size()) +
                         " devices; see 'rawgan devices' and pass one by ID or name)");
    return make_info(index);
  }

  std::vector<DeviceInfo> matches;
  bool digits =
      std::all_of(spec.begin(), spec.end(), [](unsigned char c) { return std::isdigit(c); });
  for (const DeviceInfo& device : devices) {
    if (digits ? std::to_string(device.index) == spec : device.name == spec) matches = {device};
  }
  if (matches.empty() && !digits) {
    for (const DeviceInfo& device : devices)
      if (lower(device.name).find(lower(spec)) != std::string::npos) matches.push_back(device);
  }
  if (matches.empty())
    throw UsageError(std::string("--") + what + "-device: no " + what + " device '" + spec +
                     "' among " + std::to_string(devices.size()) +
                     " devices (see 'rawgan devices')");
  if (matches.size() > 1) {
    std::string names;
    for (const DeviceInfo& device : matches)
      names +=
          (names.empty() ? "" : ", ") + std::to_string(device.index) + " '" + device.name + "'";
    throw UsageError("device '" + spec + "' is ambiguous: " + names + "; use the ID");
  }
  if (n_channels_in(matches[0], direction) < 1)
    throw UsageError("device " + std::to_string(matches[0].index) + " '" + matches[0].name +
                     "' has no " + what + " channels");
  return matches[0];
}

bool format_supported(const DeviceInfo& device, Direction direction, const StreamFormat& format) {
  if (format.n_channels > n_channels_in(device, direction)) return false;
  PaStreamParameters p = parameters(device, direction, format.n_channels, false);
  const PaStreamParameters* in = direction == Direction::kInput ? &p : nullptr;
  const PaStreamParameters* out = direction == Direction::kOutput ? &p : nullptr;
  return Pa_IsFormatSupported(in, out, format.sample_rate_hz) == paFormatIsSupported;
}

StreamFormat choose_device_output_format(const DeviceInfo& device, const StreamFormat& source) {
  return choose_output_format(
      source, device.max_output_channels, static_cast<int>(device.default_sample_rate_hz),
      [&](const StreamFormat& f) { return format_supported(device, Direction::kOutput, f); },
      device.name);
}

Stream::Stream(const StreamConfig& config, StreamCallback& callback) {
  PaStreamParameters in_params{};
  PaStreamParameters out_params{};
  if (config.input) {
    in_params =
        parameters(*config.input, Direction::kInput, config.n_input_channels, config.low_latency);
    description_ +=
        "input " + std::to_string(config.input->index) + " '" + config.input->name + "'";
  }
  if (config.output) {
    out_params = parameters(*config.output, Direction::kOutput, config.n_output_channels,
                            config.low_latency);
    description_ += std::string(description_.empty() ? "" : ", ") + "output " +
                    std::to_string(config.output->index) + " '" + config.output->name + "'";
  }
  unsigned long frames = config.frames_per_buffer > 0
                             ? static_cast<unsigned long>(config.frames_per_buffer)
                             : paFramesPerBufferUnspecified;
  PaStream* stream = nullptr;
  PaError error = Pa_OpenStream(&stream, config.input ? &in_params : nullptr,
                                config.output ? &out_params : nullptr, config.sample_rate_hz,
                                frames, paNoFlag, stream_trampoline, &callback);
  if (error != paNoError)
    throw RuntimeError("cannot open audio stream (" + description_ + ", " +
                       std::to_string(config.sample_rate_hz) + " Hz): " + Pa_GetErrorText(error));
  stream_ = stream;
}

Stream::~Stream() {
  if (!stream_) return;
  auto* stream = static_cast<PaStream*>(stream_);
  if (Pa_IsStreamStopped(stream) == 0) Pa_AbortStream(stream);
  Pa_CloseStream(stream);
}

void Stream::start() {
  PaError error = Pa_StartStream(static_cast<PaStream*>(stream_));
  if (error != paNoError)
    throw RuntimeError("cannot start audio stream (" + description_ +
                       "): " + Pa_GetErrorText(error));
}

void Stream::stop() {
  auto* stream = static_cast<PaStream*>(stream_);
  if (Pa_IsStreamStopped(stream) == 0) Pa_StopStream(stream);
}

void Stream::abort() {
  auto* stream = static_cast<PaStream*>(stream_);
  if (Pa_IsStreamStopped(stream) == 0) Pa_AbortStream(stream);
}

bool Stream::active() const {
  return Pa_IsStreamActive(static_cast<PaStream*>(stream_)) == 1;
}

double Stream::input_latency_s() const {
  const PaStreamInfo* info = Pa_GetStreamInfo(static_cast<PaStream*>(stream_));
  return info ? info->inputLatency : 0.0;
}

double Stream::output_latency_s() const {
  const PaStreamInfo* info = Pa_GetStreamInfo(static_cast<PaStream*>(stream_));
  return info ? info->outputLatency : 0.0;
}

}  // namespace rawgan::play
