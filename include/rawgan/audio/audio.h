// Audio values and file I/O for rawgan: reading with libsndfile, resampling with libsoxr,
// downmixing, and writing WAV with clipping that is counted, never wrapped.
//
// This layer knows nothing of LibTorch. All functions are thread-safe (they share no state).
// Errors are thrown as rawgan::InputError (an input cannot be used) or rawgan::RuntimeError
// (an output cannot be written), each naming the file and libsndfile's or libsoxr's reason.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace rawgan::audio {

/// Interleaved float samples, nominally in [-1, 1], with their rate and channel count.
/// The one audio value type that crosses rawgan's layers.
struct Audio {
  std::vector<float> samples;  ///< interleaved: frame f, channel c at [f * n_channels + c]
  int sample_rate_hz = 0;
  int n_channels = 0;

  int64_t n_frames() const { return n_channels > 0 ? samples.size() / n_channels : 0; }
  double duration_s() const {
    return sample_rate_hz > 0 ? static_cast<double>(n_frames()) / sample_rate_hz : 0.0;
  }
};

/// What a file holds, read from its header alone.
struct FileInfo {
  std::string format;  ///< container and encoding, e.g. "WAV PCM 16-bit", "FLAC 24-bit"
  int sample_rate_hz = 0;
  int n_channels = 0;
  int64_t n_frames = 0;
};

/// Reads the header of `path`. Throws InputError if the file is missing or not audio.
FileInfo probe(const std::filesystem::path& path);

/// Reads every frame of `path` as float in [-1, 1], scaled by the encoding's full scale
/// (never by the file's own peak). Keeps the file's rate and channels. Throws InputError for a
/// missing file, a file that is not audio, zero samples, truncated data, or a NaN or infinite
/// sample.
Audio read(const std::filesystem::path& path);

/// Reads `path` through block by block without keeping its samples and returns its header:
/// refuses, with the same InputError, every file `read` refuses (a NaN or infinite sample
/// included), in the memory of one block. For checking inputs before work that a bad one
/// would spoil, such as `rawgan play` before it opens the audio device.
FileInfo check_readable(const std::filesystem::path& path);

/// Averages the channels into one. Mono input is returned unchanged.
Audio to_mono(const Audio& audio);

/// Converts to `sample_rate_hz` with libsoxr's high-quality setting, along time only, keeping
/// the channel count. The output has round(n_frames * new_rate / old_rate) frames.
Audio resample(const Audio& audio, int sample_rate_hz);

/// Reads `path` and converts it to mono at `sample_rate_hz`. Logs one warning naming the file
/// when channels are averaged, and a debug line when it is resampled. With `channels_read`, the
/// file's channel count goes there instead of the warning, for a caller that sums up a folder.
Audio read_mono(const std::filesystem::path& path, int sample_rate_hz,
                int* channels_read = nullptr);

/// Sample encodings `write` can produce.
enum class SampleFormat { kPcm16, kPcm24, kFloat32 };

/// Parses "pcm16", "pcm24" or "float32"; throws UsageError otherwise.
SampleFormat parse_sample_format(const std::string& name);

/// What `write` did to fit the samples into the encoding.
struct WriteReport {
  int64_t n_clipped = 0;  ///< samples outside [-1, 1] that were clipped to the limits
};

/// Writes `audio` as a WAV file. Samples beyond [-1, 1] are clipped (also for float32, so that
/// every output is within full scale) and counted. The file is written to a temporary name in
/// the same folder and renamed into place, so a failed write never leaves a partial file.
/// Creates missing parent folders. Throws RuntimeError if the file cannot be written.
WriteReport write(const std::filesystem::path& path, const Audio& audio,
                  SampleFormat format = SampleFormat::kPcm16);

/// Statistics for `rawgan info` and sanity checks.
struct Levels {
  double peak_dbfs = 0;   ///< -inf for digital silence
  double rms_dbfs = 0;    ///< -inf for digital silence
  int64_t n_clipped = 0;  ///< at full scale (|x| >= 32767/32768) or beyond
};
Levels measure_levels(const Audio& audio);

/// Throws UsageError if `output` names the same file as one of `inputs` (also through links),
/// so that no command overwrites what it reads.
void ensure_not_an_input(const std::filesystem::path& output,
                         const std::vector<std::filesystem::path>& inputs);

}  // namespace rawgan::audio
