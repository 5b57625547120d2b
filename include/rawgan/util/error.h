// Error types thrown at rawgan's API boundaries and the exit codes the CLI maps them to.
//
// Library code throws; the command line catches once in main and returns the error's exit code.
// Every message names the file or option at fault, the underlying library's reason where there
// is one, and what was expected against what was found.
#pragma once

#include <stdexcept>
#include <string>

namespace rawgan {

/// Process exit codes, one per failure class.
enum class ExitCode : int {
  kOk = 0,
  kUsage = 2,         ///< bad command line: unknown option, missing argument, invalid value
  kBadInput = 3,      ///< an input file or folder is missing, unreadable or unsuitable
  kRuntime = 4,       ///< anything else that went wrong while working (numerics, I/O on output)
  kInterrupted = 130  ///< stopped by Ctrl-C (128 + SIGINT), after saving what could be saved
};

/// Base class of all rawgan errors; carries the exit code the CLI should return.
class Error : public std::runtime_error {
 public:
  Error(ExitCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ExitCode code() const { return code_; }

 private:
  ExitCode code_;
};

/// A user-supplied option or argument is invalid.
class UsageError : public Error {
 public:
  explicit UsageError(const std::string& message) : Error(ExitCode::kUsage, message) {}
};

/// An input file or folder cannot be used: missing, not audio, empty, mismatched pairs.
class InputError : public Error {
 public:
  explicit InputError(const std::string& message) : Error(ExitCode::kBadInput, message) {}
};

/// A failure while working: an output that cannot be written, a diverging loss, a library error.
class RuntimeError : public Error {
 public:
  explicit RuntimeError(const std::string& message) : Error(ExitCode::kRuntime, message) {}
};

/// Long-running work stopped on request (Ctrl-C) after writing its state.
class Interrupted : public Error {
 public:
  explicit Interrupted(const std::string& message) : Error(ExitCode::kInterrupted, message) {}
};

}  // namespace rawgan
