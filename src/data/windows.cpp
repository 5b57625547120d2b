#include "rawgan/data/windows.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "rawgan/audio/audio.h"
#include "rawgan/dsp/emphasis.h"
#include "rawgan/util/error.h"
#include "rawgan/util/format.h"
#include "rawgan/util/interrupt.h"
#include "rawgan/util/log.h"
#include "rawgan/util/progress.h"

namespace rawgan::data {
namespace {

double peak_dbfs(const std::vector<float>& samples) {
  float peak = 0.0f;
  for (float s : samples)
    peak = std::max(peak, std::abs(s));
  return peak > 0.0f ? 20.0 * std::log10(peak) : -INFINITY;
}

// True (after a warning) when `path` holds no samples or only near-silence.
bool skip_empty_or_silent(const std::filesystem::path& path, const std::vector<float>* samples,
                          const WindowOptions& options) {
  if (!samples) {
    log::warn(path.string(), ": empty (no samples); pair skipped");
    return true;
  }
  double peak = peak_dbfs(*samples);
  if (peak < options.silence_peak_dbfs) {
    log::warn(path.string(), ": silent (peak ", peak, " dBFS, below ", options.silence_peak_dbfs,
              "); pair skipped");
    return true;
  }
  return false;
}

}  // namespace

bool load_pair(const FilePair& pair, const WindowOptions& options, LoadedPair& loaded,
               LoadReport& report) {
  // An empty file is a warning, not an error: probe before read_mono, which refuses it.
  for (const auto* path : {&pair.noisy, &pair.clean}) {
    if (audio::probe(*path).n_frames == 0) {
      skip_empty_or_silent(*path, nullptr, options);
      ++report.n_skipped;
      return false;
    }
  }
  loaded.name = pair.name;
  loaded.noisy = audio::read_mono(pair.noisy, options.sample_rate_hz).samples;
  loaded.clean = audio::read_mono(pair.clean, options.sample_rate_hz).samples;
  if (skip_empty_or_silent(pair.noisy, &loaded.noisy, options) ||
      skip_empty_or_silent(pair.clean, &loaded.clean, options)) {
    ++report.n_skipped;
    return false;
  }

  const int64_t n_noisy = static_cast<int64_t>(loaded.noisy.size());
  const int64_t n_clean = static_cast<int64_t>(loaded.clean.size());
  if (n_noisy != n_clean) {
    const int64_t difference = std::abs(n_noisy - n_clean);
    if (difference > options.max_length_mismatch_samples) {
      // Durations, not sample counts: the files may be at another rate than the model's.
      const double rate = options.sample_rate_hz;
      throw InputError(pair.noisy.string() + " (" + format_seconds(n_noisy / rate) + ") and " +
                       pair.clean.string() + " (" + format_seconds(n_clean / rate) +
                       ") differ in length by " + format_seconds(difference / rate) + " (" +
                       std::to_string(difference) + " samples at the model's " +
                       std::to_string(options.sample_rate_hz) + " Hz); at most " +
                       std::to_string(options.max_length_mismatch_samples) + " are trimmed");
    }
    log::warn(pair.noisy.string(), " and ", pair.clean.string(), ": lengths differ by ", difference,
              " samples; trimmed to the shorter");
    const size_t n = static_cast<size_t>(std::min(n_noisy, n_clean));
    loaded.noisy.resize(n);
    loaded.clean.resize(n);
    ++report.n_trimmed;
  }

  if (options.pre_emphasis > 0.0f) {
    dsp::pre_emphasis(loaded.noisy, options.pre_emphasis);
    dsp::pre_emphasis(loaded.clean, options.pre_emphasis);
  }
  return true;
}

std::vector<int64_t> window_offsets(int64_t n_samples, int64_t window_samples,
                                    int64_t hop_samples) {
  std::vector<int64_t> offsets;
  if (n_samples <= window_samples) return {0};
  int64_t offset = 0;
  for (; offset + window_samples <= n_samples; offset += hop_samples)
    offsets.push_back(offset);
  if (offsets.back() + window_samples < n_samples) offsets.push_back(n_samples - window_samples);
  return offsets;
}

PairedWindows::PairedWindows(const std::vector<FilePair>& pairs, const WindowOptions& options)
    : options_(options) {
  if (options_.hop_samples <= 0)
    options_.hop_samples = std::max<int64_t>(1, options_.window_samples / 2);
  const int64_t window = options_.window_samples;
  Progress progress("loading", static_cast<int64_t>(pairs.size()), "pairs");
  std::string first_padded;
  for (size_t i = 0; i < pairs.size(); ++i) {
    LoadedPair loaded;
    if (load_pair(pairs[i], options_, loaded, report_)) {
      const int64_t n = static_cast<int64_t>(loaded.noisy.size());
      if (n < window) {
        // Each file at debug level: a set of short prompts would otherwise open the run with
        // a screen of these lines. One summary follows the loop.
        const std::string line = pairs[i].noisy.string() + ": " + std::to_string(n) + " samples";
        log::debug(line, ", shorter than one ", window, "-sample window; zero-padded");
        if (report_.n_padded++ == 0) first_padded = line;
      }
      const int32_t file = static_cast<int32_t>(files_.size());
      for (int64_t offset : window_offsets(n, window, options_.hop_samples))
        windows_.push_back({file, offset});
      files_.push_back(std::move(loaded));
    }
    progress.update(static_cast<int64_t>(i + 1));
    if (interrupt_requested()) throw Interrupted("interrupted while loading training data");
  }
  report_.n_pairs = static_cast<int64_t>(files_.size());
  progress.finish(std::to_string(windows_.size()) + " windows");
  if (report_.n_padded > 0) {
    log::info(report_.n_padded, " of ", report_.n_pairs, " pairs are shorter than one ", window,
              "-sample window (",
              format_seconds(static_cast<double>(window) / options_.sample_rate_hz),
              ") and are zero-padded, the first ", first_padded,
              report_.n_padded > 1 ? " (--verbose names each)" : "");
  }
  if (windows_.empty()) {
    throw InputError("no usable training data: all " + std::to_string(pairs.size()) +
                     " pairs are empty or silent");
  }
}

std::pair<torch::Tensor, torch::Tensor> PairedWindows::batch(const std::vector<int64_t>& indices,
                                                             bool pin_memory) const {
  const int64_t window = options_.window_samples;
  const int64_t n = static_cast<int64_t>(indices.size());
  const auto options = torch::TensorOptions().dtype(torch::kFloat).pinned_memory(pin_memory);
  auto noisy = torch::zeros({n, 1, window}, options);
  auto clean = torch::zeros({n, 1, window}, options);
  float* noisy_data = noisy.data_ptr<float>();
  float* clean_data = clean.data_ptr<float>();
  for (int64_t b = 0; b < n; ++b) {
    const WindowRef& ref = windows_.at(static_cast<size_t>(indices[b]));
    const LoadedPair& pair = files_[static_cast<size_t>(ref.file)];
    const int64_t count = std::min<int64_t>(window, pair.noisy.size() - ref.offset);
    std::copy_n(pair.noisy.begin() + ref.offset, count, noisy_data + b * window);
    std::copy_n(pair.clean.begin() + ref.offset, count, clean_data + b * window);
  }
  return {noisy, clean};
}

std::vector<int64_t> epoch_order(int64_t n_windows, uint64_t seed, int64_t epoch) {
  std::vector<int64_t> order(static_cast<size_t>(n_windows));
  for (int64_t i = 0; i < n_windows; ++i)
    order[i] = i;
  // Seeded from (seed, epoch) alone; Fisher-Yates on the raw engine output is the same with
  // every standard library.
  std::seed_seq seq{static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32),
                    static_cast<uint32_t>(epoch), static_cast<uint32_t>(epoch >> 32)};
  std::mt19937_64 rng(seq);
  for (int64_t i = n_windows - 1; i > 0; --i)
    std::swap(order[i], order[rng() % static_cast<uint64_t>(i + 1)]);
  return order;
}

}  // namespace rawgan::data
