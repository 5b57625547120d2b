#include "rawgan/util/interrupt.h"

#include <unistd.h>

#include <atomic>
#include <csignal>

namespace rawgan {
namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void on_signal(int) {
  if (!g_interrupted.exchange(true)) return;
  // A second interrupt does not wait for the checkpoint or the file being written;
  // write() is async-signal-safe.
  static const char kMessage[] =
      "\nrawgan: interrupted again: exiting now, without finishing the checkpoint or file being "
      "written\n";
  ssize_t ignored = write(STDERR_FILENO, kMessage, sizeof(kMessage) - 1);
  (void)ignored;
  _exit(130);
}

}  // namespace

void install_interrupt_handler() {
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

bool interrupt_requested() {
  return g_interrupted.load();
}
void set_interrupt_requested(bool value) {
  g_interrupted = value;
}

}  // namespace rawgan
