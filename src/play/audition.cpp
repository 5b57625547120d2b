#include "rawgan/play/audition.h"

#include <algorithm>

namespace rawgan::play {

AuditionSource::AuditionSource(AbMixer mixer, int64_t max_frames)
    : mixer_(std::move(mixer)), max_frames_(max_frames) {
  version_ = mixer_.current_version();
}

bool AuditionSource::post(const MixerEvent& event) {
  return events_.write(&event, 1) == 1;
}

bool AuditionSource::process(const float*, float* out, int64_t n_frames, const CallbackTime& time) {
  if (time.output_underflow) n_underruns_.fetch_add(1, std::memory_order_relaxed);
  MixerEvent event;
  while (events_.read(&event, 1) == 1)
    mixer_.apply(event);

  const int64_t done = n_rendered_.load(std::memory_order_relaxed);
  int64_t n_render = n_frames;
  if (max_frames_ > 0) n_render = std::min(n_frames, max_frames_ - done);
  mixer_.render(out, n_render);
  std::fill(out + n_render * mixer_.n_channels(), out + n_frames * mixer_.n_channels(), 0.0f);

  n_rendered_.store(done + n_render, std::memory_order_relaxed);
  position_.store(mixer_.position_frames(), std::memory_order_relaxed);
  version_.store(mixer_.current_version(), std::memory_order_relaxed);
  paused_.store(mixer_.paused(), std::memory_order_relaxed);
  return max_frames_ <= 0 || done + n_render < max_frames_;
}

}  // namespace rawgan::play
