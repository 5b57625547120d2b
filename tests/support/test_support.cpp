#include "support/test_support.h"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

namespace rawgan::test {

std::optional<std::filesystem::path> shared_data_dir() {
  if (const char* env = std::getenv("RAWGAN_SHARED_DATA")) return std::filesystem::path(env);
  std::filesystem::path dir = RAWGAN_SHARED_DATA_DIR;
  if (std::filesystem::exists(dir / "MANIFEST.md")) return std::filesystem::canonical(dir);
  return std::nullopt;
}

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "rawgan-test-XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("cannot create a temporary folder");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

audio::Audio sine(double frequency_hz, int sample_rate_hz, int64_t n_samples, float amplitude) {
  audio::Audio audio;
  audio.sample_rate_hz = sample_rate_hz;
  audio.n_channels = 1;
  audio.samples.resize(n_samples);
  for (int64_t i = 0; i < n_samples; ++i) {
    audio.samples[i] = amplitude * std::sin(2.0 * M_PI * frequency_hz * i / sample_rate_hz);
  }
  return audio;
}

audio::Audio white_noise(int sample_rate_hz, int64_t n_samples, float stddev, uint32_t seed) {
  audio::Audio audio;
  audio.sample_rate_hz = sample_rate_hz;
  audio.n_channels = 1;
  audio.samples.resize(n_samples);
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, stddev);
  for (float& x : audio.samples)
    x = normal(rng);
  return audio;
}

namespace {

// Little-endian bytes of an unsigned integer, as RIFF headers hold them.
void put_le(std::ofstream& out, uint32_t value, int n_bytes) {
  for (int i = 0; i < n_bytes; ++i)
    out.put(static_cast<char>((value >> (8 * i)) & 0xff));
}

}  // namespace

void write_raw_float_wav(const std::filesystem::path& path, const audio::Audio& audio) {
  static_assert(sizeof(float) == 4, "WAV float samples are 4 bytes");
  const uint32_t n_channels = audio.n_channels;
  const uint32_t n_data_bytes = static_cast<uint32_t>(audio.samples.size() * 4);
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out.write("RIFF", 4);
  put_le(out, 4 + (8 + 16) + (8 + n_data_bytes), 4);
  out.write("WAVEfmt ", 8);
  put_le(out, 16, 4);
  put_le(out, 3, 2);  // WAVE_FORMAT_IEEE_FLOAT
  put_le(out, n_channels, 2);
  put_le(out, audio.sample_rate_hz, 4);
  put_le(out, audio.sample_rate_hz * n_channels * 4, 4);  // bytes per second
  put_le(out, n_channels * 4, 2);                         // bytes per frame
  put_le(out, 32, 2);                                     // bits per sample
  out.write("data", 4);
  put_le(out, n_data_bytes, 4);
  for (float x : audio.samples) {
    uint32_t bits = 0;
    std::memcpy(&bits, &x, 4);
    put_le(out, bits, 4);
  }
  if (!out) throw std::runtime_error(path.string() + ": cannot write the test file");
}

double dominant_frequency_hz(const audio::Audio& audio, double max_hz, double step_hz) {
  double best_hz = 0.0;
  double best_power = -1.0;
  for (double f = step_hz; f <= max_hz; f += step_hz) {
    double re = 0.0;
    double im = 0.0;
    const double w = 2.0 * M_PI * f / audio.sample_rate_hz;
    for (size_t i = 0; i < audio.samples.size(); ++i) {
      re += audio.samples[i] * std::cos(w * i);
      im -= audio.samples[i] * std::sin(w * i);
    }
    double power = re * re + im * im;
    if (power > best_power) {
      best_power = power;
      best_hz = f;
    }
  }
  return best_hz;
}

std::string shell_quote(const std::string& arg) {
  std::string quoted = "'";
  for (char c : arg)
    quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

namespace {

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace

std::string cli_command(const std::vector<std::string>& args) {
  std::string command = shell_quote(RAWGAN_CLI_PATH);
  for (const auto& arg : args)
    command += " " + shell_quote(arg);
  return command;
}

CliResult run_cli(const std::vector<std::string>& args) {
  return run_shell(cli_command(args));
}

std::optional<CliResult> run_cli_unprivileged(const std::vector<std::string>& args) {
  if (geteuid() != 0) return run_cli(args);
  if (std::system("command -v setpriv >/dev/null 2>&1") != 0) return std::nullopt;
  const std::string as_nobody = "setpriv --reuid=65534 --regid=65534 --clear-groups ";
  // A checkout under a folder closed to others (root's home, say): nobody cannot even start
  // the executable, and the test has nothing to learn.
  if (run_shell(as_nobody + cli_command({"--version"})).exit_code != 0) return std::nullopt;
  return run_shell(as_nobody + cli_command(args));
}

CliResult run_shell(std::string command) {
  TempDir dir;
  command += " </dev/null >" + shell_quote((dir / "out").string()) + " 2>" +
             shell_quote((dir / "err").string());
  int status = std::system(command.c_str());
  CliResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = slurp(dir / "out");
  result.err = slurp(dir / "err");
  return result;
}

FileSizeLimit::FileSizeLimit(uint64_t max_bytes) {
  rlimit limit{};
  if (getrlimit(RLIMIT_FSIZE, &limit) != 0)
    throw std::runtime_error("getrlimit(RLIMIT_FSIZE) failed");
  previous_limit_ = limit.rlim_cur;
  previous_handler_ = std::signal(SIGXFSZ, SIG_IGN);
  limit.rlim_cur = max_bytes;
  if (setrlimit(RLIMIT_FSIZE, &limit) != 0) {
    std::signal(SIGXFSZ, previous_handler_);
    throw std::runtime_error("setrlimit(RLIMIT_FSIZE) failed");
  }
}

FileSizeLimit::~FileSizeLimit() {
  rlimit limit{};
  getrlimit(RLIMIT_FSIZE, &limit);
  limit.rlim_cur = previous_limit_;
  setrlimit(RLIMIT_FSIZE, &limit);
  std::signal(SIGXFSZ, previous_handler_);
}

size_t n_entries(const std::filesystem::path& dir) {
  size_t n = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir))
    ++n;
  return n;
}

}  // namespace rawgan::test
