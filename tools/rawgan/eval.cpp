// rawgan eval --clean DIR --system NAME=DIR [...] [--json FILE]: objective metrics of one or
// more systems against clean references, paired by relative path (extension ignored, so that
// FLAC references pair with WAV outputs). Multi-channel files are averaged to mono; a system
// file at another rate is resampled to its reference's rate.
//
// stdout: one row per system with the mean and standard deviation of every metric and the
// number of files. --json: the same summary plus every per-file value (an infinite one written
// as null, its sign under "infinite");
// a --json path that is one of the inputs, a folder or named like audio is refused at once.
// Missing or unmatched files are listed on stderr and make the exit code 3, after the table.
//
// A reference too short for a metric (metrics::length_problems: segmental SNR needs a frame and
// a hop, STOI 30 frames of sound) is warned about, naming the file, its length and the
// minimum. A metric it leaves undefined is not computed for that file: the table's figures are
// over the other files (a warning after the table says how many), and in the JSON the file
// lists it under "not_computed" instead of a value, and the system's "n_computed" counts the
// files behind each mean ("mean" and "std" leave out a metric no file had). A mean over values
// that include +inf is +inf: "inf" in the table, null in the JSON like the per-file values,
// with no "std" (the deviation is undefined).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "command.h"
#include "rawgan/audio/audio.h"
#include "rawgan/audio/files.h"
#include "rawgan/metrics/metrics.h"
#include "rawgan/util/error.h"
#include "rawgan/util/format.h"
#include "rawgan/util/interrupt.h"
#include "rawgan/util/log.h"
#include "rawgan/util/progress.h"

namespace rawgan::cli {
namespace {

namespace fs = std::filesystem;

// Outputs that differ from their reference by at most this many samples (after resampling) are
// trimmed to the shorter with a warning; resampling rounds lengths by a sample or two.
constexpr int64_t kMaxTrimSamples = 64;

struct EvalOptions {
  std::string clean;
  std::vector<std::string> systems;  // NAME=DIR
  std::string json;
};

// What was done to files so that they could be compared: one warning per set after the table
// (a folder at another rate would otherwise give a line per file, or, as before, none at all).
struct Conversions {
  int64_t n_resampled = 0;
  int64_t n_downmixed = 0;
  std::string first_resampled;  ///< "x.wav (8000 Hz, its reference 16000 Hz)"
  std::string first_downmixed;  ///< "x.wav (2 channels)"

