// rawgan audition A B [C ...]: plays versions of one recording in a loop and switches between
// them at the same position with the keys 1..9 or space; arrows seek, p or Enter pauses, q quits.
// With --model CKPT NOISY the versions are the noisy file and its enhancement by the model.
#include <torch/torch.h>

#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "command.h"
#include "rawgan/audio/audio.h"
#include "rawgan/infer/enhancer.h"
#include "rawgan/infer/segan_model.h"
#include "rawgan/play/audition.h"
#include "rawgan/play/device.h"
#include "rawgan/play/format.h"
#include "rawgan/play/status_line.h"
#include "rawgan/play/terminal.h"
#include "rawgan/train/run.h"
#include "rawgan/util/error.h"
#include "rawgan/util/interrupt.h"
#include "rawgan/util/log.h"

namespace rawgan::cli {
namespace {

constexpr double kSeekStepS = 2.0;
constexpr double kMaxCrossfadeMs = 100.0;

struct AuditionOptions {
  std::vector<std::string> files;
  std::string model;
  std::string device = "auto";  // where --model runs
  std::string output_device;
  double crossfade_ms = 8.0;
  double seconds = 0.0;
};

// The versions, named for the status line, at the rate and channel count of the first file
// (the others are converted to it).
struct Versions {
  std::vector<audio::Audio> audio;
  std::vector<std::string> names;
};

// --model: the noisy file and its enhanced version, made in memory before playing starts.
Versions enhance_first(const AuditionOptions& options) {
  if (options.files.size() != 1)
    throw UsageError("audition --model takes one noisy file, got " +
                     std::to_string(options.files.size()));
  const torch::Device device = train::select_device(options.device);
  infer::Enhancer enhancer(infer::load_segan(options.model, device), {}, device);
  Versions versions;
  versions.audio.push_back(audio::read(options.files[0]));
  log::info("enhancing ", options.files[0], " with ", enhancer.model().description, " on ",
            device.str());
  infer::EnhanceReport report;
  versions.audio.push_back(enhancer.enhance(versions.audio[0], &report));
  log::info("enhanced ", report.duration_s, " s in ", report.elapsed_s, " s");
  versions.names = {"noisy " + options.files[0], "enhanced (" + enhancer.model().description + ")"};
  return versions;
}

Versions load_versions(const AuditionOptions& options) {
  if (!options.model.empty()) return enhance_first(options);
  if (options.files.size() < 2)
    throw UsageError("audition needs at least two files (got " +
                     std::to_string(options.files.size()) + ")");
  if (options.files.size() > 9)
    throw UsageError("audition switches with the keys 1..9: at most 9 files, got " +
                     std::to_string(options.files.size()));
  Versions versions;
  for (const std::string& path : options.files) {
    versions.audio.push_back(audio::read(path));
    versions.names.push_back(path);
  }
  const audio::Audio& first = versions.audio[0];
  for (size_t i = 1; i < versions.audio.size(); ++i) {
    audio::Audio& v = versions.audio[i];
    if (v.sample_rate_hz != first.sample_rate_hz || v.n_channels != first.n_channels)
      log::info(versions.names[i], " converted to ", first.sample_rate_hz, " Hz ", first.n_channels,
                " ch like ", versions.names[0]);
    v = play::convert(v, {first.sample_rate_hz, first.n_channels});
    if (v.n_frames() != first.n_frames())
      log::warn(versions.names[i], " has ", v.n_frames(), " frames, ", versions.names[0], " ",
                first.n_frames(), "; the shorter ones are padded with silence");
  }
  return versions;
}

std::optional<play::MixerEvent> event_for(const play::KeyPress& key, int sample_rate_hz) {
  using Kind = play::KeyPress::Kind;
  using Event = play::MixerEvent::Kind;
  const auto seek = static_cast<int64_t>(kSeekStepS * sample_rate_hz);
  switch (key.kind) {
    case Kind::kDigit:
      return play::MixerEvent{Event::kSelect, key.digit - 1};
    case Kind::kSpace:
      return play::MixerEvent{Event::kNext, 0};
    case Kind::kLeft:
      return play::MixerEvent{Event::kSeek, -seek};
    case Kind::kRight:
      return play::MixerEvent{Event::kSeek, seek};
    case Kind::kPause:
      return play::MixerEvent{Event::kTogglePause, 0};
    default:
      return std::nullopt;
  }
}

std::string status_text(const play::AuditionSource& source, const Versions& versions) {
  const play::AbMixer& mixer = source.mixer();
  const int v = source.current_version();
  const double rate = mixer.sample_rate_hz();
  std::string text = "[" + std::to_string(v + 1) + "/" + std::to_string(mixer.n_versions()) + "] " +
                     versions.names[v] + "  " +
                     play::format_clock(source.position_frames() / rate) + " / " +
                     play::format_clock(mixer.length_frames() / rate);
  if (source.paused()) text += "  (paused)";
  return text;
}

int run_audition(const AuditionOptions& options) {
  // Checked before any file is read, model run or device opened.
  if (!(options.crossfade_ms >= 0 && options.crossfade_ms <= kMaxCrossfadeMs))
    throw UsageError("--crossfade-ms: expected 0 to " + CLI::detail::to_string(kMaxCrossfadeMs) +
                     " ms, got " + CLI::detail::to_string(options.crossfade_ms));
  Versions versions = load_versions(options);
  play::PortAudioSession session;
  if (session.n_host_apis() == 0)
    throw RuntimeError("no audio output: PortAudio has no host API (no ALSA, JACK or OSS)");
  play::DeviceInfo device = play::find_device(options.output_device, play::Direction::kOutput);

  const audio::Audio& first = versions.audio[0];
  play::StreamFormat from{first.sample_rate_hz, first.n_channels};
  play::StreamFormat to = play::choose_device_output_format(device, from);
  const std::string conversion = play::describe_conversion(from, to);
  log::info("auditioning ", versions.audio.size(), " versions (", conversion, ") on ", device.index,
            " '", device.name, "'");
  for (audio::Audio& v : versions.audio)
    v = play::convert(v, to);

  const int crossfade_frames = static_cast<int>(options.crossfade_ms * to.sample_rate_hz / 1000);
  const auto max_frames = static_cast<int64_t>(options.seconds * to.sample_rate_hz);
  play::AuditionSource source(play::AbMixer(std::move(versions.audio), crossfade_frames),
                              max_frames);

  play::StreamConfig config;
  config.output = &device;
  config.n_output_channels = to.n_channels;
  config.sample_rate_hz = to.sample_rate_hz;
  config.low_latency = true;  // key presses should be heard at once
  play::Stream stream(config, source);

  play::RawTerminal terminal;
  if (terminal.is_terminal())
    log::info("keys: 1..", source.mixer().n_versions(),
              " or space switch, left/right seek 2 s, p pauses, q quits");
  play::StatusLine status;
  stream.start();
  bool quit = false;
  while (!quit && !interrupt_requested() && stream.active()) {
    play::KeyPress key = terminal.read_key(50);
    quit = key.kind == play::KeyPress::Kind::kQuit;
    if (auto event = event_for(key, to.sample_rate_hz)) source.post(*event);
    status.show(status_text(source, versions));
  }
  stream.abort();
  status.clear();

  std::printf("auditioned %zu versions: %.3f s played (%s), %lld underruns\n",
              versions.names.size(),
              static_cast<double>(source.n_frames_rendered()) / to.sample_rate_hz,
              conversion.c_str(), static_cast<long long>(source.n_underruns()));
  std::fflush(stdout);
  if (interrupt_requested()) throw Interrupted("audition stopped by Ctrl-C");
  return 0;
}

void add_audition_command(CLI::App& root, Action& action) {
  auto options = std::make_shared<AuditionOptions>();
  CLI::App* sub = root.add_subcommand(
      "audition", "Loop versions of one recording and switch between them by key (A/B test)");
  sub->add_option("files", options->files,
                  "Versions of one recording (e.g. noisy, enhanced, clean), or with --model the "
                  "noisy file");
  sub->add_option("--model", options->model,
                  "SEGAN checkpoint: enhance the one noisy file first, then audition both");
  sub->add_option("--device", options->device, "Where --model runs: auto, cpu, cuda or cuda:N")
      ->capture_default_str();
  sub->add_option("--output-device", options->output_device,
                  "Audio output: ID or name from 'rawgan devices' (default: the system's)");
  sub->add_option("--crossfade-ms", options->crossfade_ms,
                  "Crossfade at each switch, seek and pause, 0 to 100 ms (default 8 ms)");
  sub->add_option("--seconds", options->seconds,
                  "Stop after this much audio has played (default: until q or Ctrl-C)")
      ->check(non_negative_number());
  sub->callback([options, &action] { action = [options] { return run_audition(*options); }; });
}

const CommandRegistration kRegistration{130, add_audition_command};

}  // namespace
}  // namespace rawgan::cli
