#include "rawgan/util/progress.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <sstream>

#include "rawgan/util/log.h"

namespace rawgan {

std::string format_duration(double seconds) {
  char buffer[64];
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  if (seconds < 60) {
    std::snprintf(buffer, sizeof buffer, "%.1fs", seconds);
  } else if (seconds < 3600) {
    int s = static_cast<int>(seconds);
    std::snprintf(buffer, sizeof buffer, "%dm%02ds", s / 60, s % 60);
  } else {
    // Hours as a double: an ETA of over 68 years (a run of --steps 10^18) overflows an int.
    const double hours = std::floor(seconds / 3600);
    const int s = std::clamp(static_cast<int>(seconds - hours * 3600), 0, 3599);
    std::snprintf(buffer, sizeof buffer, "%.0fh%02dm%02ds", hours, s / 60, s % 60);
  }
  return buffer;
}

Progress::Progress(std::string label, int64_t total, std::string unit, double plain_interval_s)
    : label_(std::move(label)),
      total_(total),
      unit_(std::move(unit)),
      plain_interval_s_(plain_interval_s),
      tty_(isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()),
      last_print_(start_) {}

Progress::~Progress() {
  if (drawn_ && !finished_) std::cerr << '\n';
}

double Progress::elapsed_s() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

std::string Progress::line(int64_t done, const std::string& detail) const {
  double elapsed = elapsed_s();
  double rate = elapsed > 0 ? done / elapsed : 0.0;
  std::ostringstream out;
  out.precision(3);
  out << label_ << ": " << done;
  if (total_ > 0) out << '/' << total_;
  out << ' ' << unit_ << ", " << rate << ' ' << unit_ << "/s";
  if (total_ > 0 && rate > 0) out << ", ETA " << format_duration((total_ - done) / rate);
  if (!detail.empty()) out << ", " << detail;
  return out.str();
}

void Progress::update(int64_t done, const std::string& detail) {
  done_ = done;
  if (!log::enabled(log::Level::kInfo)) return;
  auto now = std::chrono::steady_clock::now();
  double since_last = std::chrono::duration<double>(now - last_print_).count();
  if (tty_) {
    // Redraw at most 10 times a second; \033[K clears what a longer previous line left.
    if (since_last < 0.1 && drawn_) return;
    std::cerr << '\r' << "rawgan: " << line(done, detail) << "\033[K" << std::flush;
    drawn_ = true;
  } else {
    if (since_last < plain_interval_s_) return;
    log::info(line(done, detail));
  }
  last_print_ = now;
}

void Progress::finish(const std::string& detail) {
  if (finished_) return;
  finished_ = true;
  if (drawn_) std::cerr << '\n';
  double elapsed = elapsed_s();
  std::ostringstream out;
  out.precision(3);
  out << label_ << ": " << done_ << ' ' << unit_ << " in " << format_duration(elapsed);
  if (elapsed > 0) out << " (" << done_ / elapsed << ' ' << unit_ << "/s)";
  if (!detail.empty()) out << ", " << detail;
  log::info(out.str());
}

}  // namespace rawgan