  // Reads `path` as mono, noting a downmix.
  audio::Audio read_mono(const fs::path& path) {
    audio::Audio audio = audio::read(path);
    if (audio.n_channels > 1 && n_downmixed++ == 0)
      first_downmixed = path.string() + " (" + std::to_string(audio.n_channels) + " channels)";
    return audio::to_mono(audio);
  }
  void warn(const std::string& set) const {
    if (n_resampled > 0)
      log::warn(set, ": ", n_resampled, " file(s) at another rate than their references, ",
                "resampled to the reference's rate before comparing; the first: ", first_resampled);
    if (n_downmixed > 0)
      log::warn(set, ": ", n_downmixed, " file(s) of several channels, averaged to mono; the ",
                "first: ", first_downmixed);
  }
};

struct System {
  std::string name;
  fs::path dir;
  std::map<std::string, fs::path> files;  // key: relative path without extension
  std::map<std::string, metrics::MetricValues> values;
  Conversions conversions;
  int n_failed = 0;
};

std::map<std::string, fs::path> list_audio(const fs::path& dir, const std::string& option) {
  if (!fs::is_directory(dir)) throw InputError(option + " " + dir.string() + ": not a folder");
  std::map<std::string, fs::path> files;
  for (const fs::path& path : audio::find_audio_files(dir)) {
    const std::string key = audio::relative_inside(path, dir).replace_extension().generic_string();
    if (!files.emplace(key, path).second)
      throw InputError(option + " " + dir.string() + ": two files share the name " + key +
                       " (differing only in extension)");
  }
  return files;
}

System parse_system(const std::string& spec) {
  const size_t eq = spec.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size())
    throw UsageError("--system expects NAME=DIR, got '" + spec + "'");
  System system;
  system.name = spec.substr(0, eq);
  system.dir = spec.substr(eq + 1);
  system.files = list_audio(system.dir, "--system " + system.name);
  return system;
}

// Reads the processed file as mono at the reference's rate and matches its length.
std::vector<float> load_processed(const fs::path& path, const fs::path& clean_path,
                                  int sample_rate_hz, size_t clean_length,
                                  Conversions& conversions) {
  audio::Audio processed = conversions.read_mono(path);
  if (processed.sample_rate_hz != sample_rate_hz) {
    log::debug(path.string(), ": resampling ", processed.sample_rate_hz, " -> ", sample_rate_hz,
               " Hz");
    if (conversions.n_resampled++ == 0)
      conversions.first_resampled = path.string() + " (" +
                                    std::to_string(processed.sample_rate_hz) +
                                    " Hz, its reference " + std::to_string(sample_rate_hz) + " Hz)";
    processed = audio::resample(processed, sample_rate_hz);
  }
  const int64_t diff = int64_t(processed.samples.size()) - int64_t(clean_length);
  if (std::abs(diff) > kMaxTrimSamples) {
    // Durations: the file may be at another rate than its reference, and was resampled.
    const double rate = sample_rate_hz;
    throw InputError(path.string() + " lasts " + format_seconds(processed.samples.size() / rate) +
                     " but its reference " + clean_path.string() + " lasts " +
                     format_seconds(clean_length / rate));
  }
  if (diff != 0)
    log::warn(path.string(), ": length differs from ", clean_path.string(), " by ", diff,
              " samples; comparing the common part");
  processed.samples.resize(clean_length, 0.0f);
  return processed.samples;
}

struct Stats {
  double mean = 0;
  double std = 0;
  size_t n_values = 0;  ///< files the metric was computed for
};

// Mean and population standard deviation; any infinite value makes the mean infinite and the
// deviation undefined (NaN). NaN marks a metric not computed for a file: left out.
Stats stats(const std::vector<double>& all_values) {
  std::vector<double> values;
  for (double v : all_values)
    if (!std::isnan(v)) values.push_back(v);
  Stats s;
  s.n_values = values.size();
  if (values.empty()) return {NAN, NAN, 0};
  for (double v : values)
    s.mean += v;
  s.mean /= double(values.size());
  // An infinite value is a real one (+inf: identical signals), counted like any other.
  if (!std::isfinite(s.mean)) return {s.mean, NAN, s.n_values};
  for (double v : values)
    s.std += (v - s.mean) * (v - s.mean);
  s.std = std::sqrt(s.std / double(values.size()));
  return s;
}

std::vector<Stats> system_stats(const System& system) {
  std::vector<Stats> result;
  for (size_t m = 0; m < metrics::metric_names().size(); ++m) {
    std::vector<double> values;
    for (const auto& [key, v] : system.values)
      values.push_back(v.as_vector()[m]);
    result.push_back(stats(values));
  }
  return result;
}

std::string format_cell(const Stats& s) {
  char cell[64];
  if (std::isnan(s.mean)) return "-";
  if (std::isnan(s.std))
    std::snprintf(cell, sizeof cell, "%.3f", s.mean);
  else
    std::snprintf(cell, sizeof cell, "%.3f +- %.3f", s.mean, s.std);
  return cell;
}

void print_table(const std::vector<System>& systems) {
  std::vector<std::string> header = {"system", "files"};
  for (const std::string& name : metrics::metric_names())
    header.push_back(name);
  std::vector<std::vector<std::string>> rows = {header};
  for (const System& system : systems) {
    std::vector<std::string> row = {system.name, std::to_string(system.values.size())};
    for (const Stats& s : system_stats(system))
      row.push_back(format_cell(s));
    rows.push_back(row);
  }
  std::vector<size_t> widths(header.size(), 0);
  for (const auto& row : rows)
    for (size_t c = 0; c < row.size(); ++c)
      widths[c] = std::max(widths[c], row[c].size());
  for (const auto& row : rows) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c) {
      std::string cell = row[c];
      cell.insert(c == 0 ? cell.size() : 0, widths[c] - cell.size(), ' ');
      line += (c == 0 ? "" : "  ") + cell;
    }
    std::cout << line << '\n';
  }
  std::cout << std::flush;
}

