#include "rawgan/data/mix.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <utility>

#include "rawgan/audio/audio.h"
#include "rawgan/audio/files.h"
#include "rawgan/metrics/metrics.h"
#include "rawgan/util/error.h"
#include "rawgan/util/interrupt.h"
#include "rawgan/util/log.h"
#include "rawgan/util/progress.h"
#include "rawgan/util/text_file.h"

namespace rawgan::data {
namespace {

namespace fs = std::filesystem;

double energy(const std::vector<float>& samples) {
  double sum = 0;
  for (float s : samples)
    sum += static_cast<double>(s) * s;
  return sum;
}

// "5", "-2.5": the SNR as it appears in file names.
std::string snr_label(double snr_db) {
  std::ostringstream out;
  out << snr_db;
  return out.str();
}

// Noise files read once (mono, native rate), resampled once per speech rate that asks.
class NoiseBank {
 public:
  // Unreadable files are skipped with a warning and counted in `n_unreadable`.
  NoiseBank(const fs::path& dir, int64_t& n_unreadable) {
    for (const fs::path& path : audio::find_audio_files(dir)) {
      audio::Audio noise;
      try {
        noise = audio::to_mono(audio::read(path));
      } catch (const InputError& e) {
        log::warn(e.what(), "; skipped");
        ++n_unreadable;
        continue;
      }
      if (energy(noise.samples) <= 0) {
        log::warn(path.string(), ": silent; not used as noise");
        continue;
      }
      paths_.push_back(path);
      native_.push_back(std::move(noise));
    }
    if (paths_.empty()) throw InputError(dir.string() + ": no usable noise files");
  }

  size_t size() const { return paths_.size(); }
  const fs::path& path(size_t i) const { return paths_[i]; }

  const std::vector<float>& at_rate(size_t i, int sample_rate_hz) {
    auto key = std::make_pair(i, sample_rate_hz);
    auto it = resampled_.find(key);
    if (it == resampled_.end()) {
      it = resampled_.emplace(key, audio::resample(native_[i], sample_rate_hz).samples).first;
    }
    return it->second;
  }

 private:
  std::vector<fs::path> paths_;
  std::vector<audio::Audio> native_;
  std::map<std::pair<size_t, int>, std::vector<float>> resampled_;
};

// How `output` stands to `input`: "is", "lies inside" or "contains", or empty when they are
// apart.
std::string overlap(const fs::path& output, const fs::path& input) {
  const bool output_inside = audio::is_same_or_inside(output, input);
  const bool input_inside = audio::is_same_or_inside(input, output);
  if (output_inside && input_inside) return "is";
  if (output_inside) return "lies inside";
  if (input_inside) return "contains";
  return "";
}

// The pairs go to out_dir/noisy and out_dir/clean. Overlapping an input folder, they would be
// written among the user's own files, and a rerun would read them as speech or noise and
// overwrite them with mixtures of themselves.
void ensure_outputs_apart_from_inputs(const MixOptions& options) {
  const std::pair<const char*, fs::path> inputs[] = {{"--clean", options.clean_dir},
                                                     {"--noise", options.noise_dir}};
  for (const char* half : {"noisy", "clean"}) {
    const fs::path output = options.out_dir / half;
    for (const auto& [option, input] : inputs) {
      const std::string relation = overlap(output, input);
      if (relation.empty()) continue;
      throw UsageError("--out " + options.out_dir.string() + ": the " + half +
                       " files would go to " + output.string() + ", which " + relation + " the " +
                       option + " folder " + input.string() +
                       "; a rerun would read them as inputs. Choose an --out folder whose "
                       "noisy/ and clean/ lie apart from --clean and --noise");
    }
  }
}

// Integer samples round what is written: a noise of a few quantisation steps or less is
// coarsened or lost, and the pair no longer holds the SNR asked (at --snr 100, 16-bit pairs of
// speech at about -21 dBFS held 96 to 110 dB). Such pairs are read back and measured; those off
// by more than kSnrToleranceDb are summed up in one warning.
class WrittenSnrCheck {
 public:
  explicit WrittenSnrCheck(audio::SampleFormat format) : format_(format) {}

