// How a command line that CLI11 refuses becomes the one message of `rawgan: error:`.
#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "command.h"

namespace rawgan::cli {
namespace {

// Edits (insertions, deletions, substitutions, swaps of neighbours) from `a` to `b`: a swap
// counts as one, so that "--modle" is one edit from "--model" (optimal string alignment).
size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i)
    d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j)
    d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

// Every name an option of `app` answers to, "-o" and "--out" alike.
void add_option_names(const CLI::App& app, std::vector<std::string>& names) {
  for (const CLI::Option* option : app.get_options()) {
    for (const std::string& name : option->get_lnames())
      names.push_back("--" + name);
    for (const std::string& name : option->get_snames())
      names.push_back("-" + name);
  }
}

// The name closest to `word` within two edits, or "" when none is, or two are equally close.
std::string closest_name(const std::string& word, const std::vector<std::string>& names) {
  constexpr size_t kMaxEdits = 2;
  std::string best;
  size_t best_edits = kMaxEdits + 1;
  bool tie = false;
  for (const std::string& name : names) {
    const size_t edits = edit_distance(word, name);
    if (edits < best_edits) {
      best = name;
      best_edits = edits;
      tie = false;
    } else if (edits == best_edits && name != best) {
      tie = true;
    }
  }
  return best_edits <= kMaxEdits && !tie ? best : "";
}

// The words CLI11 left unparsed that look like options ("--modle", "--modle=m.pt", "-x"), by
// name; "-5" and "-.5" are values, "--" ends the options.
std::vector<std::string> unknown_options(const CLI::App& app) {
  std::vector<std::string> unknown;
  for (const std::string& word : app.remaining(true)) {
    if (word.size() < 2 || word[0] != '-' || word == "--") continue;
    if (std::isdigit(static_cast<unsigned char>(word[1])) || word[1] == '.') continue;
    const std::string name = word.substr(0, word.find('='));
    if (std::find(unknown.begin(), unknown.end(), name) == unknown.end()) unknown.push_back(name);
  }
  return unknown;
}

// CLI11's message in rawgan's words where it is unclear: an option given twice reads "--steps:
// At Most 1 required but received 2".
std::string reworded(const CLI::ParseError& error) {
  const std::string text = error.what();
  const std::string repeated = ": At Most 1 required but received ";
  const size_t at = text.find(repeated);
  if (dynamic_cast<const CLI::ArgumentMismatch*>(&error) && at != std::string::npos)
    return text.substr(0, at) + ": given " + text.substr(at + repeated.size()) +
           " times; give it once";
  return text;
}

}  // namespace

std::string parse_error_message(const CLI::App& app, const CLI::ParseError& error,
                                const std::string& command) {
  // A misspelt option is the likeliest cause of any other complaint (a required option it was
  // meant to be missing, one that needs it), so it is named first.
  const std::vector<std::string> unknown = unknown_options(app);
  if (unknown.empty()) return reworded(error);

  std::vector<std::string> names;
  add_option_names(app, names);
  if (!command.empty()) add_option_names(*app.get_subcommand(command), names);
  std::string text = unknown.size() == 1 ? "unknown option " : "unknown options ";
  for (size_t i = 0; i < unknown.size(); ++i) {
    text += (i > 0 ? ", '" : "'") + unknown[i] + "'";
    const std::string closest = closest_name(unknown[i], names);
    if (!closest.empty()) text += " (did you mean " + closest + "?)";
  }
  return text;
}

}  // namespace rawgan::cli
