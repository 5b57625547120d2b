#include "rawgan/data/clips.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>

#include "rawgan/audio/audio.h"
#include "rawgan/audio/files.h"
#include "rawgan/util/error.h"
#include "rawgan/util/log.h"

namespace rawgan::data {
namespace {

// A file shorter than this part of a clip is padded to a clip that is nearly all silence, which
// the model learns as such: such files get a warning. (The drum one-shots of the generation demo,
// 0.1 s and longer, are above it for 16384-sample clips at 16 kHz.)
constexpr int64_t kFarShortFraction = 16;

double rms_dbfs(const std::vector<float>& samples) {
  double energy = 0;
  for (float s : samples)
    energy += double(s) * s;
  const double rms = samples.empty() ? 0.0 : std::sqrt(energy / samples.size());
  return rms > 0 ? 20.0 * std::log10(rms) : -std::numeric_limits<double>::infinity();
}

// Files that share a remark (averaged to mono, ...): each is named at debug level (--verbose)
// and counted, and one line sums them up once the folder is read, so that a folder of such files
// does not open a run with a screen of warnings.
struct Remark {
  int64_t n = 0;
  std::string first;  ///< the first file, with its detail, e.g. "a.wav (2 channels)"

  void add(const std::string& file, const std::string& debug_line) {
    if (!debug_line.empty()) log::debug(debug_line);
    if (n++ == 0) first = file;
  }
  // "DIR: N of M files <what>; the first: <first>" (for one file "...<what>: <first>"), `what` a
  // phrase without a verb, which reads for one file as for several.
  void warn(const std::filesystem::path& dir, size_t n_files, const std::string& what) const {
    if (n == 0) return;
    const bool named_each = log::enabled(log::Level::kDebug);
    log::warn(dir.string(), ": ", n, " of ", n_files, " files ", what,
              n > 1 ? "; the first: " : ": ", first,
              n > 1 && !named_each ? " (--verbose names each)" : "");
  }
};

// What load_clips noted of a folder's files, summed up once it is read.
struct FolderRemarks {
  Remark downmixed, unreadable, silent, padded, far_short;

  void warn(const std::filesystem::path& dir, size_t n_files, const ClipOptions& options,
            int64_t far_short_samples) const {
    downmixed.warn(dir, n_files, "of several channels, averaged to mono");
    unreadable.warn(dir, n_files, "skipped as unreadable (the others are used)");
    silent.warn(dir, n_files,
                options.skip_digital_silence
                    ? "skipped as digital silence (every sample zero)"
                    : "of digital silence (every sample zero), measured as they are");
    char duration_ms[32];
    std::snprintf(duration_ms, sizeof duration_ms, "%.3g",
                  1000.0 * far_short_samples / options.sample_rate_hz);
    far_short.warn(dir, n_files,
                   "shorter than " + std::to_string(far_short_samples) + " samples (" +
                       duration_ms + " ms at " + std::to_string(options.sample_rate_hz) +
                       " Hz, a " + std::to_string(kFarShortFraction) +
                       "th of a clip), each padded with silence to one " +
                       std::to_string(options.clip_samples) + "-sample clip");
  }