  // `noise_rms`: of the noise as added to the written pair (after any scaling).
  void check(const std::string& name, const fs::path& noisy_path, const fs::path& clean_path,
             double snr_db, double noise_rms) {
    // Two roundings add about step^2 / 6 to the noise's energy per sample: at 10 steps of RMS,
    // 1/600 of it (0.007 dB). Only a noise below that can be off by the tolerance.
    const double step = quantisation_step();
    if (step == 0 || noise_rms >= 10 * step) return;
    // +inf: no noise left.
    const double held_db =
        metrics::snr_db(audio::read(clean_path).samples, audio::read(noisy_path).samples);
    if (std::abs(held_db - snr_db) <= kSnrToleranceDb) return;
    if (n_off_++ > 0) return;
    std::ostringstream first;
    first.precision(4);
    first << name << ": asked " << snr_db << " dB, holds ";
    if (std::isinf(held_db))
      first << "no noise at all";
    else
      first << held_db << " dB";
    first_off_ = first.str();
  }

  int64_t n_off() const { return n_off_; }

  void warn(int64_t n_pairs) const {
    if (n_off_ == 0) return;
    log::warn(n_off_, " of ", n_pairs, " pairs hold an SNR more than ", kSnrToleranceDb,
              " dB from the one asked: ", format_name(),
              " samples round their noise, which is a "
              "few quantisation steps or less; the first: ",
              first_off_, ". --format float32 keeps any SNR");
  }

 private:
  double quantisation_step() const {
    switch (format_) {
      case audio::SampleFormat::kPcm16:
        return 1.0 / 32768;
      case audio::SampleFormat::kPcm24:
        return 1.0 / 8388608;
      case audio::SampleFormat::kFloat32:
        break;
    }
    return 0;  // float32 keeps 24 bits of every sample: any SNR up to kMaxSnrDb holds
  }
  const char* format_name() const {
    return format_ == audio::SampleFormat::kPcm24 ? "24-bit" : "16-bit";
  }

