// rawgan info FILE...: one line per file describing its format and levels.
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "command.h"
#include "rawgan/audio/audio.h"
#include "rawgan/util/error.h"
#include "rawgan/util/log.h"

namespace rawgan::cli {
namespace {

struct InfoOptions {
  std::vector<std::string> files;
};

std::string describe(const std::string& path) {
  audio::FileInfo info = audio::probe(path);
  audio::Audio audio = audio::read(path);
  audio::Levels levels = audio::measure_levels(audio);
  char line[512];
  std::snprintf(line, sizeof line,
                "%s: %s, %d Hz, %d ch, %lld frames, %.3f s, peak %.1f dBFS, RMS %.1f dBFS, "
                "%lld clipped",
                path.c_str(), info.format.c_str(), info.sample_rate_hz, info.n_channels,
                static_cast<long long>(info.n_frames), audio.duration_s(), levels.peak_dbfs,
                levels.rms_dbfs, static_cast<long long>(levels.n_clipped));
  return line;
}

int run_info(const InfoOptions& options) {
  int n_failed = 0;
  for (const std::string& path : options.files) {
    try {
      std::cout << describe(path) << '\n' << std::flush;
    } catch (const Error& e) {
      log::error(e.what());
      ++n_failed;
    }
  }
  if (n_failed > 0) {
    log::error(n_failed, " of ", options.files.size(), " files could not be read");
    return static_cast<int>(ExitCode::kBadInput);
  }
  return 0;
}

void add_info_command(CLI::App& root, Action& action) {
  auto options = std::make_shared<InfoOptions>();
  CLI::App* sub = root.add_subcommand("info", "Describe audio files: format, rate, length, levels");
  sub->add_option("files", options->files, "Audio files to describe")->required();
  sub->callback([options, &action] { action = [options] { return run_info(*options); }; });
}

const CommandRegistration kRegistration{10, add_info_command};

}  // namespace
}  // namespace rawgan::cli
