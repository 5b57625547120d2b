// rawgan audition through the real PortAudio path on an ALSA `file` device. The switching
// itself (keys at scripted positions) is tested on the mixer in tests/play/mixer_test.cpp;
// here no key is pressed (stdin is not a terminal), so the first version loops.
#include <gtest/gtest.h>

#include "play/virtual_alsa.h"
#include "support/test_support.h"

namespace rawgan::test {
namespace {

audio::Audio offset_ramp(int rate, int64_t n_frames, float offset) {
  audio::Audio a;
  a.sample_rate_hz = rate;
  a.n_channels = 1;
  for (int64_t f = 0; f < n_frames; ++f)
    a.samples.push_back(offset + 0.5f * static_cast<float>(f) / static_cast<float>(n_frames));
  return a;
}

TEST(AuditionCli, LoopsTheFirstVersionWithoutGapOrRepeat) {
  TempDir dir;
  VirtualAlsa alsa(dir.path());
  RAWGAN_REQUIRE_PORTAUDIO();
  const int rate = 8000;
  audio::Audio a = offset_ramp(rate, 1000, 0.1f);
  audio::write(dir / "a.wav", a, audio::SampleFormat::kFloat32);
  audio::write(dir / "b.wav", offset_ramp(rate, 1000, -0.4f), audio::SampleFormat::kFloat32);

  CliResult result = run_cli({"audition", (dir / "a.wav").string(), (dir / "b.wav").string(),
                              "--output-device", "rawgan_test_out", "--seconds", "0.5"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("auditioned 2 versions: 0.500 s played"), std::string::npos)
      << result.out;

  // Mono goes out as stereo at the file's rate (the device takes any rate): 4000 frames, i.e.
  // version 1 four times over, after PortAudio's leading silence.
  std::vector<float> played = read_raw_floats(alsa.playback_file());
  size_t start = 0;
  while (start < played.size() && played[start] == 0.0f)
    ++start;
  ASSERT_GE(played.size() - start, 2u * 4000);
  for (size_t f = 0; f < 4000; ++f) {
    ASSERT_EQ(played[start + 2 * f], a.samples[f % 1000]) << "frame " << f;
    ASSERT_EQ(played[start + 2 * f + 1], a.samples[f % 1000]) << "frame " << f;
  }
}

TEST(AuditionCli, NeedsTwoVersions) {
  TempDir dir;
  VirtualAlsa alsa(dir.path());
  RAWGAN_REQUIRE_PORTAUDIO();
  audio::write(dir / "a.wav", offset_ramp(8000, 100, 0.1f));
  CliResult result = run_cli({"audition", (dir / "a.wav").string()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("at least two"), std::string::npos) << result.err;
}

TEST(AuditionCli, CrossfadeOutOfRangeIsRefusedBeforeFilesOrDevicesAreOpened) {
  TempDir dir;
  VirtualAlsa alsa(dir.path());
  RAWGAN_REQUIRE_PORTAUDIO();
  // Neither the files nor the device exist: the crossfade is what is reported.
  for (const std::string crossfade_ms : {"-5", "101", "nan"}) {
    CliResult result =
        run_cli({"audition", (dir / "a.wav").string(), (dir / "b.wav").string(), "--output-device",
                 "no-such-device", "--crossfade-ms", crossfade_ms});
    EXPECT_EQ(result.exit_code, 2) << crossfade_ms << "\n" << result.err;
    EXPECT_NE(result.err.find("--crossfade-ms: expected 0 to 100 ms, got " + crossfade_ms),
              std::string::npos)
        << result.err;
  }
}

TEST(AuditionCli, ModelThatIsMissingIsAnInputErrorNamingIt) {
  TempDir dir;
  VirtualAlsa alsa(dir.path());
  RAWGAN_REQUIRE_PORTAUDIO();
  audio::write(dir / "noisy.wav", offset_ramp(8000, 100, 0.1f));
  CliResult result = run_cli({"audition", "--model", (dir / "absent.pt").string(),
                              (dir / "noisy.wav").string(), "--device", "cpu"});
  EXPECT_EQ(result.exit_code, 3) << result.err;
  EXPECT_NE(result.err.find("absent.pt"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace rawgan::test