  // Why none of the folder's `n_files` audio files gave a clip.
  std::string no_usable_audio(const std::filesystem::path& dir, size_t n_files) const {
    const std::string files = std::to_string(n_files) + " audio files";
    const std::string first_unreadable = " (the first: " + unreadable.first + ")";
    const std::string first_silent = " (every sample zero; the first: " + silent.first + ")";
    std::string why;
    if (silent.n == 0)
      why = "none of its " + files + " could be read" + first_unreadable;
    else if (unreadable.n == 0)
      why = "its " + files + " are all digital silence" + first_silent;
    else
      why = "of its " + files + ", " + std::to_string(unreadable.n) + " could not be read" +
            first_unreadable + " and " + std::to_string(silent.n) + " are digital silence" +
            first_silent;
    return dir.string() + ": no usable audio: " + why +
           "; expected audio files with sound that libsndfile reads (any rate, channels and "
           "length)";
  }
};

void check(const ClipOptions& options) {
  if (options.sample_rate_hz <= 0)
    throw UsageError("clip sample rate must be > 0 Hz, got " +
                     std::to_string(options.sample_rate_hz));
  if (options.clip_samples <= 0)
    throw UsageError("clip length must be > 0 samples, got " +
                     std::to_string(options.clip_samples));
  if (options.max_clips_per_file < 0)
    throw UsageError("max clips per file must be >= 0, got " +
                     std::to_string(options.max_clips_per_file));
}

}  // namespace

std::vector<std::vector<float>> cut_into_clips(const std::vector<float>& samples,
                                               const ClipOptions& options,
                                               int64_t* n_silent_dropped) {
  check(options);
  const int64_t length = options.clip_samples;
  const int64_t n_samples = static_cast<int64_t>(samples.size());
  std::vector<std::vector<float>> clips;
  std::vector<float> first_silent;
  int64_t n_dropped = 0;
  for (int64_t start = 0; start < std::max<int64_t>(n_samples, 1); start += length) {
    if (options.max_clips_per_file > 0 &&
        static_cast<int64_t>(clips.size()) >= options.max_clips_per_file)
      break;
    std::vector<float> clip(length, 0.0f);
    const int64_t n_copy = std::min(length, n_samples - start);
    std::copy(samples.begin() + start, samples.begin() + start + n_copy, clip.begin());
    if (rms_dbfs(clip) < options.silence_dbfs) {
      if (first_silent.empty()) first_silent = clip;
      ++n_dropped;
      continue;
    }
    clips.push_back(std::move(clip));
  }
  // A file that is quiet throughout (digital silence is skipped before) still gives one clip:
  // it was asked for, and may be what the user wants to model.
  if (clips.empty() && !first_silent.empty()) {
    clips.push_back(std::move(first_silent));
    --n_dropped;
  }
  if (n_silent_dropped) *n_silent_dropped += n_dropped;
  return clips;
}

ClipSet load_clips(const std::filesystem::path& dir, const ClipOptions& options) {
  check(options);
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec))
    throw InputError(dir.string() + ": not a folder of clips");
  const std::vector<std::filesystem::path> paths = audio::find_audio_files(dir);
  if (paths.empty()) throw InputError(dir.string() + ": no audio files");
  const int64_t far_short_samples = std::max<int64_t>(1, options.clip_samples / kFarShortFraction);
  ClipSet set;
  std::vector<std::vector<float>> all;
  FolderRemarks remarks;
  for (const auto& path : paths) {
    audio::Audio audio;
    try {
      int n_channels = 1;
      audio = audio::read_mono(path, options.sample_rate_hz, &n_channels);
      if (n_channels > 1) {
        const std::string channels = std::to_string(n_channels) + " channels";
        remarks.downmixed.add(path.string() + " (" + channels + ")",
                              path.string() + ": " + channels + " averaged to mono");
      }
    } catch (const InputError& e) {
      remarks.unreadable.add(e.what(), std::string("skipping ") + e.what());
      continue;
    }
    // Checked in mono at the model's rate: a stereo file whose channels cancel is silent too.
    if (std::all_of(audio.samples.begin(), audio.samples.end(), [](float x) { return x == 0; })) {
      remarks.silent.add(path.string(), path.string() + ": digital silence (every sample zero at " +
                                            std::to_string(options.sample_rate_hz) +
                                            " Hz in mono)" +
                                            (options.skip_digital_silence ? "; skipped" : ""));
      if (options.skip_digital_silence) continue;
    }
    const int64_t n_frames = audio.n_frames();
    const std::string length = std::to_string(n_frames) + (n_frames == 1 ? " sample" : " samples");
    if (n_frames < options.clip_samples)
      remarks.padded.add(path.string(), path.string() + ": " + length +
                                            ", padded with silence to a " +
                                            std::to_string(options.clip_samples) + "-sample clip");
    if (n_frames < far_short_samples)
      remarks.far_short.add(path.string() + " (" + length + ")", "");
    if (n_frames > options.clip_samples) ++set.n_sliced;
    auto clips = cut_into_clips(audio.samples, options, &set.n_silent_dropped);
    for (auto& clip : clips) {
      all.push_back(std::move(clip));
      set.file_of_clip.push_back(static_cast<int64_t>(set.files.size()));
    }
    set.files.push_back(path);
  }
  set.n_downmixed = remarks.downmixed.n;
  set.n_unreadable = remarks.unreadable.n;
  set.n_silent_files = remarks.silent.n;
  set.n_padded = remarks.padded.n;
  set.n_far_short = remarks.far_short.n;
  if (all.empty()) throw InputError(remarks.no_usable_audio(dir, paths.size()));
  remarks.warn(dir, paths.size(), options, far_short_samples);

  set.clips = torch::empty({static_cast<int64_t>(all.size()), options.clip_samples});
  for (size_t i = 0; i < all.size(); ++i) {
    std::memcpy(set.clips[i].data_ptr<float>(), all[i].data(), all[i].size() * sizeof(float));
  }
  log::info(dir.string(), ": ", all.size(), " clips of ", options.clip_samples, " samples at ",
            options.sample_rate_hz, " Hz from ", set.files.size(), " files (", set.n_padded,
            " padded, ", set.n_sliced, " sliced, ", set.n_silent_dropped,
            " silent slices dropped)");
  return set;
}

}  // namespace rawgan::data
