// rawgan mix --clean DIR --noise DIR --snr 0,5,10,15 --out DIR [--seed N]: builds a paired
// training set (DIR/noisy, DIR/clean) by adding random segments of noise files to clean
// speech at SNRs drawn from the list (see rawgan/data/mix.h for the SNR definition), as
// 16-bit files unless --format says otherwise.
// Like enhance, an unreadable file is skipped with a warning, the others are mixed, and the
// exit code is 3 (bad input) when any was skipped.
#include <algorithm>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "command.h"
#include "rawgan/audio/audio.h"
#include "rawgan/audio/files.h"
#include "rawgan/data/mix.h"
#include "rawgan/util/error.h"
#include "rawgan/util/log.h"

namespace rawgan::cli {
namespace {

// Each --snr argument is a comma-separated list. CLI11's own delimiter drops empty elements, so
// that "5,,10" would pass as 5,10: the lists are split and checked here instead.
std::vector<double> parse_snrs_db(const std::vector<std::string>& args) {
  std::vector<double> snrs_db;
  for (const std::string& arg : args) {
    size_t begin = 0;
    while (true) {
      const size_t end = std::min(arg.find(',', begin), arg.size());
      const std::string element = arg.substr(begin, end - begin);
      const std::string error = finite_number()(element);
      if (!error.empty()) throw UsageError("--snr: " + error + " in '" + arg + "'");
      double snr_db = 0;
      CLI::detail::lexical_cast(element, snr_db);
      snrs_db.push_back(snr_db);
      if (end == arg.size()) break;
      begin = end + 1;
    }
  }
  return snrs_db;
}

int run_mix(const data::MixOptions& options) {
  audio::ensure_output_folder(options.out_dir, "--out");
  data::MixReport report = data::mix_folders(options);
  std::cout << report.n_written << " pairs written to " << (options.out_dir / "noisy").string()
            << " and " << (options.out_dir / "clean").string() << " (" << report.n_skipped
            << " silent clean files skipped, " << report.n_rescaled
            << " mixtures scaled down to avoid clipping, " << report.n_unreadable
            << " unreadable files skipped); record of each pair in "
            << (options.out_dir / data::kMixManifest).string() << "\n";
  if (report.n_unreadable > 0) {
    log::error(report.n_unreadable, " files could not be read (see the warnings above)");
    return static_cast<int>(ExitCode::kBadInput);
  }
  // Every clean file silent: nothing to train on, which a script must not take for success.
  if (report.n_written == 0) {
    log::error(options.clean_dir.string(), ": no pairs written: all ", report.n_skipped,
               " clean files are silent");
    return static_cast<int>(ExitCode::kBadInput);
  }
  return 0;
}

void add_mix_command(CLI::App& root, Action& action) {
  auto o = std::make_shared<data::MixOptions>();
  CLI::App* sub =
      root.add_subcommand("mix", "Make noisy/clean training pairs from speech and noise folders");
  sub->add_option("--clean", o->clean_dir, "Folder of clean speech (recursive)")->required();
  sub->add_option("--noise", o->noise_dir, "Folder of noise recordings (recursive)")->required();
  sub->add_option("-o,--out,--output", o->out_dir, "Output folder; receives noisy/ and clean/")
      ->required();
  auto snr_args = std::make_shared<std::vector<std::string>>();
  std::string default_snrs;
  for (double snr_db : o->snrs_db)
    default_snrs += (default_snrs.empty() ? "" : ",") + CLI::detail::to_string(snr_db);
  sub->add_option("--snr", *snr_args,
                  "SNRs in dB to draw from, comma-separated, each from -40 to 100: 10 "
                  "log10(clean energy / noise energy) over the whole file")
      ->default_str(default_snrs);
  // The seed is unsigned: CLI11 would wrap -1 to 2^64 - 1 rather than refuse it.
  sub->add_option("--seed", o->seed, "Seed of noise, segment and SNR choices, 0 or more")
      ->check(non_negative_integer())
      ->capture_default_str();
  sub->add_option("--copies", o->copies, "Mixtures per clean file")
      ->check(positive_integer())
      ->capture_default_str();
  auto format = std::make_shared<std::string>("pcm16");
  sub->add_option("--format", *format,
                  "Encoding of both files: pcm16, pcm24 or float32 (16-bit files hold SNRs up to "
                  "about 60 dB for speech at -20 dBFS; mix warns when a pair holds another)")
      ->check(CLI::IsMember({"pcm16", "pcm24", "float32"}))
      ->capture_default_str();
  sub->callback([o, snr_args, format, &action] {
    action = [o, snr_args, format] {
      if (!snr_args->empty()) o->snrs_db = parse_snrs_db(*snr_args);
      o->format = audio::parse_sample_format(*format);
      return run_mix(*o);
    };
  });
}

const CommandRegistration kRegistration{20, add_mix_command};

}  // namespace
}  // namespace rawgan::cli
