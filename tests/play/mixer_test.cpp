#include "rawgan/play/mixer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "rawgan/util/error.h"
#include "support/test_support.h"

namespace rawgan::play {
namespace {

using Kind = MixerEvent::Kind;

// A stereo ramp that encodes its own frame index: left = (f + 1) / n, right = -left. Every frame
// is distinct, so the frame a mixer played can be read back from its output.
audio::Audio ramp(int64_t n_frames, float scale) {
  audio::Audio a;
  a.sample_rate_hz = 16000;
  a.n_channels = 2;
  for (int64_t f = 0; f < n_frames; ++f) {
    float v = scale * static_cast<float>(f + 1) / static_cast<float>(n_frames);
    a.samples.push_back(v);
    a.samples.push_back(-v);
  }
  return a;
}

struct Step {
  int64_t at_frame;  // output frame at which the key is pressed
  MixerEvent event;
};

// Renders `n_frames` in blocks of `block` frames, applying each scripted event before the block
// that contains its frame (as the audio callback does with events posted by the key thread).
std::vector<float> render_script(AbMixer& mixer, int64_t n_frames, int block,
                                 const std::vector<Step>& script) {
  std::vector<float> out(n_frames * mixer.n_channels());
  size_t next = 0;
  for (int64_t done = 0; done < n_frames;) {
    int64_t n = std::min<int64_t>(block, n_frames - done);
    while (next < script.size() && script[next].at_frame < done + n) {
      int64_t lead = script[next].at_frame - done;
      if (lead > 0) {
        mixer.render(&out[done * mixer.n_channels()], lead);
        done += lead;
        n -= lead;
      }
      mixer.apply(script[next++].event);
    }
    mixer.render(&out[done * mixer.n_channels()], n);
    done += n;
  }
  return out;
}

TEST(AbMixer, SwitchingIdenticalVersionsNeitherDropsNorRepeats) {
  // Three copies of one ramp: whatever the keys do (except seeking), the output must be the
  // ramp in order, looped. Tolerance: (1 - g) x + g x differs from x by float rounding only.
  const int64_t n = 1000;
  audio::Audio a = ramp(n, 1.0f);
  AbMixer mixer({a, a, a}, 80);
  std::vector<Step> script = {{10, {Kind::kSelect, 1}},  {50, {Kind::kNext, 0}},
                              {55, {Kind::kSelect, 0}},  {300, {Kind::kNext, 0}},
                              {301, {Kind::kNext, 0}},   {990, {Kind::kSelect, 2}},
                              {1500, {Kind::kSelect, 1}}};
  std::vector<float> out = render_script(mixer, 2500, 64, script);
  for (int64_t f = 0; f < 2500; ++f) {
    ASSERT_NEAR(out[2 * f], a.samples[2 * (f % n)], 1e-6) << "frame " << f;
    ASSERT_NEAR(out[2 * f + 1], a.samples[2 * (f % n) + 1], 1e-6) << "frame " << f;
  }
  EXPECT_EQ(mixer.position_frames(), 2500 % n);
}

TEST(AbMixer, SwitchFadesBetweenVersionsAtTheSamePosition) {
  // Version 0 is the ramp, version 1 the ramp times 3. At every frame the output must be
  // (1 - g) * a[p] + g * b[p] for the frame p the loop is at, with g in [0, 1] and never
  // decreasing during the crossfade: no position jump, no gap (g = 0 then 1 abruptly), no click.
  const int64_t n = 4000;
  const int crossfade = 128;
  audio::Audio a = ramp(n, 0.25f);
  audio::Audio b = ramp(n, 0.75f);
  AbMixer mixer({a, b}, crossfade);
  const int64_t switch_at = 1000;
  std::vector<float> out = render_script(mixer, 3000, 256, {{switch_at, {Kind::kSelect, 1}}});

  float previous_gain = 0.0f;
  for (int64_t f = 0; f < 3000; ++f) {
    float x = a.samples[2 * f];
    float y = b.samples[2 * f];
    float gain = (out[2 * f] - x) / (y - x);
    // The gain is recovered to about 1e-7 / (y - x) >= 1e-7 / (0.5 / n): tolerance 1e-3.
    if (f < switch_at) {
      ASSERT_NEAR(gain, 0.0f, 1e-3) << f;
    }
    if (f >= switch_at + crossfade) {
      ASSERT_NEAR(gain, 1.0f, 1e-3) << f;
    }
    ASSERT_GE(gain, previous_gain - 1e-3f) << f;
    ASSERT_LE(gain - previous_gain, 1.0f / crossfade + 1e-3f) << "step too large at " << f;
    previous_gain = gain;
  }
  EXPECT_EQ(mixer.current_version(), 1);
}

TEST(AbMixer, SeekMovesThePositionByExactlyTheRequestedFrames) {
  const int64_t n = 2000;
  audio::Audio a = ramp(n, 1.0f);
  AbMixer mixer({a, a}, 40);
  std::vector<float> out = render_script(mixer, 1000, 100, {{300, {Kind::kSeek, 500}}});
  // Before: frames 0..299; after the crossfade: frame f plays loop frame f + 500.
  for (int64_t f = 0; f < 300; ++f)
    ASSERT_FLOAT_EQ(out[2 * f], a.samples[2 * f]);
  for (int64_t f = 340; f < 1000; ++f)
    ASSERT_FLOAT_EQ(out[2 * f], a.samples[2 * (f + 500)]) << f;
  EXPECT_EQ(mixer.position_frames(), 1500);

  // Seeking back past the start wraps around the loop.
  mixer.apply({Kind::kSeek, -1700});
  EXPECT_EQ(mixer.position_frames(), 1500 - 1700 + n);
}

TEST(AbMixer, PauseFadesOutHoldsThePositionAndResumesWithoutRepeating) {
  const int64_t n = 5000;
  const int crossfade = 50;
  audio::Audio a = ramp(n, 1.0f);
  AbMixer mixer({a, a}, crossfade);
  std::vector<float> out = render_script(
      mixer, 2000, 128, {{400, {Kind::kTogglePause, 0}}, {1000, {Kind::kTogglePause, 0}}});
  // Playing to frame 400, fading out over the next 50 frames while the loop runs on, silence
  // until 1000, then fading in from loop frame 450: frame f >= 1000 plays loop frame f - 550.
  for (int64_t f = 0; f < 400; ++f)
    ASSERT_FLOAT_EQ(out[2 * f], a.samples[2 * f]);
  for (int64_t f = 400; f < 450; ++f)
    ASSERT_LT(std::abs(out[2 * f]), std::abs(a.samples[2 * f])) << f;
  for (int64_t f = 450; f < 1000; ++f)
    ASSERT_EQ(out[2 * f], 0.0f) << f;
  for (int64_t f = 1000; f < 1050; ++f)
    ASSERT_LT(std::abs(out[2 * f]), std::abs(a.samples[2 * (f - 550)])) << f;
  for (int64_t f = 1050; f < 2000; ++f)
    ASSERT_FLOAT_EQ(out[2 * f], a.samples[2 * (f - 550)]) << f;
  EXPECT_FALSE(mixer.paused());
}

TEST(AbMixer, EventsDuringACrossfadeWaitAndCombine) {
  // Three keys within one crossfade: the first starts it, the other two (select 3, seek)
  // take effect together when it ends, as one crossfade.
  const int64_t n = 3000;
  const int crossfade = 100;
  audio::Audio a = ramp(n, 1.0f);
  AbMixer mixer({a, a, a}, crossfade);
  std::vector<float> out = render_script(
      mixer, 1000, 32,
      {{100, {Kind::kSelect, 1}}, {120, {Kind::kSelect, 2}}, {130, {Kind::kSeek, 1000}}});
  EXPECT_EQ(mixer.current_version(), 2);
  for (int64_t f = 0; f < 200; ++f)
    ASSERT_NEAR(out[2 * f], a.samples[2 * f], 1e-6) << f;
  for (int64_t f = 300; f < 1000; ++f)
    ASSERT_FLOAT_EQ(out[2 * f], a.samples[2 * (f + 1000)]) << f;
}

TEST(AbMixer, PadsShorterVersionsAndRejectsMismatchedFormats) {
  audio::Audio a = ramp(100, 1.0f);
  audio::Audio b = ramp(80, 1.0f);
  AbMixer mixer({a, b}, 8);
  EXPECT_EQ(mixer.length_frames(), 100);

  audio::Audio c = ramp(100, 1.0f);
  c.sample_rate_hz = 8000;
  EXPECT_THROW(AbMixer({a, c}, 8), UsageError);
  EXPECT_THROW(AbMixer({}, 8), UsageError);
}

TEST(AbMixer, UnknownVersionIsIgnored) {
  audio::Audio a = ramp(100, 1.0f);
  AbMixer mixer({a, a}, 8);
  mixer.apply({Kind::kSelect, 5});
  EXPECT_EQ(mixer.current_version(), 0);
}

}  // namespace
}  // namespace rawgan::play
