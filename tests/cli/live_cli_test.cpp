// rawgan live through the real PortAudio path: the capture device reads a file, the playback
// device writes into a FIFO that a PacedSink drains at the sample rate, which gives the full-
// duplex stream the real-time clock a sound card would (see tests/play/virtual_alsa.h).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <tuple>
#include <vector>

#include "rawgan/audio/audio.h"

#include "play/virtual_alsa.h"
#include "support/test_support.h"

namespace rawgan::test {
namespace {

namespace fs = std::filesystem;

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

// Runs `live` with `processing` (e.g. {"--method", "wiener"}) from the virtual capture device
// to the paced output for 1.5 s.
LiveRun run_live(const VirtualAlsa& alsa, const std::vector<std::string>& processing,
                 const std::vector<float>& input) {
  write_raw_floats(alsa.capture_file(), input);
  // Two output channels of float32 (mono is sent as stereo) consumed in real time.
  PacedSink sink(alsa.paced_fifo(), kRate * 2 * sizeof(float));
  LiveRun run;
  std::vector<std::string> args = {"live",
                                   "--input-device",
                                   VirtualAlsa::kInput,
                                   "--output-device",
                                   VirtualAlsa::kPacedOutput,
                                   "--seconds",
                                   "1.5",
                                   "--safety",
                                   "4"};
  args.insert(args.end(), processing.begin(), processing.end());
  run.result = run_cli(args);
  std::vector<float> played = sink.floats();
  for (size_t i = 0; i + 1 < played.size(); i += 2)
    run.left.push_back(played[i]);
  std::smatch m;
  if (std::regex_search(run.result.out, m, std::regex(R"(rawgan (\d+) samples)")))
    run.rawgan_delay = std::stoll(m[1]);
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
  LiveRun run = run_live(alsa, {"--method", "passthrough"}, input);
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
  LiveRun run = run_live(alsa, {"--method", "wiener"}, input);
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

TEST(LiveCli, NeedsAMethodOrAModelAndOnlyItsOptions) {
  TempDir dir;
  VirtualAlsa alsa(dir.path());
  RAWGAN_REQUIRE_PORTAUDIO();
  CliResult result = run_cli({"live"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("--method"), std::string::npos) << result.err;

  // Options of the other kind of processor are refused rather than ignored.
  CliResult threads = run_cli({"live", "--method", "wiener", "--threads", "2", "--seconds", "0"});
  EXPECT_EQ(threads.exit_code, 2) << threads.err;
  EXPECT_NE(threads.err.find("--threads applies to --model only"), std::string::npos)
      << threads.err;
  CliResult frame = run_cli({"live", "--method", "passthrough", "--frame-ms", "20"});
  EXPECT_EQ(frame.exit_code, 2) << frame.err;
  EXPECT_NE(frame.err.find("--frame-ms applies to --method wiener only"), std::string::npos)
      << frame.err;

  // --out names what a command writes everywhere else; live's speakers are --output-device.
  CliResult out = run_cli({"live", "--method", "passthrough", "--out", "rawgan_test_out"});
  EXPECT_EQ(out.exit_code, 2) << out.err;
  EXPECT_NE(out.err.find("--out"), std::string::npos) << out.err;

  // Whole-number options say so: CLI11's own check called 8000.5 out of range.
  for (const auto& [option, value, expected] :
       {std::tuple<std::string, std::string, std::string>{"--rate", "8000.5", "8000 to 192000"},
        {"--buffer", "256.5", "16 to 16384"},
        {"--safety", "-1", "0 to 1024"}}) {
    CliResult bad = run_cli({"live", "--method", "wiener", option, value, "--seconds", "0"});
    EXPECT_EQ(bad.exit_code, 2) << bad.err;
    EXPECT_NE(bad.err.find(option + ": must be a whole number from " + expected + ", got '" +
                           value + "'"),
              std::string::npos)
        << bad.err;
  }
}

// A SEGAN at the test's rate with 1024-sample windows, trained for one step on two tones in
// noise: enough for a checkpoint `live` can load, not for it to enhance anything.
fs::path train_tiny_segan(const TempDir& dir) {
  for (int i = 0; i < 2; ++i) {
    audio::Audio clean = sine(300.0 + 200 * i, kRate, kRate, 0.3f);
    audio::Audio noisy = clean;
    const audio::Audio noise = white_noise(kRate, kRate, 0.05f, i);
    for (size_t k = 0; k < noisy.samples.size(); ++k)
      noisy.samples[k] += noise.samples[k];
    const std::string name = "p" + std::to_string(i) + ".wav";
    audio::write(dir / "pairs" / "noisy" / name, noisy, audio::SampleFormat::kFloat32);
    audio::write(dir / "pairs" / "clean" / name, clean, audio::SampleFormat::kFloat32);
  }
  std::ofstream(dir / "tiny.json") << R"({"kind": "segan", "model": {"sample_rate_hz": 16000,
    "window_samples": 1024, "kernel_size": 31, "stride": 2, "encoder_channels": [4, 8],
    "latent": true, "pre_emphasis": 0.95, "discriminator_norm": "virtual"},
    "train": {"batch_size": 2, "valid_every": 0}})";
  const CliResult trained =
      run_cli({"train", "--noisy", (dir / "pairs" / "noisy").string(), "--clean",
               (dir / "pairs" / "clean").string(), "--preset", (dir / "tiny.json").string(),
               "--steps", "1", "--device", "cpu", "--out", (dir / "run").string()});
  EXPECT_EQ(trained.exit_code, 0) << trained.err;
  return dir / "run" / "last.pt";
}

TEST(LiveCli, ModelRunsWithItsLookAheadAsTheDelay) {
  TempDir dir;
  VirtualAlsa alsa(dir.path());
  RAWGAN_REQUIRE_PORTAUDIO();
  const fs::path model = train_tiny_segan(dir);
  std::vector<float> input = chirp(kRate);
  // 8 ms hops and 16 ms of look-ahead: 128 and 256 samples at 16 kHz.
  LiveRun run = run_live(
      alsa, {"--model", model.string(), "--hop-ms", "8", "--lookahead-ms", "16", "--threads", "1"},
      input);
  ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
  EXPECT_NE(run.result.err.find("look-ahead 256"), std::string::npos) << run.result.err;

  // The loop's buffering (play::LiveLoop): a callback period, the safety buffers and a hop less
  // one sample; the model adds exactly its look-ahead to it.
  const int64_t hop = 128, lookahead = 256, buffer = 256, n_safety = 4;
  EXPECT_EQ(run.rawgan_delay, (1 + n_safety) * buffer + hop - 1 + lookahead) << run.result.out;

  // Before the stated delay the output is the ring's initial silence; after it the model's
  // output plays. The virtual capture device delivers its first buffers in bursts, so some of
  // the start may still be silence from late blocks (passthrough shows the same), but most of
  // the 1.5 s must carry signal.
  ASSERT_GT(static_cast<int64_t>(run.left.size()), run.rawgan_delay + kRate / 2);
  for (int64_t i = 0; i < run.rawgan_delay; ++i)
    ASSERT_EQ(run.left[i], 0.0f) << i;
  int64_t n_sounding = 0;
  for (size_t i = run.rawgan_delay; i < run.left.size(); ++i) {
    ASSERT_TRUE(std::isfinite(run.left[i])) << i;
    n_sounding += run.left[i] != 0.0f;
  }
  EXPECT_GT(n_sounding, kRate / 2) << run.result.out;
}

TEST(LiveCli, ModelRefusesARateOtherThanItsOwnAndTooLongALookAhead) {
  TempDir dir;
  VirtualAlsa alsa(dir.path());
  RAWGAN_REQUIRE_PORTAUDIO();
  const fs::path model = train_tiny_segan(dir);
  CliResult result = run_cli({"live", "--model", model.string(), "--rate", "8000"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("16000 Hz"), std::string::npos) << result.err;

  // 1024-sample windows hold 64 ms at 16 kHz: 40 ms of look-ahead and 32 ms hops do not fit.
  result = run_cli({"live", "--model", model.string(), "--lookahead-ms", "40", "--hop-ms", "32"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("1024 samples"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace rawgan::test
