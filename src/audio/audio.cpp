#include "rawgan/audio/audio.h"

#include <soxr.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "rawgan/audio/stream.h"
#include "rawgan/util/error.h"
#include "rawgan/util/log.h"

namespace rawgan::audio {
namespace {

// Integer encodings read positive full scale as (2^(bits-1) - 1) / 2^(bits-1), e.g. 32767/32768,
// so a sample within one 16-bit step of 1.0 counts as being at full scale.
constexpr double kFullScale = 32767.0 / 32768.0;

double to_dbfs(double amplitude) {
  return amplitude > 0 ? 20.0 * std::log10(amplitude) : -std::numeric_limits<double>::infinity();
}

void require_samples(const std::filesystem::path& path, const FileInfo& info) {
  if (info.n_frames <= 0) throw InputError(path.string() + ": has no samples");
}

void require_whole(const std::filesystem::path& path, const FileInfo& info, int64_t n_read) {
  if (n_read != info.n_frames) {
    throw InputError(path.string() + ": truncated: header promises " +
                     std::to_string(info.n_frames) + " frames, file holds " +
                     std::to_string(n_read));
  }
}

}  // namespace

FileInfo probe(const std::filesystem::path& path) {
  return FileReader(path).info();
}

Audio read(const std::filesystem::path& path) {
  FileReader reader(path);
  const FileInfo& info = reader.info();
  require_samples(path, info);

  Audio audio;
  audio.sample_rate_hz = info.sample_rate_hz;
  audio.n_channels = info.n_channels;
  audio.samples.resize(static_cast<size_t>(info.n_frames) * info.n_channels);
  require_whole(path, info, reader.read(audio.samples.data(), info.n_frames));
  return audio;
}

FileInfo check_readable(const std::filesystem::path& path) {
  constexpr int64_t kBlockFrames = 65536;
  FileReader reader(path);
  const FileInfo info = reader.info();
  require_samples(path, info);
  std::vector<float> block(static_cast<size_t>(kBlockFrames) * info.n_channels);
  int64_t n_read = 0;
  while (n_read < info.n_frames) {
    const int64_t n = reader.read(block.data(), std::min(kBlockFrames, info.n_frames - n_read));
    if (n == 0) break;
    n_read += n;
  }
  require_whole(path, info, n_read);
  return info;
}

Audio to_mono(const Audio& audio) {
  if (audio.n_channels == 1) return audio;
  Audio mono;
  mono.sample_rate_hz = audio.sample_rate_hz;
  mono.n_channels = 1;
  const int64_t n_frames = audio.n_frames();
  mono.samples.resize(n_frames);
  const float scale = 1.0f / audio.n_channels;
  for (int64_t f = 0; f < n_frames; ++f) {
    float sum = 0.0f;
    for (int c = 0; c < audio.n_channels; ++c)
      sum += audio.samples[f * audio.n_channels + c];
    mono.samples[f] = sum * scale;
  }
  return mono;
}

Audio resample(const Audio& audio, int sample_rate_hz) {
  if (sample_rate_hz <= 0) {
    throw UsageError("resample: target rate must be positive, got " +
                     std::to_string(sample_rate_hz) + " Hz");
  }
  if (audio.sample_rate_hz == sample_rate_hz || audio.samples.empty()) {
    Audio same = audio;
    same.sample_rate_hz = sample_rate_hz;
    return same;
  }
  const double ratio = static_cast<double>(sample_rate_hz) / audio.sample_rate_hz;
  const int64_t n_in = audio.n_frames();
  const int64_t n_out = std::llround(n_in * ratio);

  Audio out;
  out.sample_rate_hz = sample_rate_hz;
  out.n_channels = audio.n_channels;
  // soxr_oneshot may return a frame more or less than n_in * ratio; give it room, then trim
  // or zero-pad to exactly n_out frames.
  std::vector<float> buffer(static_cast<size_t>(n_out + 16) * audio.n_channels);
  soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
  soxr_quality_spec_t quality = soxr_quality_spec(SOXR_HQ, 0);
  size_t n_done = 0;
  soxr_error_t error =
      soxr_oneshot(audio.sample_rate_hz, sample_rate_hz, audio.n_channels, audio.samples.data(),
                   n_in, nullptr, buffer.data(), n_out + 16, &n_done, &io, &quality, nullptr);
  if (error) throw RuntimeError(std::string("resampling failed (libsoxr: ") + error + ")");
  buffer.resize(static_cast<size_t>(n_out) * audio.n_channels, 0.0f);
  out.samples = std::move(buffer);
  return out;
}

Audio read_mono(const std::filesystem::path& path, int sample_rate_hz, int* channels_read) {
  Audio audio = read(path);
  if (channels_read) *channels_read = audio.n_channels;
  if (audio.n_channels > 1) {
    if (!channels_read)
      log::warn(path.string(), ": ", audio.n_channels, " channels averaged to mono");
    audio = to_mono(audio);
  }
  if (audio.sample_rate_hz != sample_rate_hz) {
    log::debug(path.string(), ": resampled from ", audio.sample_rate_hz, " to ", sample_rate_hz,
               " Hz");
    audio = resample(audio, sample_rate_hz);
  }
  return audio;
}

SampleFormat parse_sample_format(const std::string& name) {
  if (name == "pcm16") return SampleFormat::kPcm16;
  if (name == "pcm24") return SampleFormat::kPcm24;
  if (name == "float32") return SampleFormat::kFloat32;
  throw UsageError("unknown sample format '" + name + "', expected pcm16, pcm24 or float32");
}

WriteReport write(const std::filesystem::path& path, const Audio& audio, SampleFormat format) {
  FileWriter writer(path, audio.sample_rate_hz, audio.n_channels, format);
  writer.write(audio.samples.data(), audio.n_frames());
  writer.commit();
  WriteReport report;
  report.n_clipped = writer.n_clipped();
  if (report.n_clipped > 0) {
    log::warn(path.string(), ": ", report.n_clipped, " samples beyond full scale were clipped");
  }
  return report;
}

Levels measure_levels(const Audio& audio) {
  Levels levels;
  double peak = 0.0;
  double sum_squares = 0.0;
  for (float x : audio.samples) {
    double magnitude = std::fabs(x);
    peak = std::max(peak, magnitude);
    sum_squares += magnitude * magnitude;
    if (magnitude >= kFullScale) ++levels.n_clipped;
  }
  levels.peak_dbfs = to_dbfs(peak);
  levels.rms_dbfs =
      audio.samples.empty() ? to_dbfs(0) : to_dbfs(std::sqrt(sum_squares / audio.samples.size()));
  return levels;
}

void ensure_not_an_input(const std::filesystem::path& output,
                         const std::vector<std::filesystem::path>& inputs) {
  std::error_code ec;
  if (!std::filesystem::exists(output, ec)) return;
  for (const auto& input : inputs) {
    if (std::filesystem::equivalent(output, input, ec)) {
      throw UsageError(output.string() + ": output would overwrite the input " + input.string());
    }
  }
}

}  // namespace rawgan::audio
