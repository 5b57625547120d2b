#include "rawgan/play/terminal.h"

#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <csignal>
#include <thread>

namespace rawgan::play {
namespace {

constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
constexpr int kNSignals = sizeof kSignals / sizeof kSignals[0];

// Shared with the signal handler, which may only touch plain globals.
struct termios g_saved_termios;
volatile sig_atomic_t g_raw = 0;
struct sigaction g_previous[kNSignals];

void restore_terminal() {
  if (g_raw) {
    tcsetattr(STDIN_FILENO, TCSANOW, &g_saved_termios);
    g_raw = 0;
  }
}

extern "C" void on_terminal_signal(int signal_number) {
  restore_terminal();  // tcsetattr is async-signal-safe
  for (int i = 0; i < kNSignals; ++i) {
    if (kSignals[i] != signal_number) continue;
    const struct sigaction& previous = g_previous[i];
    if (previous.sa_handler == SIG_IGN) return;
    if (previous.sa_handler == SIG_DFL) {
      sigaction(signal_number, &previous, nullptr);
      raise(signal_number);
      return;
    }
    if (previous.sa_flags & SA_SIGINFO)
      previous.sa_sigaction(signal_number, nullptr, nullptr);
    else
      previous.sa_handler(signal_number);
  }
}

}  // namespace

KeyPress parse_key(const char* bytes, size_t n_bytes) {
  using Kind = KeyPress::Kind;
  if (n_bytes == 0) return {};
  const char c = bytes[0];
  if (c >= '0' && c <= '9') return {Kind::kDigit, c - '0'};
  if (c == ' ') return {Kind::kSpace, 0};
  if (c == 'p' || c == 'P' || c == '\n' || c == '\r') return {Kind::kPause, 0};
  if (c == 'q' || c == 'Q' || c == 3) return {Kind::kQuit, 0};
  if (c == 27) {
    if (n_bytes == 1) return {Kind::kQuit, 0};
    if (n_bytes >= 3 && (bytes[1] == '[' || bytes[1] == 'O')) {
      switch (bytes[2]) {
        case 'A':
          return {Kind::kUp, 0};
        case 'B':
          return {Kind::kDown, 0};
        case 'C':
          return {Kind::kRight, 0};
        case 'D':
          return {Kind::kLeft, 0};
        default:
          break;
      }
    }
  }
  return {Kind::kOther, 0};
}

RawTerminal::RawTerminal() {
  if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &g_saved_termios) != 0) return;

  // Handlers first, so that no signal can leave the terminal raw.
  struct sigaction action {};
  action.sa_handler = on_terminal_signal;
  sigemptyset(&action.sa_mask);
  for (int i = 0; i < kNSignals; ++i)
    sigaction(kSignals[i], &action, &g_previous[i]);

  struct termios raw = g_saved_termios;
  raw.c_lflag &= ~static_cast<tcflag_t>(ICANON | ECHO);
  raw.c_cc[VMIN] = 0;
  raw.c_cc[VTIME] = 0;
  // Ctrl-Z would stop the process with the terminal still raw; keys only control playback.
  raw.c_cc[VSUSP] = _POSIX_VDISABLE;
  g_raw = 1;
  if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) != 0) {
    g_raw = 0;
    for (int i = 0; i < kNSignals; ++i)
      sigaction(kSignals[i], &g_previous[i], nullptr);
    return;
  }
  active_ = true;
}

RawTerminal::~RawTerminal() {
  if (!active_) return;
  restore_terminal();
  for (int i = 0; i < kNSignals; ++i)
    sigaction(kSignals[i], &g_previous[i], nullptr);
}

KeyPress RawTerminal::read_key(int timeout_ms) {
  if (!active_) {
    std::this_thread::sleep_for(std::chrono::milliseconds(timeout_ms));
    return {};
  }
  struct pollfd fd {
    STDIN_FILENO, POLLIN, 0
  };
  if (poll(&fd, 1, timeout_ms) <= 0) return {};
  char bytes[16];
  ssize_t n = read(STDIN_FILENO, bytes, sizeof bytes);
  return n > 0 ? parse_key(bytes, static_cast<size_t>(n)) : KeyPress{};
}

}  // namespace rawgan::play
