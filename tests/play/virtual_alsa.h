// ALSA virtual devices for tests of the real PortAudio path on machines without a sound card.
//
// VirtualAlsa writes an ALSA configuration (the system's alsa.conf plus rawgan's test devices)
// into a test's folder and points ALSA_CONFIG_PATH at it for this process and the processes it
// starts (run_cli), restoring the previous value when it goes away. The devices, built on
// ALSA's `file` plugin over `null`, run as fast as they are fed and record float32 raw samples:
//   rawgan_test_out    playback, recorded to playback_file()
//   rawgan_test_in     capture, reads capture_file() (silence after its end)
//   rawgan_test_paced  playback, written into the FIFO paced_fifo(): a PacedSink reading it at
//                      the sample rate gives the device a real-time clock (for `live`)
// Header-only so that both the play tests and the CLI tests can use it.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "support/test_support.h"

namespace rawgan::test {

inline std::vector<float> read_raw_floats(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<float> values(bytes.size() / sizeof(float));
  std::copy(bytes.begin(), bytes.begin() + values.size() * sizeof(float),
            reinterpret_cast<char*>(values.data()));
  return values;
}

inline void write_raw_floats(const std::filesystem::path& path, const std::vector<float>& values) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float));
}

class VirtualAlsa {
 public:
  static constexpr const char* kOutput = "rawgan_test_out";
  static constexpr const char* kInput = "rawgan_test_in";
  static constexpr const char* kPacedOutput = "rawgan_test_paced";

  explicit VirtualAlsa(const std::filesystem::path& dir) : dir_(dir) {
    write_raw_floats(capture_file(), {});  // the capture device exists only if its file does
    mkfifo(paced_fifo().c_str(), 0600);
    std::ofstream conf(dir / "asound.conf");
    conf << "</usr/share/alsa/alsa.conf>\n"
         << "pcm." << kOutput << " { type file; slave.pcm \"null\"; file \""
         << playback_file().string() << "\"; format \"raw\" }\n"
         << "pcm." << kInput << " { type file; slave.pcm \"null\"; file \"/dev/null\"; infile \""
         << capture_file().string() << "\"; format \"raw\" }\n"
         << "pcm." << kPacedOutput << " { type file; slave.pcm \"null\"; file \""
         << paced_fifo().string() << "\"; format \"raw\" }\n";
    conf.close();
    save_and_set("ALSA_CONFIG_PATH", (dir / "asound.conf").string(), &old_config_);
    // PortAudio's JACK host API would otherwise try to start a JACK server.
    save_and_set("JACK_NO_START_SERVER", "1", &old_jack_);
  }

  ~VirtualAlsa() {
    restore("ALSA_CONFIG_PATH", old_config_);
    restore("JACK_NO_START_SERVER", old_jack_);
  }

  std::filesystem::path playback_file() const { return dir_ / "played.f32"; }
  std::filesystem::path capture_file() const { return dir_ / "captured.f32"; }
  std::filesystem::path paced_fifo() const { return dir_ / "paced.fifo"; }

 private:
  static void save_and_set(const char* name, const std::string& value,
                           std::optional<std::string>* old) {
    if (const char* current = std::getenv(name)) *old = current;
    setenv(name, value.c_str(), 1);
  }
  static void restore(const char* name, const std::optional<std::string>& old) {
    if (old)
      setenv(name, old->c_str(), 1);
    else
      unsetenv(name);
  }

  std::filesystem::path dir_;
  std::optional<std::string> old_config_;
  std::optional<std::string> old_jack_;
};

/// Reads the paced FIFO on its own thread no faster than `bytes_per_second`, like a sound card
/// consuming samples, and keeps what it read. Start it before the process that plays.
class PacedSink {
 public:
  PacedSink(const std::filesystem::path& fifo, double bytes_per_second)
      : bytes_per_second_(bytes_per_second) {
    // Non-blocking open succeeds without a writer; the pipe stays small so the writer is held
    // to the reading pace rather than to the default 64 KiB of slack.
    fd_ = open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
    if (fd_ >= 0) fcntl(fd_, F_SETPIPE_SZ, 4096);
    thread_ = std::thread([this] { run(); });
  }

  ~PacedSink() { stop(); }

  /// Stops reading (after the writer is gone) and returns everything read.
  const std::vector<char>& stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
    return data_;
  }

  std::vector<float> floats() {
    stop();
    std::vector<float> values(data_.size() / sizeof(float));
    std::copy(data_.begin(), data_.begin() + values.size() * sizeof(float),
              reinterpret_cast<char*>(values.data()));
    return values;
  }

 private:
  void run() {
    using Clock = std::chrono::steady_clock;
    std::optional<Clock::time_point> start;
    char buffer[1024];
    while (fd_ >= 0) {
      size_t allowed = sizeof buffer;
      const bool draining = stop_;  // the writer is gone: take the rest at once
      if (start && !draining) {
        double elapsed_s = std::chrono::duration<double>(Clock::now() - *start).count();
        double budget = elapsed_s * bytes_per_second_ - static_cast<double>(data_.size());
        allowed = static_cast<size_t>(std::max(0.0, std::min<double>(budget, sizeof buffer)));
      }
      ssize_t n = allowed > 0 ? read(fd_, buffer, allowed) : 0;
      if (n > 0) {
        if (!start) start = Clock::now();
        data_.insert(data_.end(), buffer, buffer + n);
        continue;
      }
      if (draining) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }

  double bytes_per_second_;
  int fd_ = -1;
  std::atomic<bool> stop_{false};
  std::vector<char> data_;
  std::thread thread_;
};

/// Skips the test (with the reason) when this build has no `rawgan devices` (PortAudio absent
/// at configure time) or PortAudio has no host API at all; call with a VirtualAlsa alive.
#define RAWGAN_REQUIRE_PORTAUDIO()                                               \
  do {                                                                           \
    ::rawgan::test::CliResult probe_ = ::rawgan::test::run_cli({"devices"});     \
    /* 'devices' takes no options: a usage error means the command is missing */ \
    if (probe_.exit_code == 2)                                                   \
      GTEST_SKIP() << "rawgan built without PortAudio (no 'devices' command)";   \
    if (probe_.err.find("no host API") != std::string::npos)                     \
      GTEST_SKIP() << "PortAudio has no host API: " << probe_.err;               \
  } while (0)

}  // namespace rawgan::test