  audio::SampleFormat format_;
  int64_t n_off_ = 0;
  std::string first_off_;
};

// Mixtures are named after their clean file without its extension: of two files that differ
// only by it, the second's pairs would replace the first's under the same names.
void ensure_distinct_names(const std::vector<fs::path>& clean_files, const fs::path& clean_dir) {
  std::map<fs::path, fs::path> file_of;
  for (const fs::path& path : clean_files) {
    auto [it, added] =
        file_of.emplace(audio::relative_inside(path, clean_dir).replace_extension(), path);
    if (!added) {
      throw InputError(it->second.string() + " and " + path.string() +
                       ": two clean files differ only by extension, and their mixtures would be "
                       "written under the same names; keep one");
    }
  }
}

void write_manifest(const MixOptions& options, const nlohmann::json& pairs) {
  const nlohmann::json manifest = {{"format", "rawgan-mix"},
                                   {"version", 1},
                                   {"clean_dir", options.clean_dir.string()},
                                   {"noise_dir", options.noise_dir.string()},
                                   {"seed", options.seed},
                                   {"snrs_db", options.snrs_db},
                                   {"copies", options.copies},
                                   {"pairs", pairs}};
  write_text_file(options.out_dir / kMixManifest, manifest.dump(1) + "\n", "the mix record");
}

}  // namespace

std::vector<float> noise_segment(const std::vector<float>& noise, int64_t offset,
                                 int64_t n_samples) {
  if (noise.empty()) throw InputError("noise_segment: empty noise");
  const int64_t n_noise = static_cast<int64_t>(noise.size());
  std::vector<float> segment(static_cast<size_t>(n_samples));
  int64_t position = ((offset % n_noise) + n_noise) % n_noise;
  for (int64_t i = 0; i < n_samples; ++i) {
    segment[i] = noise[position];
    if (++position == n_noise) position = 0;
  }
  return segment;
}

double noise_gain_for_snr(const std::vector<float>& clean, const std::vector<float>& noise,
                          double snr_db) {
  const double clean_energy = energy(clean);
  const double noise_energy = energy(noise);
  if (clean_energy <= 0 || noise_energy <= 0) {
    throw InputError("cannot mix at an SNR: the clean or the noise signal is silent");
  }
  // snr_db = 10 log10(E_s / (g^2 E_n))  =>  g = sqrt(E_s / (E_n 10^(snr_db / 10))).
  return std::sqrt(clean_energy / (noise_energy * std::pow(10.0, snr_db / 10.0)));
}

MixReport mix_folders(const MixOptions& options) {
  if (options.snrs_db.empty()) throw UsageError("--snr: give at least one SNR in dB");
  // A nan SNR makes the noise gain nan, and the written "noisy" file silent.
  for (double snr_db : options.snrs_db) {
    if (!std::isfinite(snr_db))
      throw UsageError("--snr: SNRs must be finite numbers of dB, got " + std::to_string(snr_db));
    // Below this the noise's peaks set the scale of the mixture, and scaling it to full scale
    // leaves the speech of both files a few 16-bit steps high (silent at -100 dB).
    if (snr_db < kMinSnrDb || snr_db > kMaxSnrDb) {
      throw UsageError("--snr: expected SNRs from " + snr_label(kMinSnrDb) + " to " +
                       snr_label(kMaxSnrDb) + " dB, got " + snr_label(snr_db));
    }
  }
  if (options.copies < 1) throw UsageError("--copies must be at least 1");
  const auto clean_files = audio::find_audio_files(options.clean_dir);
  if (clean_files.empty()) throw InputError(options.clean_dir.string() + ": no audio files");
  ensure_distinct_names(clean_files, options.clean_dir);
  // After the search, so that a missing --clean folder is reported as such.
  ensure_outputs_apart_from_inputs(options);
  MixReport report;
  NoiseBank noises(options.noise_dir, report.n_unreadable);
  std::mt19937_64 rng(options.seed);

  for (const char* half : {"noisy", "clean"})
    audio::mark_output_folder(options.out_dir / half, "mix");

  nlohmann::json written = nlohmann::json::array();
  WrittenSnrCheck snr_check(options.format);
  Progress progress("mixing", static_cast<int64_t>(clean_files.size()), "files");
  for (size_t f = 0; f < clean_files.size(); ++f) {
    const fs::path& clean_path = clean_files[f];
    audio::Audio clean;
    try {
      clean = audio::to_mono(audio::read(clean_path));
    } catch (const InputError& e) {
      log::warn(e.what(), "; skipped");
      ++report.n_unreadable;
      progress.update(static_cast<int64_t>(f + 1));
      continue;
    }
    const fs::path relative =
        audio::relative_inside(clean_path, options.clean_dir).replace_extension();
    if (energy(clean.samples) <= 0) {
      log::warn(clean_path.string(), ": silent; skipped");
      ++report.n_skipped;
      progress.update(static_cast<int64_t>(f + 1));
      continue;
    }
    for (int64_t copy = 0; copy < options.copies; ++copy) {
      // Three draws per mixture, in a fixed order, so a seed always gives the same set.
      const size_t noise_index = rng() % noises.size();
      const double snr_db = options.snrs_db[rng() % options.snrs_db.size()];
      const auto& noise = noises.at_rate(noise_index, clean.sample_rate_hz);
      const int64_t offset = static_cast<int64_t>(rng() % noise.size());

      auto segment = noise_segment(noise, offset, clean.n_frames());
      const double gain = noise_gain_for_snr(clean.samples, segment, snr_db);
      audio::Audio noisy = clean;
      float peak = 0;
      for (size_t i = 0; i < noisy.samples.size(); ++i) {
        noisy.samples[i] += static_cast<float>(gain * segment[i]);
        peak = std::max(peak, std::abs(noisy.samples[i]));
      }
      audio::Audio target = clean;
      float scale = 1.0f;
      if (peak > 0.99f) {
        scale = 0.99f / peak;
        for (auto* signal : {&noisy, &target})
          for (float& s : signal->samples)
            s *= scale;
        ++report.n_rescaled;
      }

      const std::string name = relative.string() + "_" + noises.path(noise_index).stem().string() +
                               "_snr" + snr_label(snr_db) +
                               (options.copies > 1 ? "_" + std::to_string(copy + 1) : "");
      const fs::path noisy_out = options.out_dir / "noisy" / (name + ".wav");
      const fs::path clean_out = options.out_dir / "clean" / (name + ".wav");
      audio::write(noisy_out, noisy, options.format);
      audio::write(clean_out, target, options.format);
      ++report.n_written;
      const double noise_rms =
          scale * gain * std::sqrt(energy(segment) / std::max<size_t>(1, segment.size()));
      snr_check.check(name, noisy_out, clean_out, snr_db, noise_rms);
      written.push_back(
          {{"name", fs::path(name).generic_string()},
           {"clean", audio::relative_inside(clean_path, options.clean_dir).generic_string()},
           {"noise",
            audio::relative_inside(noises.path(noise_index), options.noise_dir).generic_string()},
           {"offset_samples", offset},
           {"snr_db", snr_db},
           {"scale", scale}});
    }
    progress.update(static_cast<int64_t>(f + 1));
    if (interrupt_requested()) {
      write_manifest(options, written);
      throw Interrupted("mixing interrupted after " + std::to_string(report.n_written) + " pairs");
    }
  }
  progress.finish(std::to_string(report.n_written) + " pairs");
  write_manifest(options, written);
  snr_check.warn(report.n_written);
  report.n_snr_off = snr_check.n_off();
  return report;
}

}  // namespace rawgan::data
