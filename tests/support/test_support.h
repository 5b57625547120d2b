// Shared helpers for rawgan's tests: test signals, the real-audio folder, and running the CLI.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "rawgan/audio/audio.h"

namespace rawgan::test {

/// ../shared/data beside the checkout, or nullopt when it is absent.
std::optional<std::filesystem::path> shared_data_dir();

/// Skips the current test with a message when ../shared/data is absent; else yields the path.
#define RAWGAN_REQUIRE_SHARED_DATA(var)                                                \
  auto var##_opt = ::rawgan::test::shared_data_dir();                                  \
  if (!var##_opt) GTEST_SKIP() << "../shared/data is absent; real-audio test skipped"; \
  const std::filesystem::path var = *var##_opt

/// A fresh empty folder under the system temp dir, removed when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

/// Entries (files and folders) directly in `dir`: how tests see that a writer left no
/// temporary file beside its output.
size_t n_entries(const std::filesystem::path& dir);

/// While it lives, files this process writes may grow to `max_bytes` only: past it write()
/// fails with EFBIG, as it fails with ENOSPC on a full disk (SIGXFSZ, which would end the
/// process, is ignored meanwhile). How tests make a disk full without filling one.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(uint64_t max_bytes);
  ~FileSizeLimit();
  FileSizeLimit(const FileSizeLimit&) = delete;
  FileSizeLimit& operator=(const FileSizeLimit&) = delete;

 private:
  uint64_t previous_limit_ = 0;
  void (*previous_handler_)(int) = nullptr;
};

/// Mono sine of `n_samples` at `frequency_hz`.
audio::Audio sine(double frequency_hz, int sample_rate_hz, int64_t n_samples,
                  float amplitude = 0.5f);
/// Mono Gaussian white noise with a fixed seed.
audio::Audio white_noise(int sample_rate_hz, int64_t n_samples, float stddev, uint32_t seed);

/// Writes `audio` as a 32-bit float WAV byte by byte, keeping NaN and infinite samples, which
/// audio::write would clip: the files a buggy tool or a failed export leaves behind.
void write_raw_float_wav(const std::filesystem::path& path, const audio::Audio& audio);

/// Frequency (Hz) of the strongest bin of a mono signal's DFT, by direct evaluation on a grid
/// of `step_hz` (slow but independent of the code under test).
double dominant_frequency_hz(const audio::Audio& audio, double max_hz, double step_hz = 1.0);

struct CliResult {
  int exit_code = -1;
  std::string out;  ///< stdout
  std::string err;  ///< stderr
};

/// Runs the built rawgan executable with `args` (shell-quoted here) and captures its output.
CliResult run_cli(const std::vector<std::string>& args);

/// The same as a user whom file permissions stop: as is for a user other than root, as
/// `nobody` through setpriv for root (whom permissions do not stop); nullopt when root has no
/// setpriv or `nobody` cannot start the executable (a build under a private folder). That user
/// must be able to read every input: TempDir's folders are private.
std::optional<CliResult> run_cli_unprivileged(const std::vector<std::string>& args);

/// Runs `command` with /bin/sh, stdin empty, and captures its output.
CliResult run_shell(std::string command);

/// `arg` in single quotes for /bin/sh, quotes inside escaped.
std::string shell_quote(const std::string& arg);

/// The shell command that run_cli runs for `args`, without its redirections.
std::string cli_command(const std::vector<std::string>& args);

}  // namespace rawgan::test
