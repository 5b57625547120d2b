// The one logger of rawgan. Everything goes to stderr; the library never writes to stdout,
// which is reserved for a command's results.
//
// Thread-safe: each message is written whole under a mutex.
#pragma once

#include <sstream>
#include <string>

namespace rawgan::log {

enum class Level : int { kError = 0, kWarn = 1, kInfo = 2, kDebug = 3 };

/// Messages above this level are dropped. Default kInfo; the CLI sets kWarn for --quiet and
/// kDebug for --verbose. Set once at start-up, before other threads run.
void set_level(Level level);
Level level();
bool enabled(Level level);

/// Writes one line "rawgan: <prefix>message" to stderr if the level is enabled.
void write(Level level, const std::string& message);

namespace detail {
template <typename... Args>
std::string concat(const Args&... args) {
  std::ostringstream out;
  (out << ... << args);
  return out.str();
}
}  // namespace detail

template <typename... Args>
void error(const Args&... args) {
  if (enabled(Level::kError)) write(Level::kError, detail::concat(args...));
}
template <typename... Args>
void warn(const Args&... args) {
  if (enabled(Level::kWarn)) write(Level::kWarn, detail::concat(args...));
}
template <typename... Args>
void info(const Args&... args) {
  if (enabled(Level::kInfo)) write(Level::kInfo, detail::concat(args...));
}
template <typename... Args>
void debug(const Args&... args) {
  if (enabled(Level::kDebug)) write(Level::kDebug, detail::concat(args...));
}

}  // namespace rawgan::log
