// The enhancer interface of the live loop: anything that turns a mono stream into a mono
// stream in fixed blocks (hops) with a known delay. The live loop (live.h) calls it from its
// worker thread, never from the audio callback.
#pragma once

#include <memory>
#include <string>

#include "rawgan/dsp/baselines.h"

namespace rawgan::play {

/// Streaming mono processor. Call order: construct, then `process` again and again with
/// hop_samples() new input samples each time. Not thread-safe: one thread drives one object.
class BlockProcessor {
 public:
  virtual ~BlockProcessor() = default;

  /// Samples consumed and produced by each `process` call (> 0).
  virtual int hop_samples() const = 0;
  /// Algorithmic delay: output sample n belongs to input sample n - latency_samples().
  /// For a windowed enhancer this is the look-ahead its window needs beyond the hop.
  virtual int latency_samples() const = 0;
  /// Reads hop_samples() values from `input`, writes hop_samples() values to `output`.
  /// Should not allocate; its run time bounds how small the live loop's buffers can be.
  virtual void process(const float* input, float* output) = 0;
  /// Called once on the thread that will call `process`, before the audio starts: the place
  /// to warm up (a model's first runs in a new thread are slower than the rest).
  virtual void prepare() {}
  /// A short description for logs, e.g. "wiener (32 ms frames)".
  virtual std::string name() const = 0;
};

/// Copies input to output with no delay; the reference for measuring the loop's own latency.
class PassthroughProcessor : public BlockProcessor {
 public:
  explicit PassthroughProcessor(int hop_samples);
  int hop_samples() const override { return hop_samples_; }
  int latency_samples() const override { return 0; }
  void process(const float* input, float* output) override;
  std::string name() const override { return "passthrough"; }

 private:
  int hop_samples_;
};

/// Adapts dsp::SpectralEnhancer (streaming Wiener or spectral subtraction). Its latency is
/// frame - hop = half a frame, so `frame_ms` trades look-ahead (delay) for frequency resolution.
class SpectralProcessor : public BlockProcessor {
 public:
  /// Streaming Wiener filter at `sample_rate_hz` with frames of `frame_ms`.
  static std::unique_ptr<SpectralProcessor> wiener(int sample_rate_hz, float frame_ms);

  int hop_samples() const override { return enhancer_.hop_samples(); }
  int latency_samples() const override { return enhancer_.latency_samples(); }
  void process(const float* input, float* output) override;
  std::string name() const override { return name_; }

 private:
  SpectralProcessor(dsp::SpectralEnhancer enhancer, std::string name);
  dsp::SpectralEnhancer enhancer_;
  std::string name_;
};

}  // namespace rawgan::play
