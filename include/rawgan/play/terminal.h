// Single key presses from the terminal for `rawgan audition`: raw mode (no line buffering, no
// echo) for the lifetime of a RawTerminal, and the terminal's settings restored on every exit
// path: the destructor (normal return, exceptions) and SIGINT, SIGTERM, SIGHUP and SIGQUIT
// (the handler restores, then passes the signal on to the handler installed before it).
#pragma once

#include <cstddef>

namespace rawgan::play {

struct KeyPress {
  enum class Kind { kNone, kDigit, kSpace, kLeft, kRight, kUp, kDown, kPause, kQuit, kOther };
  Kind kind = Kind::kNone;
  int digit = 0;  ///< 0..9 for kDigit
};

/// Decodes the first key in `bytes` (what one read from a raw terminal returned): digits,
/// space, arrow keys (ESC [ A..D or ESC O A..D), 'p' or Enter (pause), and 'q', Esc or Ctrl-C
/// (quit).
KeyPress parse_key(const char* bytes, size_t n_bytes);

class RawTerminal {
 public:
  /// Switches standard input to raw mode when it is a terminal; otherwise does nothing and
  /// is_terminal() is false. Only one may exist at a time.
  RawTerminal();
  ~RawTerminal();
  RawTerminal(const RawTerminal&) = delete;
  RawTerminal& operator=(const RawTerminal&) = delete;

  bool is_terminal() const { return active_; }

  /// Waits up to `timeout_ms` for a key; kNone when there is none (or no terminal).
  KeyPress read_key(int timeout_ms);

 private:
  bool active_ = false;
};

}  // namespace rawgan::play