// JSON has no infinities: an infinite value is written as null, and its sign under
// owner[infinite_key] ({"si_sdr": null, "infinite": {"si_sdr": "-inf"}}), so that +inf (an
// exact output) and -inf (a silent one) stay apart. (std::map-backed objects keep `values`
// valid when `owner` is the same object and gains a key.)
void put_value(nlohmann::json& values, const std::string& name, double value, nlohmann::json& owner,
               const char* infinite_key) {
  if (std::isfinite(value)) {
    values[name] = value;
    return;
  }
  values[name] = nullptr;
  owner[infinite_key][name] = value > 0 ? "+inf" : "-inf";
}

void write_json(const fs::path& path, const EvalOptions& options,
                const std::vector<System>& systems, const std::vector<std::string>& problems) {
  nlohmann::json json;
  json["clean"] = options.clean;
  json["metrics"] = metrics::metric_names();
  json["problems"] = problems;
  for (const System& system : systems) {
    nlohmann::json entry;
    entry["dir"] = system.dir.string();
    entry["n_files"] = system.values.size();
    const std::vector<Stats> all = system_stats(system);
    for (size_t m = 0; m < all.size(); ++m) {
      const std::string& name = metrics::metric_names()[m];
      entry["n_computed"][name] = all[m].n_values;
      if (all[m].n_values == 0) continue;
      put_value(entry["mean"], name, all[m].mean, entry, "infinite_mean");
      // The deviation of an infinite mean is undefined (nan), not infinite: left out.
      if (std::isfinite(all[m].std)) entry["std"][name] = all[m].std;
    }
    entry["files"] = nlohmann::json::object();
    for (const auto& [key, v] : system.values) {
      nlohmann::json file = nlohmann::json::object();
      for (size_t m = 0; m < all.size(); ++m) {
        const double value = v.as_vector()[m];
        // A metric with no value is listed by name; null is an infinite one.
        if (std::isnan(value))
          file["not_computed"].push_back(metrics::metric_names()[m]);
        else
          put_value(file, metrics::metric_names()[m], value, file, "infinite");
      }
      entry["files"][key] = file;
    }
    json["systems"][system.name] = entry;
  }
  write_report(path, "eval", json);
}

// Once per reference, since its length decides for every system compared with it.
void warn_if_too_short(const fs::path& clean_path, const audio::Audio& clean) {
  for (const auto& problem : metrics::length_problems(clean.samples, clean.sample_rate_hz)) {
    log::warn(clean_path.string(), ": ", problem.metric,
              problem.undefined ? " is not computed: " : " means little: ", problem.reason);
  }
}

// The table's figures of a metric are over the files it was computed for; say when that is
// not all of a system's files.
void warn_about_left_out_files(const std::vector<System>& systems) {
  for (const System& system : systems) {
    const std::vector<Stats> all = system_stats(system);
    for (size_t m = 0; m < all.size(); ++m) {
      const std::string& name = metrics::metric_names()[m];
      if (all[m].n_values == system.values.size()) continue;
      // Too short or (STOI) too quiet: the warnings per reference above say which.
      if (all[m].n_values == 0)
        log::warn(system.name, ": ", name, " is not computed for any file (shown as -)");
      else
        log::warn(system.name, ": ", name, " is over ", all[m].n_values, " of ",
                  system.values.size(), " files (not computed for ",
                  system.values.size() - all[m].n_values, ", as warned above)");
    }
  }
}

