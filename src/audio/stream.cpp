#include "rawgan/audio/stream.h"

#include <sndfile.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "rawgan/util/error.h"
#include "rawgan/util/output_file.h"

namespace rawgan::audio {
namespace {

std::string format_name(int format) {
  SF_FORMAT_INFO major{};
  major.format = format & SF_FORMAT_TYPEMASK;
  sf_command(nullptr, SFC_GET_FORMAT_INFO, &major, sizeof major);
  SF_FORMAT_INFO sub{};
  sub.format = format & SF_FORMAT_SUBMASK;
  sf_command(nullptr, SFC_GET_FORMAT_INFO, &sub, sizeof sub);
  std::string name = major.name ? major.name : "unknown container";
  if (sub.name) name += std::string(", ") + sub.name;
  return name;
}

int subtype_of(SampleFormat format) {
  switch (format) {
    case SampleFormat::kPcm24:
      return SF_FORMAT_PCM_24;
    case SampleFormat::kFloat32:
      return SF_FORMAT_FLOAT;
    default:
      return SF_FORMAT_PCM_16;
  }
}

}  // namespace

struct FileReader::Handle {
  SNDFILE* file = nullptr;
  ~Handle() {
    if (file) sf_close(file);
  }
};

FileReader::FileReader(const std::filesystem::path& path)
    : path_(path), handle_(std::make_unique<Handle>()) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw InputError(path.string() + ": no such file");
  if (std::filesystem::is_directory(path, ec)) {
    throw InputError(path.string() + ": is a folder, expected an audio file");
  }
  SF_INFO sf_info{};
  handle_->file = sf_open(path.c_str(), SFM_READ, &sf_info);
  if (!handle_->file) {
    throw InputError(path.string() + ": cannot read as audio (" + sf_strerror(nullptr) + ")");
  }
  info_.format = format_name(sf_info.format);
  info_.sample_rate_hz = sf_info.samplerate;
  info_.n_channels = sf_info.channels;
  info_.n_frames = sf_info.frames;
  if (info_.sample_rate_hz <= 0 || info_.n_channels <= 0) {
    throw InputError(path.string() + ": invalid header (rate " +
                     std::to_string(info_.sample_rate_hz) + " Hz, " +
                     std::to_string(info_.n_channels) + " channels)");
  }
}

FileReader::~FileReader() = default;

int64_t FileReader::read(float* interleaved, int64_t n_frames) {
  sf_count_t n_read = sf_readf_float(handle_->file, interleaved, n_frames);
  if (n_read < 0 || sf_error(handle_->file) != SF_ERR_NO_ERROR) {
    throw InputError(path_.string() + ": read failed (" + sf_strerror(handle_->file) + ")");
  }
  const int64_t n_samples = n_read * info_.n_channels;
  const float* bad =
      std::find_if(interleaved, interleaved + n_samples, [](float x) { return !std::isfinite(x); });
  if (bad != interleaved + n_samples) {
    const int64_t frame = n_frames_read_ + (bad - interleaved) / info_.n_channels;
    throw InputError(path_.string() + ": contains NaN or infinite samples (the first at frame " +
                     std::to_string(frame) + ")");
  }
  n_frames_read_ += n_read;
  return n_read;
}

struct FileWriter::Handle {
  SNDFILE* file = nullptr;
  ~Handle() {
    if (file) sf_close(file);
  }
};

FileWriter::FileWriter(const std::filesystem::path& path, int sample_rate_hz, int n_channels,
                       SampleFormat format)
    : path_(path), n_channels_(n_channels), handle_(std::make_unique<Handle>()) {
  if (sample_rate_hz <= 0 || n_channels <= 0) {
    throw RuntimeError(path.string() + ": cannot write " + std::to_string(n_channels) +
                       " channels at " + std::to_string(sample_rate_hz) + " Hz");
  }
  create_parent_folders(path);
  temp_path_ = temporary_path_beside(path);

  SF_INFO sf_info{};
  sf_info.samplerate = sample_rate_hz;
  sf_info.channels = n_channels;
  sf_info.format = SF_FORMAT_WAV | subtype_of(format);
  handle_->file = sf_open(temp_path_.c_str(), SFM_WRITE, &sf_info);
  if (!handle_->file) {
    const std::string reason = sf_strerror(nullptr);
    // libsndfile creates the file before it writes the header, which fails on a full disk.
    std::error_code ec;
    std::filesystem::remove(temp_path_, ec);
    throw RuntimeError(path.string() + ": cannot create (" + reason + ")");
  }
}

FileWriter::~FileWriter() {
  if (handle_->file) {
    sf_close(handle_->file);
    handle_->file = nullptr;
    std::error_code ec;
    std::filesystem::remove(temp_path_, ec);
  }
}

void FileWriter::write(const float* interleaved, int64_t n_frames) {
  buffer_.assign(interleaved, interleaved + n_frames * n_channels_);
  for (float& x : buffer_) {
    // NaN is clipped to silence rather than passed to the encoder.
    if (x > 1.0f || x < -1.0f || x != x) {
      ++n_clipped_;
      x = x != x ? 0.0f : std::clamp(x, -1.0f, 1.0f);
    }
  }
  sf_count_t n_written = sf_writef_float(handle_->file, buffer_.data(), n_frames);
  if (n_written != n_frames) {
    throw RuntimeError(path_.string() + ": write failed (" + sf_strerror(handle_->file) + ")");
  }
}

void FileWriter::commit() {
  int status = sf_close(handle_->file);
  handle_->file = nullptr;
  std::error_code ec;
  if (status != 0) {
    std::filesystem::remove(temp_path_, ec);
    throw RuntimeError(path_.string() + ": closing failed (" + sf_error_number(status) + ")");
  }
  if (const std::string reason = move_into_place(temp_path_, path_); !reason.empty())
    throw RuntimeError(path_.string() + ": cannot move into place (" + reason + ")");
}

}  // namespace rawgan::audio
