// rawgan devices: every PortAudio input and output device, one line each, on stdout.
#include <cstdio>
#include <iostream>
#include <memory>

#include "command.h"
#include "rawgan/play/device.h"
#include "rawgan/util/log.h"

namespace rawgan::cli {
namespace {

int run_devices() {
  play::PortAudioSession session;
  std::vector<play::DeviceInfo> devices = play::list_devices();
  if (session.n_host_apis() == 0) log::warn("PortAudio has no host API (no ALSA, JACK or OSS)");
  if (devices.empty()) log::warn("PortAudio found no audio devices");

  std::printf("%3s  %-6s %4s %4s %8s  %s\n", "ID", "API", "IN", "OUT", "RATE_HZ", "NAME");
  for (const play::DeviceInfo& d : devices) {
    std::string flags;
    if (d.is_default_input) flags += " [default input]";
    if (d.is_default_output) flags += " [default output]";
    std::printf("%3d  %-6s %4d %4d %8.0f  %s%s\n", d.index, d.host_api.c_str(),
                d.max_input_channels, d.max_output_channels, d.default_sample_rate_hz,
                d.name.c_str(), flags.c_str());
  }
  std::fflush(stdout);
  return 0;
}

void add_devices_command(CLI::App& root, Action& action) {
  CLI::App* sub = root.add_subcommand(
      "devices", "List audio devices: ID, host API, input/output channels, default rate");
  sub->callback([&action] { action = [] { return run_devices(); }; });
}

const CommandRegistration kRegistration{110, add_devices_command};

}  // namespace
}  // namespace rawgan::cli
