// How the rawgan executable is put together: each subcommand lives in its own file and exposes
// one `add_<name>_command` function that registers its options on the root app. When CLI11
// selects the subcommand, its callback stores the work to run in `action`; main runs it inside
// the one try/catch that maps errors to exit codes.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace rawgan::cli {

/// The work of the selected subcommand; returns the process exit code.
using Action = std::function<int()>;

void add_info_command(CLI::App& root, Action& action);

}  // namespace rawgan::cli
