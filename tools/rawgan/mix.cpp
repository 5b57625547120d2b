// rawgan mix --clean DIR --noise DIR --snr 0,5,10,15 --out DIR [--seed N]: builds a paired
// training set (DIR/noisy, DIR/clean) by adding random segments of noise files to clean
// speech at SNRs drawn from the list (see rawgan/data/mix.h for the SNR definition).
// Like enhance, an unreadable file is skipped with a warning, the others are mixed, and the
// exit code is 3 (bad input) when any was skipped.
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

int run_mix(const data::MixOptions& options) {
  audio::ensure_output_folder(options.out_dir, "--out");
  audio::ensure_not_an_input(options.out_dir, {options.clean_dir, options.noise_dir});
  data::MixReport report = data::mix_folders(options);
  std::cout << report.n_written << " pairs written to " << (options.out_dir / "noisy").string()
            << " and " << (options.out_dir / "clean").string() << " (" << report.n_skipped
            << " silent clean files skipped, " << report.n_rescaled
            << " mixtures scaled down to avoid clipping, " << report.n_unreadable
            << " unreadable files skipped)\n";
  if (report.n_unreadable > 0) {
    log::error(report.n_unreadable, " files could not be read (see the warnings above)");
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
  sub->add_option("--out", o->out_dir, "Output folder; receives noisy/ and clean/")->required();
  sub->add_option("--snr", o->snrs_db,
                  "SNRs in dB to draw from, comma-separated: 10 log10(clean energy / noise "
                  "energy) over the whole file")
      ->delimiter(',')
      ->capture_default_str();
  sub->add_option("--seed", o->seed, "Seed of noise, segment and SNR choices")
      ->capture_default_str();
  sub->add_option("--copies", o->copies, "Mixtures per clean file")
      ->check(positive_integer())
      ->capture_default_str();
  sub->callback([o, &action] { action = [o] { return run_mix(*o); }; });
}

const CommandRegistration kRegistration{20, add_mix_command};

}  // namespace
}  // namespace rawgan::cli
