// PortAudio behind rawgan's types: the library's lifetime, the device list, finding a device
// from a command-line value, and one callback stream.
//
// Thread rules: create the session, list and open devices from one thread. The stream calls its
// StreamCallback on PortAudio's audio thread; that callback must not block, lock or allocate.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "rawgan/play/format.h"

namespace rawgan::play {

/// Keeps PortAudio initialised while alive (PortAudio counts nested initialisations).
/// Unless the log level is debug, the ALSA and JACK chatter printed while PortAudio probes the
/// host APIs is silenced. Throws RuntimeError with PortAudio's reason when it cannot start.
class PortAudioSession {
 public:
  PortAudioSession();
  ~PortAudioSession();
  PortAudioSession(const PortAudioSession&) = delete;
  PortAudioSession& operator=(const PortAudioSession&) = delete;

  int n_host_apis() const;
};

struct DeviceInfo {
  int index = -1;  ///< PortAudio's device index, the ID accepted by --device
  std::string name;
  std::string host_api;
  int max_input_channels = 0;
  int max_output_channels = 0;
  double default_sample_rate_hz = 0;
  double default_low_latency_s = 0;   ///< output's, or input's for input-only devices
  double default_high_latency_s = 0;  ///< output's, or input's for input-only devices
  bool is_default_input = false;
  bool is_default_output = false;
};

/// Every device of every host API. Needs a live PortAudioSession.
std::vector<DeviceInfo> list_devices();

enum class Direction { kInput, kOutput };

/// Resolves a --device/--in/--out value: empty means the default device; all digits is an
/// index; otherwise the exact name, else a unique case-insensitive substring of a name. The
/// device must have channels in `direction`. Throws UsageError for an unknown or ambiguous
/// value and RuntimeError when there is no default device.
DeviceInfo find_device(const std::string& spec, Direction direction);

/// Whether the device accepts float32 at that format (Pa_IsFormatSupported).
bool format_supported(const DeviceInfo& device, Direction direction, const StreamFormat& format);

/// The output format `device` accepts for audio in `source` (choose_output_format over what
/// Pa_IsFormatSupported says). Throws RuntimeError naming the device when none fits.
StreamFormat choose_device_output_format(const DeviceInfo& device, const StreamFormat& source);

/// Timing of one callback, PortAudio's stream clock in seconds (0 when the host gives none).
struct CallbackTime {
  double input_adc_s = 0;
  double current_s = 0;
  double output_dac_s = 0;
  bool input_overflow = false;
  bool output_underflow = false;
};

/// What a stream does on the audio thread. `in` is null without input, `out` without output;
/// both are interleaved float32. Return false to finish (what was written still plays).
class StreamCallback {
 public:
  virtual ~StreamCallback() = default;
  virtual bool process(const float* in, float* out, int64_t n_frames, const CallbackTime& time) = 0;
};

struct StreamConfig {
  const DeviceInfo* input = nullptr;   ///< null: output only
  const DeviceInfo* output = nullptr;  ///< null: input only
  int n_input_channels = 1;
  int n_output_channels = 1;
  int sample_rate_hz = 0;
  int frames_per_buffer = 0;  ///< 0 lets PortAudio choose
  bool low_latency = false;   ///< the devices' low default latencies instead of the high ones
};

/// One open PortAudio stream, closed (aborted if running) by the destructor.
class Stream {
 public:
  /// Opens the stream; throws RuntimeError naming the devices and PortAudio's reason.
  Stream(const StreamConfig& config, StreamCallback& callback);
  ~Stream();
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;

  void start();
  /// Lets buffered output play out, then stops.
  void stop();
  /// Stops at once, dropping buffered output.
  void abort();
  /// False once the callback has finished and its output has played, or after stop/abort.
  bool active() const;

  double input_latency_s() const;
  double output_latency_s() const;

 private:
  void* stream_ = nullptr;  // PaStream*
  std::string description_;
};

}  // namespace rawgan::play