int run_eval(const EvalOptions& options) {
  const auto clean_files = list_audio(options.clean, "--clean");
  if (clean_files.empty()) throw InputError("--clean " + options.clean + ": no audio files");
  std::vector<System> systems;
  for (const std::string& spec : options.systems) {
    systems.push_back(parse_system(spec));
    for (size_t i = 0; i + 1 < systems.size(); ++i)
      if (systems[i].name == systems.back().name)
        throw UsageError("--system name '" + systems.back().name + "' is given twice");
  }
  if (!options.json.empty()) {
    std::vector<fs::path> inputs;
    for (const auto& [key, path] : clean_files)
      inputs.push_back(path);
    for (const System& system : systems)
      for (const auto& [key, path] : system.files)
        inputs.push_back(path);
    check_report_path("--json", options.json, inputs);
  }

  // List what cannot be paired.
  std::vector<std::string> problems;
  size_t n_pairs = 0;
  for (const System& system : systems) {
    for (const auto& [key, path] : clean_files)
      if (system.files.count(key)) {
        ++n_pairs;
      } else {
        problems.push_back(system.name + ": missing " + key + " (reference " + path.string() + ")");
      }
    for (const auto& [key, path] : system.files)
      if (!clean_files.count(key))
        problems.push_back(system.name + ": " + path.string() + " has no clean reference");
  }
  for (const std::string& problem : problems)
    log::error(problem);

  Progress progress("eval", static_cast<int64_t>(n_pairs), "pairs");
  int64_t done = 0;
  Conversions clean_conversions;
  for (const auto& [key, clean_path] : clean_files) {
    audio::Audio clean;
    try {
      clean = clean_conversions.read_mono(clean_path);
    } catch (const InputError& e) {
      problems.push_back(std::string("clean: ") + e.what());
      log::error(e.what());
      continue;
    }
    // (A reference no system has is reported as missing already.)
    const bool paired = std::any_of(systems.begin(), systems.end(),
                                    [&key](const System& s) { return s.files.count(key) > 0; });
    if (paired) warn_if_too_short(clean_path, clean);
    for (System& system : systems) {
      auto found = system.files.find(key);
      if (found == system.files.end()) continue;
      if (interrupt_requested()) throw Interrupted("eval stopped before finishing");
      try {
        const std::vector<float> processed =
            load_processed(found->second, clean_path, clean.sample_rate_hz, clean.samples.size(),
                           system.conversions);
        system.values[key] = metrics::compute_all(clean.samples, processed, clean.sample_rate_hz);
      } catch (const InputError& e) {
        problems.push_back(system.name + ": " + e.what());
        log::error(e.what());
      }
      progress.update(++done, key);
    }
  }
  progress.finish();

  clean_conversions.warn("clean");
  for (const System& system : systems)
    system.conversions.warn(system.name);
  print_table(systems);
  warn_about_left_out_files(systems);
  if (!options.json.empty()) write_json(options.json, options, systems, problems);
  if (!problems.empty()) {
    log::error(problems.size(), " file(s) missing, unmatched or unreadable; see above");
    return static_cast<int>(ExitCode::kBadInput);
  }
  return 0;
}

void add_eval_command(CLI::App& root, Action& action) {
  auto options = std::make_shared<EvalOptions>();
  CLI::App* sub = root.add_subcommand(
      "eval", "Objective metrics (SNR, segSNR, SI-SDR, LSD, STOI, ESTOI) of systems vs clean");
  sub->add_option("--clean", options->clean, "Folder of clean references")->required();
  sub->add_option("--system", options->systems,
                  "NAME=DIR: a system's outputs, paired with --clean by relative path")
      ->required();
  sub->add_option("--json", options->json, "Write per-file values and summaries to this file");
  sub->callback([options, &action] { action = [options] { return run_eval(*options); }; });
}

const CommandRegistration kRegistration{60, add_eval_command};

}  // namespace
}  // namespace rawgan::cli
