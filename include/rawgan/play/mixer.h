// A/B(/C...) switching for `rawgan audition`: several versions of one recording play in a loop
// and the listener jumps between them at the same position, seeks and pauses. Every change is
// a short linear crossfade, so there is neither a gap nor a click, and the position advances by
// exactly one frame per rendered frame: nothing is dropped or played twice.
//
// Pure and single-threaded (no PortAudio): AuditionSource in audition.h runs it on the audio
// thread. `render` and `apply` never allocate.
#pragma once

#include <cstdint>
#include <vector>

#include "rawgan/audio/audio.h"

namespace rawgan::play {

struct MixerEvent {
  enum class Kind : uint8_t { kSelect, kNext, kSeek, kTogglePause };
  Kind kind = Kind::kNext;
  int64_t value = 0;  ///< kSelect: version index from 0; kSeek: frames, negative goes back
};

class AbMixer {
 public:
  /// `versions` must share rate and channel count (throws UsageError otherwise, naming the
  /// index); shorter ones are padded with silence to the longest. `crossfade_frames` >= 0.
  AbMixer(std::vector<audio::Audio> versions, int crossfade_frames);

  /// Takes effect at the next rendered frame. An event that arrives during a crossfade waits
  /// for it to end (at most crossfade_frames later); several waiting events are combined.
  /// Selecting an unknown version is ignored. Seeking wraps around the loop.
  void apply(const MixerEvent& event);

  /// Writes `n_frames` interleaved frames to `out` and advances the position (unless paused).
  void render(float* out, int64_t n_frames);

  int n_versions() const { return static_cast<int>(versions_.size()); }
  int n_channels() const { return n_channels_; }
  int sample_rate_hz() const { return sample_rate_hz_; }
  int64_t length_frames() const { return length_frames_; }
  int crossfade_frames() const { return crossfade_frames_; }
  /// The version heard (or about to be heard, during a crossfade).
  int current_version() const { return version_; }
  /// Frame of the loop that the next rendered frame plays, in [0, length_frames()).
  int64_t position_frames() const { return position_; }
  bool paused() const { return paused_; }

 private:
  struct Source {
    int version = -1;  ///< -1: silence
    int64_t position = 0;
  };
  float sample(const Source& source, int channel) const;
  int64_t wrap(int64_t position) const;
  void begin_transition(int version, int64_t position, bool paused);
  void apply_pending();

  std::vector<std::vector<float>> versions_;
  int n_channels_ = 0;
  int sample_rate_hz_ = 0;
  int64_t length_frames_ = 0;
  int crossfade_frames_ = 0;

  int version_ = 0;
  int64_t position_ = 0;
  bool paused_ = false;

  bool fading_ = false;
  Source from_;
  int fade_done_ = 0;

  bool has_pending_ = false;
  int pending_version_ = 0;
  int64_t pending_seek_ = 0;
  bool pending_pause_flip_ = false;
};

}  // namespace rawgan::play
