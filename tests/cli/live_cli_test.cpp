// rawgan live through the real PortAudio path: the capture device reads a file, the playback
// device writes into a FIFO that a PacedSink drains at the sample rate, which gives the full-
// duplex stream the real-time clock a sound card would (see tests/play/virtual_alsa.h).
#include <gtest/gtest.h>

#include <cmath>
#include <regex>

#include "play/virtual_alsa.h"
#include "support/test_support.h"

namespace rawgan::test {
namespace {

constexpr int kRate = 16000;

// A chirp on a DC offset: never zero (so the leading silence is measurable) and with a single
// cross-correlation peak (so the lag is unambiguous).
std::vector<float> chirp(int64_t n) {
  std::vector<float> x(n);
  for (int64_t i = 0; i < n; ++i) {
    double t = static_cast<double>(i) / kRate;
    x[i] = 0.2f + 0.4f * static_cast<float>(std::sin(2 * M_PI * (150 * t + 900 * t * t)));
  }
  return x;
}

struct LiveRun {
  CliResult result;
  std::vector<float> left;    // what the output device played, first channel
  int64_t rawgan_delay = -1;  // samples, as printed by live
};

LiveRun run_live(const TempDir& dir, const VirtualAlsa& alsa, const std::string& method,
                 const std::vector<float>& input) {
  write_raw_floats(alsa.capture_file(), input);
  // Two output channels of float32 (mono is sent as stereo) consumed in real time.
  PacedSink sink(alsa.paced_fifo(), kRate * 2 * sizeof(float));
  LiveRun run;
  run.result = run_cli({"live", "--method", method, "--in", VirtualAlsa::kInput, "--out",
                        VirtualAlsa::kPacedOutput, "--seconds", "1.5", "--safety", "4"});
  std::vector<float> played = sink.floats();
  for (size_t i = 0; i + 1 < played.size(); i += 2)
    run.left.push_back(played[i]);
  std::smatch m;
  if (std::regex_search(run.result.out, m, std::regex(R"(rawgan (\d+) samples)")))
    run.rawgan_delay = std::stoll(m[1]);
  (void)dir;
  return run;
}

// The lag at which the output repeats the input exactly, found from a sparse set of samples
// (the chirp's values are all distinct, so one lag matches them all).
int64_t exact_lag(const std::vector<float>& input, const std::vector<float>& output) {
  int64_t best_lag = -1;
  int best_count = 0;
  for (int64_t lag = 0; lag < kRate / 2; ++lag) {
    int count = 0;
    for (int64_t i = kRate / 4; i < kRate && i + lag < static_cast<int64_t>(output.size()); i += 97)
      count += output[i + lag] == input[i];
    if (count > best_count) {
      best_count = count;
      best_lag = lag;
    }
  }
  return best_lag;
}

TEST(LiveCli, PassthroughLoopsAudioThroughWithTheStatedDelay) {
  TempDir dir;
  VirtualAlsa alsa(dir.path());
  RAWGAN_REQUIRE_PORTAUDIO();
  std::vector<float> input = chirp(kRate);
  LiveRun run = run_live(dir, alsa, "passthrough", input);
  ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
  ASSERT_GT(run.rawgan_delay, 0) << run.result.out;

  // The delay seen at the device: rawgan's own plus the device buffering PortAudio primes with
  // silence (two 256-frame buffers here; the bound allows for other PortAudio versions).
  const int64_t delay = exact_lag(input, run.left);
  const int64_t device_part = delay - run.rawgan_delay;
  EXPECT_GE(device_part, 0);
  EXPECT_LT(device_part, kRate / 10);
  std::cerr << "live passthrough: rawgan " << run.rawgan_delay << " + device " << device_part
            << " samples\n";

  // After the delay the input comes out unchanged, except where a late worker left silence
  // (the virtual capture device delivers its first buffers in a burst, which can outrun the
  // worker at the start); nothing is shifted, dropped or repeated.
  ASSERT_GE(static_cast<int64_t>(run.left.size()), delay + kRate / 2);
  const int64_t n_check = std::min<int64_t>(kRate, run.left.size() - delay);
  int64_t n_silent = 0;
  for (int64_t i = 0; i < n_check; ++i) {
    if (run.left[delay + i] == 0.0f) {
      ++n_silent;
      continue;
    }
    ASSERT_EQ(run.left[delay + i], input[i]) << "sample " << i;
  }
  EXPECT_LT(n_silent, n_check / 100) << run.result.out;
}

TEST(LiveCli, WienerAddsItsLookAheadToTheDelay) {
  TempDir dir;
  VirtualAlsa alsa(dir.path());
  RAWGAN_REQUIRE_PORTAUDIO();
  std::vector<float> input = chirp(kRate);
  LiveRun run = run_live(dir, alsa, "wiener", input);
  ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
  ASSERT_GT(run.rawgan_delay, 0) << run.result.out;

  // The lag of the cross-correlation peak is the input-to-output delay.
  int64_t best_lag = -1;
  double best = -1e300;
  for (int64_t lag = 0; lag < kRate / 4; ++lag) {
    double sum = 0;
    for (int64_t i = kRate / 4; i < kRate && i + lag < static_cast<int64_t>(run.left.size()); ++i)
      sum += (input[i] - 0.2) * run.left[i + lag];
    if (sum > best) {
      best = sum;
      best_lag = lag;
    }
  }
  const int64_t device_part = best_lag - run.rawgan_delay;
  std::cerr << "live wiener: rawgan " << run.rawgan_delay << " + device " << device_part
            << " samples\n";
  EXPECT_GE(device_part, 0);
  EXPECT_LT(device_part, kRate / 10);
}

TEST(LiveCli, NeedsAMethodOrAModel) {
  TempDir dir;
  VirtualAlsa alsa(dir.path());
  RAWGAN_REQUIRE_PORTAUDIO();
  CliResult result = run_cli({"live"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("--method"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace rawgan::test
