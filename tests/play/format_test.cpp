#include "rawgan/play/format.h"

#include <gtest/gtest.h>

#include "rawgan/util/error.h"
#include "support/test_support.h"

namespace rawgan::play {
namespace {

audio::Audio frames(int n_channels, const std::vector<float>& samples) {
  audio::Audio a;
  a.sample_rate_hz = 16000;
  a.n_channels = n_channels;
  a.samples = samples;
  return a;
}

TEST(Remix, MonoGoesToEveryChannel) {
  audio::Audio out = remix(frames(1, {0.1f, -0.2f}), 3);
  EXPECT_EQ(out.n_channels, 3);
  EXPECT_EQ(out.samples, (std::vector<float>{0.1f, 0.1f, 0.1f, -0.2f, -0.2f, -0.2f}));
}

TEST(Remix, DownmixAveragesFoldedChannels) {
  // 4 -> 2: left = mean(ch0, ch2), right = mean(ch1, ch3); 3 -> 1: mean of all.
  audio::Audio out = remix(frames(4, {1.0f, 0.5f, 0.0f, -0.5f}), 2);
  EXPECT_EQ(out.samples, (std::vector<float>{0.5f, 0.0f}));
  audio::Audio mono = remix(frames(3, {0.3f, 0.6f, 0.9f}), 1);
  ASSERT_EQ(mono.samples.size(), 1u);
  EXPECT_NEAR(mono.samples[0], 0.6f, 1e-6);  // float rounding of a three-term mean
}

TEST(Remix, UpmixRepeatsChannels) {
  audio::Audio out = remix(frames(2, {0.1f, 0.2f}), 4);
  EXPECT_EQ(out.samples, (std::vector<float>{0.1f, 0.2f, 0.1f, 0.2f}));
}

TEST(ChooseOutputFormat, KeepsWhatTheDeviceTakes) {
  auto anything = [](const StreamFormat&) { return true; };
  EXPECT_EQ(choose_output_format({44100, 2}, 8, 48000, anything, "dev"), (StreamFormat{44100, 2}));
  // Mono is sent as stereo so that both speakers play it.
  EXPECT_EQ(choose_output_format({16000, 1}, 8, 48000, anything, "dev"), (StreamFormat{16000, 2}));
  EXPECT_EQ(choose_output_format({16000, 1}, 1, 48000, anything, "dev"), (StreamFormat{16000, 1}));
}

TEST(ChooseOutputFormat, FallsBackToTheDefaultRateAndFewerChannels) {
  // A device that takes only 48 kHz stereo, as many HDMI and USB outputs do.
  auto only_48k_stereo = [](const StreamFormat& f) {
    return f.sample_rate_hz == 48000 && f.n_channels == 2;
  };
  EXPECT_EQ(choose_output_format({16000, 1}, 2, 48000, only_48k_stereo, "dev"),
            (StreamFormat{48000, 2}));
  EXPECT_EQ(choose_output_format({22050, 6}, 2, 44100, only_48k_stereo, "dev"),
            (StreamFormat{48000, 2}));
  auto nothing = [](const StreamFormat&) { return false; };
  EXPECT_THROW(choose_output_format({16000, 1}, 2, 48000, nothing, "dev"), RuntimeError);
  EXPECT_THROW(choose_output_format({16000, 1}, 0, 48000, only_48k_stereo, "dev"), RuntimeError);
}

TEST(Convert, ResamplesAndRemixes) {
  audio::Audio tone = test::sine(440.0, 16000, 16000);
  audio::Audio out = convert(tone, {48000, 2});
  EXPECT_EQ(out.sample_rate_hz, 48000);
  EXPECT_EQ(out.n_channels, 2);
  EXPECT_EQ(out.n_frames(), 48000);
  audio::Audio left = remix(out, 1);
  EXPECT_NEAR(test::dominant_frequency_hz(left, 1000.0), 440.0, 1.0);  // 1 Hz search grid
  EXPECT_EQ(describe_conversion({16000, 1}, {48000, 2}), "16000 Hz 1 ch -> 48000 Hz 2 ch");
}

}  // namespace
}  // namespace rawgan::play
