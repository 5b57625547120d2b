// The shared option checks declared in command.h.
#include <cctype>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>

#include "command.h"
#include "rawgan/audio/files.h"
#include "rawgan/util/error.h"
#include "rawgan/util/text_file.h"

namespace rawgan::cli {
namespace {

// CLI11's own conversions, so that a check accepts exactly what the option will convert
// ("0x10" included), except that a sign is looked at first: unsigned conversion wraps "-1".
std::optional<uint64_t> parse_unsigned(const std::string& input) {
  size_t first = 0;
  while (first < input.size() && std::isspace(static_cast<unsigned char>(input[first])))
    ++first;
  if (first < input.size() && input[first] == '-') return std::nullopt;
  uint64_t value = 0;
  if (!CLI::detail::lexical_cast(input, value)) return std::nullopt;
  return value;
}

std::optional<double> parse_finite(const std::string& input) {
  double value = 0;
  if (!CLI::detail::lexical_cast(input, value) || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::string got(const std::string& what, const std::string& input) {
  return "must be " + what + ", got '" + input + "'";
}

// The options these checks guard are 64-bit signed counts: a larger value would be capped or
// wrapped without a word (the conversion saturates "99999999999999999999" at the largest).
std::string check_integer(const std::string& input, uint64_t min, const std::string& expected) {
  auto value = parse_unsigned(input);
  if (!value || *value < min) return got(expected, input);
  if (*value > uint64_t(std::numeric_limits<int64_t>::max()))
    return got(expected + " of at most " + std::to_string(std::numeric_limits<int64_t>::max()),
               input);
  return std::string();
}

}  // namespace

const CLI::Validator& positive_integer() {
  static const CLI::Validator check(
      [](std::string& input) { return check_integer(input, 1, "a positive integer"); }, "INT > 0");
  return check;
}

const CLI::Validator& non_negative_integer() {
  static const CLI::Validator check(
      [](std::string& input) { return check_integer(input, 0, "an integer of 0 or more"); },
      "INT >= 0");
  return check;
}

const CLI::Validator& positive_number() {
  static const CLI::Validator check(
      [](std::string& input) {
        auto value = parse_finite(input);
        return value && *value > 0 ? std::string() : got("a finite number above 0", input);
      },
      "NUMBER > 0");
  return check;
}

const CLI::Validator& non_negative_number() {
  static const CLI::Validator check(
      [](std::string& input) {
        auto value = parse_finite(input);
        return value && *value >= 0 ? std::string() : got("a finite number of 0 or more", input);
      },
      "NUMBER >= 0");
  return check;
}

CLI::Validator number_from_to(double low, double high) {
  std::ostringstream range;
  range << "a number from " << low << " to " << high;
  const std::string expected = range.str();
  return CLI::Validator(
      [low, high, expected](std::string& input) {
        auto value = parse_finite(input);
        return value && *value >= low && *value <= high ? std::string() : got(expected, input);
      },
      "NUMBER in [" + std::to_string(low) + ", " + std::to_string(high) + "]");
}

CLI::Validator whole_number_from_to(int64_t low, int64_t high) {
  const std::string expected =
      "a whole number from " + std::to_string(low) + " to " + std::to_string(high);
  return CLI::Validator(
      [low, high, expected](std::string& input) {
        auto value = parse_finite(input);
        const bool fits = value && std::trunc(*value) == *value && *value >= double(low) &&
                          *value <= double(high);
        return fits ? std::string() : got(expected, input);
      },
      "INT in [" + std::to_string(low) + ", " + std::to_string(high) + "]");
}

const CLI::Validator& unit_interval_number() {
  static const CLI::Validator check(
      [](std::string& input) {
        auto value = parse_finite(input);
        return value && *value >= 0 && *value < 1 ? std::string()
                                                  : got("a number from 0 to below 1", input);
      },
      "NUMBER in [0, 1)");
  return check;
}

const CLI::Validator& finite_number() {
  static const CLI::Validator check(
      [](std::string& input) {
        return parse_finite(input) ? std::string() : got("a finite number", input);
      },
      "NUMBER");
  return check;
}

namespace {

// A rawgan report: a JSON object with kReportKey. Reports are small; a large file (a
// checkpoint given by mistake) is not read whole to find that out.
bool is_rawgan_report(const std::filesystem::path& path) {
  constexpr uintmax_t kMaxReportBytes = 64 << 20;
  std::error_code ec;
  const uintmax_t n_bytes = std::filesystem::file_size(path, ec);
  if (ec || n_bytes > kMaxReportBytes) return false;
  std::ifstream in(path, std::ios::binary);
  const nlohmann::json report = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  return report.is_object() && report.contains(kReportKey);
}

}  // namespace

void check_report_path(const std::string& option, const std::filesystem::path& path,
                       const std::vector<std::filesystem::path>& inputs) {
  namespace fs = std::filesystem;
  const std::string named = option + " " + path.string();
  if (audio::is_audio_file(path))
    throw UsageError(named + ": expected a file for the report, got a name ending in " +
                     path.extension().string());
  std::error_code ec;
  if (fs::is_directory(path, ec))
    throw UsageError(named + ": is a folder; expected a file for the report");
  // equivalent() sees through other spellings and links; a path that does not exist yet is no
  // input.
  if (!fs::exists(path, ec)) return;
  for (const fs::path& input : inputs)
    if (fs::equivalent(path, input, ec))
      throw UsageError(named + ": would overwrite the input " + input.string());
  // An earlier report may be replaced; any other file (a checkpoint, a preset, another tool's
  // JSON) may not.
  if (!is_rawgan_report(path))
    throw UsageError(named + ": exists and is not a JSON report written by rawgan (it has no \"" +
                     std::string(kReportKey) + "\" key); choose another file name");
}

void write_report(const std::filesystem::path& path, const std::string& command,
                  nlohmann::json report) {
  report[kReportKey] = "rawgan " + command;
  write_text_file(path, report.dump(2) + "\n", "the JSON report");
}

}  // namespace rawgan::cli
