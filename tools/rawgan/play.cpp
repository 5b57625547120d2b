// rawgan play FILE... [--output-device ID|NAME]: plays files in order through PortAudio, converted
// to a rate and channel count the device accepts.
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "command.h"
#include "rawgan/audio/audio.h"
#include "rawgan/play/device.h"
#include "rawgan/play/format.h"
#include "rawgan/play/player.h"
#include "rawgan/play/status_line.h"
#include "rawgan/util/error.h"
#include "rawgan/util/log.h"

namespace rawgan::cli {
namespace {

struct PlayOptions {
  std::vector<std::string> files;
  std::string output_device;
};

void play_file(const std::string& path, const play::DeviceInfo& device) {
  audio::Audio source = audio::read(path);
  play::StreamFormat from{source.sample_rate_hz, source.n_channels};
  play::StreamFormat to = play::choose_device_output_format(device, from);
  const std::string conversion = play::describe_conversion(from, to);
  log::info("playing ", path, " (", conversion, ") on ", device.index, " '", device.name, "'");
  audio::Audio output = play::convert(source, to);

  play::StatusLine status;
  const double duration_s = output.duration_s();
  play::PlayReport report = play::play(output, device, [&](int64_t n_done) {
    status.show(path + "  " + play::format_clock(static_cast<double>(n_done) / to.sample_rate_hz) +
                " / " + play::format_clock(duration_s));
  });
  status.clear();

  const double played_s = static_cast<double>(report.n_frames_played) / to.sample_rate_hz;
  std::printf("%s: played %.3f of %.3f s (%s), %lld underruns\n", path.c_str(), played_s,
              duration_s, conversion.c_str(), static_cast<long long>(report.n_underruns));
  std::fflush(stdout);
  if (report.n_underruns > 0)
    log::warn(path, ": ", report.n_underruns, " output underruns (audible dropouts)");
  if (report.interrupted) throw Interrupted("playback stopped by Ctrl-C");
}

int run_play(const PlayOptions& options) {
  // A missing or unreadable file, or one holding NaN or infinite samples, is bad input (exit 3)
  // whether or not there is a device, and is found before anything plays, as audition does.
  for (const std::string& path : options.files)
    audio::check_readable(path);
  play::PortAudioSession session;
  if (session.n_host_apis() == 0)
    throw RuntimeError("no audio output: PortAudio has no host API (no ALSA, JACK or OSS)");
  play::DeviceInfo device = play::find_device(options.output_device, play::Direction::kOutput);
  for (const std::string& path : options.files)
    play_file(path, device);
  return 0;
}

void add_play_command(CLI::App& root, Action& action) {
  auto options = std::make_shared<PlayOptions>();
  CLI::App* sub = root.add_subcommand(
      "play", "Play audio files; converts rate and channels to what the device accepts");
  sub->add_option("files", options->files, "Audio files, played in order")->required();
  sub->add_option("--output-device", options->output_device,
                  "Audio output: ID or name from 'rawgan devices' (default: the system's)");
  sub->callback([options, &action] { action = [options] { return run_play(*options); }; });
}

const CommandRegistration kRegistration{120, add_play_command};

}  // namespace
}  // namespace rawgan::cli
