// Cooperative Ctrl-C handling. The CLI installs the handler once; long-running loops poll
// `interrupt_requested()` between steps and stop cleanly (saving a checkpoint, closing files).
// A second Ctrl-C while the first is being handled exits at once with code 130.
#pragma once

namespace rawgan {

/// Installs a SIGINT/SIGTERM handler that sets the flag. Call once, from main.
void install_interrupt_handler();

/// True after Ctrl-C. Async-signal-safe to read from any thread.
bool interrupt_requested();

/// Sets or clears the flag (tests use this to simulate Ctrl-C).
void set_interrupt_requested(bool value);

}  // namespace rawgan
