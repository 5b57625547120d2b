// Progress reporting for long-running loops (training, enhancing a folder, mixing a dataset).
//
// On a terminal (stderr is a TTY) one status line is redrawn in place with the rate and an ETA;
// otherwise a plain line is logged at most every `plain_interval_s` seconds, so that logs of
// batch jobs stay readable. Nothing is printed when the log level is below kInfo (--quiet).
// Not thread-safe: call from the thread that owns the loop.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace rawgan {

class Progress {
 public:
  /// `total` may be 0 when unknown (no ETA is shown then). `unit` names what is counted, e.g.
  /// "steps" or "files"; the rate is reported in units per second.
  Progress(std::string label, int64_t total, std::string unit, double plain_interval_s = 10.0);
  ~Progress();

  /// Reports that `done` units are finished; `detail` (e.g. current losses) is appended.
  void update(int64_t done, const std::string& detail = "");

  /// Ends the status line and logs a one-line summary with elapsed time and mean rate.
  void finish(const std::string& detail = "");

  double elapsed_s() const;

 private:
  std::string line(int64_t done, const std::string& detail) const;

  std::string label_;
  int64_t total_;
  std::string unit_;
  double plain_interval_s_;
  bool tty_;
  bool finished_ = false;
  bool drawn_ = false;
  int64_t done_ = 0;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_print_;
};

/// Formats seconds as "1h02m03s", "2m05s" or "4.2s".
std::string format_duration(double seconds);

}  // namespace rawgan
