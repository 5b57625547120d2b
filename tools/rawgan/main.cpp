// rawgan: command-line entry point. Parses, dispatches to one subcommand, maps errors to codes.
#include <algorithm>
#include <exception>
#include <iostream>
#include <new>
#include <string>
#include <vector>

#include <c10/util/Exception.h>

#include "command.h"
#include "rawgan/util/error.h"
#include "rawgan/util/interrupt.h"
#include "rawgan/util/log.h"
#include "rawgan/version.h"

namespace rawgan::cli {

std::vector<CommandEntry>& command_registry() {
  static std::vector<CommandEntry> registry;
  return registry;
}

}  // namespace rawgan::cli

namespace {

int run(int argc, char** argv) {
  using rawgan::ExitCode;
  CLI::App app{"rawgan: generative adversarial networks on raw audio waveforms", "rawgan"};
  app.set_version_flag("--version", rawgan::version_string());
  app.require_subcommand(1);
  app.fallthrough();  // lets --quiet and --verbose follow the subcommand's name
  bool quiet = false;
  bool verbose = false;
  app.add_flag("-q,--quiet", quiet, "Print only warnings and errors");
  app.add_flag("-v,--verbose", verbose, "Print debugging details");

  rawgan::cli::Action action;
  auto commands = rawgan::cli::command_registry();
  std::stable_sort(commands.begin(), commands.end(),
                   [](const auto& a, const auto& b) { return a.order < b.order; });
  for (const auto& command : commands)
    command.add(app, action);
  // The root's flags work after a command's name too (fallthrough); its --help says so.
  for (CLI::App* sub : app.get_subcommands({}))
    sub->footer("Also: -q,--quiet (warnings and errors only), -v,--verbose (debugging details)");

  // The root takes flags only, so its first other argument names the command. CLI11 would
  // answer an unknown one with "A subcommand is required", without naming it.
  static const std::vector<std::string> kRootFlags = {"-h",      "--help", "--version", "-q",
                                                      "--quiet", "-v",     "--verbose"};
  std::string command;
  for (int i = 1; i < argc; ++i) {
    const std::string word = argv[i];
    if (!word.empty() && word[0] == '-') {
      if (std::find(kRootFlags.begin(), kRootFlags.end(), word) != kRootFlags.end()) continue;
      rawgan::log::error("unknown option '" + word + "' before the command; run 'rawgan --help'");
      return static_cast<int>(ExitCode::kUsage);
    }
    if (word.empty()) continue;
    std::string names;
    bool known = false;
    for (CLI::App* sub : app.get_subcommands({})) {
      known = known || sub->check_name(word);
      names += (names.empty() ? "" : ", ") + sub->get_name();
    }
    if (!known) {
      rawgan::log::error("unknown command '" + word + "'; the commands are " + names);
      return static_cast<int>(ExitCode::kUsage);
    }
    command = word;
    break;
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version end the parse too, with code 0, printing to stdout.
    if (e.get_exit_code() == 0) return app.exit(e);
    // Like every other error: one "rawgan: error:" line on stderr, with where to read more.
    rawgan::log::error(rawgan::cli::parse_error_message(app, e, command), "; see 'rawgan ", command,
                       command.empty() ? "" : " ", "--help'");
    return static_cast<int>(ExitCode::kUsage);
  }
  if (quiet && verbose) {
    rawgan::log::error("--quiet and --verbose exclude each other");
    return static_cast<int>(ExitCode::kUsage);
  }
  if (quiet) rawgan::log::set_level(rawgan::log::Level::kWarn);
  if (verbose) rawgan::log::set_level(rawgan::log::Level::kDebug);
  rawgan::install_interrupt_handler();
  return action();
}

}  // namespace

constexpr const char* kOutOfMemory =
    "out of memory: the sizes asked for do not fit this machine; try a smaller --batch-size "
    "(generate: -n or --batch-size; eval-gen: --clip-samples)";

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const rawgan::Error& e) {
    rawgan::log::error(e.what());
    return static_cast<int>(e.code());
  } catch (const std::bad_alloc&) {
    rawgan::log::error(kOutOfMemory);
    return static_cast<int>(rawgan::ExitCode::kRuntime);
  } catch (const c10::Error& e) {
    // LibTorch's message without its C++ stack trace, which tells a user nothing.
    const std::string message = e.what_without_backtrace();
    if (message.find("can't allocate memory") != std::string::npos) {
      rawgan::log::error(kOutOfMemory, " (", message.substr(0, message.find('\n')), ")");
    } else {
      rawgan::log::error(message);
    }
    return static_cast<int>(rawgan::ExitCode::kRuntime);
  } catch (const std::exception& e) {
    rawgan::log::error(e.what());
    return static_cast<int>(rawgan::ExitCode::kRuntime);
  }
}
