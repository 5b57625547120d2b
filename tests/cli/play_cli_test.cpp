// rawgan play through the real PortAudio path, on an ALSA `file` device that records what it
// is sent (see tests/play/virtual_alsa.h).
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <regex>

#include "play/virtual_alsa.h"
#include "support/test_support.h"

namespace rawgan::test {
namespace {

// A tone on a DC offset: no sample is zero, so the device's leading silence (PortAudio primes
// the buffer with zeros) ends exactly where the file starts.
audio::Audio offset_tone(int rate, int n_channels, int64_t n_frames) {
  audio::Audio a;
  a.sample_rate_hz = rate;
  a.n_channels = n_channels;
  for (int64_t f = 0; f < n_frames; ++f)
    for (int c = 0; c < n_channels; ++c)
      a.samples.push_back(0.3f + 0.2f * std::sin(0.01f * (c + 1) * static_cast<float>(f)));
  return a;
}

struct Stated {
  int from_rate = 0, from_channels = 0, to_rate = 0, to_channels = 0;
};

// Parses "(16000 Hz 1 ch -> 48000 Hz 2 ch)" or "(16000 Hz 1 ch, unchanged)" from play's output.
Stated stated_conversion(const std::string& out) {
  std::smatch m;
  Stated s;
  if (std::regex_search(out, m, std::regex(R"((\d+) Hz (\d+) ch -> (\d+) Hz (\d+) ch)"))) {
    s = {std::stoi(m[1]), std::stoi(m[2]), std::stoi(m[3]), std::stoi(m[4])};
  } else if (std::regex_search(out, m, std::regex(R"((\d+) Hz (\d+) ch, unchanged)"))) {
    s = {std::stoi(m[1]), std::stoi(m[2]), std::stoi(m[1]), std::stoi(m[2])};
  }
  return s;
}

// The stated conversion done independently of rawgan::play: channels first (mono copied to
// every channel, equal counts kept), then libsoxr through audio::resample.
audio::Audio expected_output(const audio::Audio& file, const Stated& s) {
  audio::Audio out = file;
  if (s.to_channels != file.n_channels) {
    EXPECT_EQ(file.n_channels, 1) << "this test states only mono up-mixing";
    out.n_channels = s.to_channels;
    out.samples.clear();
    for (float x : file.samples)
      out.samples.insert(out.samples.end(), s.to_channels, x);
  }
  if (s.to_rate != file.sample_rate_hz) out = audio::resample(out, s.to_rate);
  return out;
}

void expect_played(const std::vector<float>& played, const audio::Audio& expected) {
  size_t start = 0;
  while (start < played.size() && played[start] == 0.0f)
    ++start;
  ASSERT_GE(played.size() - start, expected.samples.size()) << "fewer samples played than sent";
  // float32 goes to the device untouched: exact equality.
  for (size_t i = 0; i < expected.samples.size(); ++i)
    ASSERT_EQ(played[start + i], expected.samples[i]) << "sample " << i;
  for (size_t i = start + expected.samples.size(); i < played.size(); ++i)
    ASSERT_EQ(played[i], 0.0f) << "only silence may follow the file";
}

TEST(PlayCli, SendsTheFileSamplesAfterTheStatedConversion) {
  TempDir dir;
  VirtualAlsa alsa(dir.path());
  RAWGAN_REQUIRE_PORTAUDIO();
  for (int n_channels : {1, 2}) {
    audio::Audio tone = offset_tone(16000, n_channels, 12000);
    audio::write(dir / "tone.wav", tone, audio::SampleFormat::kFloat32);
    CliResult result =
        run_cli({"play", (dir / "tone.wav").string(), "--output-device", "rawgan_test_out"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    Stated stated = stated_conversion(result.out);
    ASSERT_EQ(stated.from_rate, 16000) << result.out;
    ASSERT_EQ(stated.from_channels, n_channels) << result.out;
    EXPECT_NE(result.out.find("0 underruns"), std::string::npos) << result.out;
    expect_played(read_raw_floats(alsa.playback_file()), expected_output(tone, stated));
  }
}

TEST(PlayCli, PlaysSeveralFilesInOrder) {
  TempDir dir;
  VirtualAlsa alsa(dir.path());
  RAWGAN_REQUIRE_PORTAUDIO();
  audio::write(dir / "a.wav", offset_tone(8000, 1, 800));
  audio::write(dir / "b.wav", offset_tone(8000, 1, 400));
  CliResult result = run_cli({"play", (dir / "a.wav").string(), (dir / "b.wav").string(),
                              "--output-device", "rawgan_test_out"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  size_t a = result.out.find("a.wav: played 0.100 of 0.100 s");
  size_t b = result.out.find("b.wav: played 0.050 of 0.050 s");
  ASSERT_NE(a, std::string::npos) << result.out;
  ASSERT_NE(b, std::string::npos) << result.out;
  EXPECT_LT(a, b);
}

TEST(PlayCli, WithoutAUsableDeviceExitsWithAClearMessage) {
  TempDir dir;
  VirtualAlsa alsa(dir.path());
  RAWGAN_REQUIRE_PORTAUDIO();
  audio::write(dir / "a.wav", offset_tone(8000, 1, 800));

  CliResult unknown =
      run_cli({"play", (dir / "a.wav").string(), "--output-device", "no-such-device"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("--output-device: no output device 'no-such-device'"),
            std::string::npos)
      << unknown.err;

  CliResult out_of_range = run_cli({"play", (dir / "a.wav").string(), "--output-device", "99"});
  EXPECT_EQ(out_of_range.exit_code, 2) << out_of_range.err;

  // ALSA's own configuration alone: no card, no device, no default output.
  std::ofstream(dir / "bare.conf") << "</usr/share/alsa/alsa.conf>\n";
  setenv("ALSA_CONFIG_PATH", (dir / "bare.conf").c_str(), 1);
  CliResult none = run_cli({"play", (dir / "a.wav").string()});
  EXPECT_EQ(none.exit_code, 4) << none.err;
  EXPECT_NE(none.err.find("no default audio output device"), std::string::npos) << none.err;
  // Files are checked before the device: a missing one is bad input even without a device.
  CliResult absent = run_cli({"play", (dir / "a.wav").string(), (dir / "absent.wav").string()});
  EXPECT_EQ(absent.exit_code, 3) << absent.err;
  EXPECT_NE(absent.err.find("absent.wav"), std::string::npos) << absent.err;
  EXPECT_EQ(absent.err.find("no default audio output device"), std::string::npos) << absent.err;
}

// Like audition, enhance and baseline, play refuses a file holding NaN or infinite samples as
// bad input (exit 3), naming it: before the device is opened (so without any device) and
// before the first file plays. It used to look at the headers only and fail on the device.
TEST(PlayCli, AFileWithNanOrInfiniteSamplesIsRefusedBeforeTheDevice) {
  TempDir dir;
  VirtualAlsa alsa(dir.path());
  RAWGAN_REQUIRE_PORTAUDIO();
  audio::write(dir / "a.wav", offset_tone(8000, 1, 800));
  audio::Audio bad = offset_tone(8000, 1, 800);
  bad.samples[100] = std::numeric_limits<float>::quiet_NaN();
  write_raw_float_wav(dir / "nan.wav", bad);
  bad.samples[100] = std::numeric_limits<float>::infinity();
  write_raw_float_wav(dir / "inf.wav", bad);

  for (const char* name : {"nan.wav", "inf.wav"}) {
    CliResult later = run_cli({"play", (dir / "a.wav").string(), (dir / name).string(),
                               "--output-device", "rawgan_test_out"});
    EXPECT_EQ(later.exit_code, 3) << later.err;
    EXPECT_NE(later.err.find(std::string(name) + ": contains NaN or infinite samples"),
              std::string::npos)
        << later.err;
    EXPECT_EQ(later.out.find("played"), std::string::npos) << later.out;
  }

  // No device at all (ALSA's own configuration alone): still the file's fault, exit 3.
  std::ofstream(dir / "bare.conf") << "</usr/share/alsa/alsa.conf>\n";
  setenv("ALSA_CONFIG_PATH", (dir / "bare.conf").c_str(), 1);
  CliResult none = run_cli({"play", (dir / "nan.wav").string()});
  EXPECT_EQ(none.exit_code, 3) << none.err;
  EXPECT_NE(none.err.find("nan.wav: contains NaN or infinite samples"), std::string::npos)
      << none.err;
  EXPECT_EQ(none.err.find("no default audio output device"), std::string::npos) << none.err;
}

TEST(PlayCli, MissingFileIsAnInputError) {
  TempDir dir;
  VirtualAlsa alsa(dir.path());
  RAWGAN_REQUIRE_PORTAUDIO();
  CliResult result =
      run_cli({"play", (dir / "absent.wav").string(), "--output-device", "rawgan_test_out"});
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_NE(result.err.find("absent.wav"), std::string::npos) << result.err;
  // A missing file later in the list stops the run before the first file plays.
  audio::write(dir / "a.wav", offset_tone(8000, 1, 800));
  CliResult later = run_cli({"play", (dir / "a.wav").string(), (dir / "absent.wav").string(),
                             "--output-device", "rawgan_test_out"});
  EXPECT_EQ(later.exit_code, 3);
  EXPECT_EQ(later.out.find("played"), std::string::npos) << later.out;
}

}  // namespace
}  // namespace rawgan::test
