#include "rawgan/util/log.h"

#include <atomic>
#include <iostream>
#include <mutex>

namespace rawgan::log {
namespace {

std::atomic<int> g_level{static_cast<int>(Level::kInfo)};
std::mutex g_mutex;

const char* prefix(Level level) {
  switch (level) {
    case Level::kError:
      return "error: ";
    case Level::kWarn:
      return "warning: ";
    case Level::kDebug:
      return "debug: ";
    default:
      return "";
  }
}

}  // namespace

void set_level(Level level) {
  g_level = static_cast<int>(level);
}
Level level() {
  return static_cast<Level>(g_level.load());
}
bool enabled(Level level) {
  return static_cast<int>(level) <= g_level.load();
}

void write(Level level, const std::string& message) {
  std::lock_guard<std::mutex> lock(g_mutex);
  std::cerr << "rawgan: " << prefix(level) << message << '\n' << std::flush;
}

}  // namespace rawgan::log
