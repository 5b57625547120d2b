// The one-line playback status (position / duration, version, underruns) that `play`,
// `audition` and `live` redraw in place on a terminal. Silent when stderr is not a terminal
// or the log level is below info (--quiet), so logs and pipes stay clean.
#pragma once

#include <chrono>
#include <string>

namespace rawgan::play {

class StatusLine {
 public:
  StatusLine();
  ~StatusLine();  ///< clears the line

  /// Redraws the line, at most every 100 ms unless `force`.
  void show(const std::string& text, bool force = false);
  void clear();

 private:
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_;
};

/// "1:02.3" for 62.3 s (minutes are not padded).
std::string format_clock(double seconds);

}  // namespace rawgan::play
