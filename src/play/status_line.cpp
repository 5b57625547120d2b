#include "rawgan/play/status_line.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>

#include "rawgan/util/log.h"

namespace rawgan::play {

StatusLine::StatusLine()
    : enabled_(isatty(STDERR_FILENO) && log::enabled(log::Level::kInfo)),
      last_(std::chrono::steady_clock::now() - std::chrono::seconds(1)) {}

StatusLine::~StatusLine() {
  clear();
}

void StatusLine::show(const std::string& text, bool force) {
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  if (!force && now - last_ < std::chrono::milliseconds(100)) return;
  last_ = now;
  std::fprintf(stderr, "\r\033[K%s", text.c_str());
  std::fflush(stderr);
  drawn_ = true;
}

void StatusLine::clear() {
  if (!drawn_) return;
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
  drawn_ = false;
}

std::string format_clock(double seconds) {
  if (!(seconds >= 0)) seconds = 0;
  int minutes = static_cast<int>(seconds / 60);
  double rest = seconds - 60.0 * minutes;
  char text[32];
  std::snprintf(text, sizeof text, "%d:%04.1f", minutes, std::floor(rest * 10) / 10);
  return text;
}

}  // namespace rawgan::play
