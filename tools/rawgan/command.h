// How the rawgan executable is put together: each subcommand lives in its own file, defines an
// `add_<name>_command` function that adds its options to the root app, and registers that
// function with a file-scope `CommandRegistration`. When CLI11 selects the subcommand, its
// callback stores the work to run in `action`; main runs it inside the one try/catch that maps
// errors to exit codes.
#pragma once

#include <CLI/CLI.hpp>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
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

/// Checks for numeric options, used instead of CLI11's PositiveNumber and NonNegativeNumber
/// (whose message quotes a range of 0 to 1.8e308, and which let nan through). A failure reads
/// "--steps: must be a positive integer, got 0"; main turns it into exit code 2. The integer
/// checks refuse fractions and negative values before the option's own conversion, which for an
/// unsigned type would wrap "-1" to 2^64 - 1; the number checks refuse nan and inf.
const CLI::Validator& positive_integer();
const CLI::Validator& non_negative_integer();
const CLI::Validator& positive_number();      ///< finite and > 0
const CLI::Validator& non_negative_number();  ///< finite and >= 0
const CLI::Validator& finite_number();        ///< any finite value; an empty string is refused
/// A finite number in [low, high]: "--frame-ms: must be a number from 4 to 256, got 100000".
CLI::Validator number_from_to(double low, double high);
/// A whole number in [low, high], for integer options: "--rate: must be a whole number from 8000
/// to 192000, got '8000.5'" (CLI11's own range check said 8000.5 was out of range).
CLI::Validator whole_number_from_to(int64_t low, int64_t high);
/// A finite number in [0, 1): "--dd-alpha: must be a number from 0 to below 1, got '1'".
const CLI::Validator& unit_interval_number();

/// The message for a command line that `app` refused while parsing, for one `rawgan: error:`
/// line; `command` is the subcommand named on it ("" when none). An option it does not know is
/// named first, whatever CLI11 threw (a misspelt `--modle` also leaves `--model` missing), with
/// the closest valid name when one is within two edits: "unknown option '--modle' (did you mean
/// --model?)". Otherwise CLI11's message, reworded where it is unclear.
std::string parse_error_message(const CLI::App& app, const CLI::ParseError& error,
                                const std::string& command);

/// The key every JSON report carries, its value "rawgan <command>": what marks a file that a
/// later report may replace.
constexpr const char* kReportKey = "rawgan_report";

/// Refuses, with a UsageError naming `option`, a report file (such as `--json FILE`) that would
/// destroy something when written: a name ending in an audio extension (never a report, nearly
/// always an input typed in the wrong place), an existing folder, or one of `inputs` under any
/// spelling or through a link, or an existing file that is not a report of rawgan (one without
/// kReportKey: a checkpoint, a preset or another tool's JSON given by mistake). Call it before
/// any work, so that nothing is computed in vain.
void check_report_path(const std::string& option, const std::filesystem::path& path,
                       const std::vector<std::filesystem::path>& inputs);

/// Writes `report` (indented JSON), marked with kReportKey "rawgan `command`", to `path` whole
/// or not at all (rawgan::write_text_file); throws RuntimeError naming the path when it cannot
/// be written.
void write_report(const std::filesystem::path& path, const std::string& command,
                  nlohmann::json report);

}  // namespace rawgan::cli
