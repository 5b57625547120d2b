// How the rawgan executable is put together: each subcommand lives in its own file, defines an
// `add_<name>_command` function that adds its options to the root app, and registers that
// function with a file-scope `CommandRegistration`. When CLI11 selects the subcommand, its
// callback stores the work to run in `action`; main runs it inside the one try/catch that maps
// errors to exit codes.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <vector>

namespace rawgan::cli {

/// The work of the selected subcommand; returns the process exit code.
using Action = std::function<int()>;

/// Adds one subcommand to `root`; on selection it sets `action`.
using AddCommand = void (*)(CLI::App& root, Action& action);

struct CommandEntry {
  int order;  ///< position in --help: lower first
  AddCommand add;
};

/// All registered subcommands, in registration order (main sorts them by `order`).
std::vector<CommandEntry>& command_registry();

/// Define one at file scope in each subcommand's file:
///   const CommandRegistration kRegistration{20, add_info_command};
struct CommandRegistration {
  CommandRegistration(int order, AddCommand add) { command_registry().push_back({order, add}); }
};

}  // namespace rawgan::cli
