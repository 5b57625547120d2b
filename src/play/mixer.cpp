#include "rawgan/play/mixer.h"

#include <algorithm>

#include "rawgan/util/error.h"

namespace rawgan::play {

AbMixer::AbMixer(std::vector<audio::Audio> versions, int crossfade_frames)
    : crossfade_frames_(crossfade_frames) {
  if (versions.empty()) throw UsageError("audition needs at least one version");
  if (crossfade_frames < 0) throw UsageError("crossfade must not be negative");
  n_channels_ = versions[0].n_channels;
  sample_rate_hz_ = versions[0].sample_rate_hz;
  for (size_t i = 0; i < versions.size(); ++i) {
    const audio::Audio& v = versions[i];
    if (v.n_channels != n_channels_ || v.sample_rate_hz != sample_rate_hz_)
      throw UsageError("version " + std::to_string(i + 1) + " is " +
                       std::to_string(v.sample_rate_hz) + " Hz " + std::to_string(v.n_channels) +
                       " ch, expected " + std::to_string(sample_rate_hz_) + " Hz " +
                       std::to_string(n_channels_) + " ch like version 1");
    length_frames_ = std::max(length_frames_, v.n_frames());
  }
  if (length_frames_ == 0) throw UsageError("audition versions are empty");
  for (audio::Audio& v : versions) {
    v.samples.resize(length_frames_ * n_channels_, 0.0f);
    versions_.push_back(std::move(v.samples));
  }
}

int64_t AbMixer::wrap(int64_t position) const {
  position %= length_frames_;
  return position < 0 ? position + length_frames_ : position;
}

float AbMixer::sample(const Source& source, int channel) const {
  if (source.version < 0) return 0.0f;
  return versions_[source.version][source.position * n_channels_ + channel];
}

void AbMixer::begin_transition(int version, int64_t position, bool paused) {
  // Nothing audible changes: switch silently.
  bool silent_before = paused_ && !fading_;
  if ((silent_before && paused) || crossfade_frames_ == 0 ||
      (!paused_ && !paused && version == version_ && position == position_)) {
    version_ = version;
    position_ = position;
    paused_ = paused;
    return;
  }
  from_ = paused_ ? Source{-1, 0} : Source{version_, position_};
  version_ = version;
  position_ = position;
  paused_ = paused;
  fading_ = true;
  fade_done_ = 0;
}

void AbMixer::apply(const MixerEvent& event) {
  if (!fading_ && has_pending_) apply_pending();
  if (!has_pending_) {
    has_pending_ = true;
    pending_version_ = version_;
    pending_seek_ = 0;
    pending_pause_flip_ = false;
  }
  switch (event.kind) {
    case MixerEvent::Kind::kSelect:
      if (event.value >= 0 && event.value < n_versions())
        pending_version_ = static_cast<int>(event.value);
      break;
    case MixerEvent::Kind::kNext:
      pending_version_ = (pending_version_ + 1) % n_versions();
      break;
    case MixerEvent::Kind::kSeek:
      pending_seek_ += event.value;
      break;
    case MixerEvent::Kind::kTogglePause:
      pending_pause_flip_ = !pending_pause_flip_;
      break;
  }
  if (!fading_) apply_pending();
}

void AbMixer::apply_pending() {
  has_pending_ = false;
  begin_transition(pending_version_, wrap(position_ + pending_seek_),
                   paused_ != pending_pause_flip_);
}

void AbMixer::render(float* out, int64_t n_frames) {
  for (int64_t f = 0; f < n_frames; ++f) {
    float* frame = out + f * n_channels_;
    const Source to{paused_ ? -1 : version_, position_};
    if (!fading_) {
      for (int c = 0; c < n_channels_; ++c)
        frame[c] = sample(to, c);
      if (!paused_) position_ = wrap(position_ + 1);
      continue;
    }

    // Linear gains summing to one keep the level of correlated versions (noisy, enhanced and
    // clean of one utterance) steady; the midpoint rule never reaches exactly 0 or 1 inside.
    const float gain = (fade_done_ + 0.5f) / crossfade_frames_;
    for (int c = 0; c < n_channels_; ++c)
      frame[c] = (1.0f - gain) * sample(from_, c) + gain * sample(to, c);
    if (from_.version >= 0) from_.position = wrap(from_.position + 1);
    // While fading out into a pause the position still runs, so resuming repeats nothing.
    position_ = wrap(position_ + 1);
    if (++fade_done_ == crossfade_frames_) {
      fading_ = false;
      if (has_pending_) apply_pending();
    }
  }
}

}  // namespace rawgan::play
