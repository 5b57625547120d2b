// rawgan live --method wiener | --model CKPT [--in ID] [--out ID] [--dry 0..1]: microphone to
// enhancer to speakers, with the processing on a worker thread between two lock-free rings.
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <thread>

#include "command.h"
#include "rawgan/play/block_processor.h"
#include "rawgan/play/device.h"
#include "rawgan/play/format.h"
#include "rawgan/play/live.h"
#include "rawgan/play/status_line.h"
#include "rawgan/util/error.h"
#include "rawgan/util/interrupt.h"
#include "rawgan/util/log.h"

namespace rawgan::cli {
namespace {

constexpr int kPassthroughHop = 32;

struct LiveCliOptions {
  std::string model;
  std::string method;
  std::string input;
  std::string output;
  float dry = 0.0f;
  double seconds = 0.0;
  int sample_rate_hz = 16000;
  int frames_per_buffer = 256;
  int n_safety_buffers = 1;
  float frame_ms = 32.0f;
};

double to_ms(int64_t samples, int sample_rate_hz) {
  return 1000.0 * static_cast<double>(samples) / sample_rate_hz;
}

std::unique_ptr<play::BlockProcessor> make_processor(const LiveCliOptions& options) {
  if (!options.model.empty() && !options.method.empty())
    throw UsageError("live: give either --model or --method, not both");
  if (!options.model.empty())
    // TODO: adapt rawgan::infer's streaming enhancer as a BlockProcessor (issue 6).
    throw UsageError("--model: this build has no enhancement layer yet; use --method wiener");
  if (options.method == "wiener")
    return play::SpectralProcessor::wiener(options.sample_rate_hz, options.frame_ms);
  if (options.method == "passthrough")
    return std::make_unique<play::PassthroughProcessor>(kPassthroughHop);
  throw UsageError("live: --method must be 'wiener' or 'passthrough' (or give --model), got '" +
                   options.method + "'");
}

void check_rate(const play::DeviceInfo& device, play::Direction direction, int n_channels,
                int sample_rate_hz) {
  if (!play::format_supported(device, direction, {sample_rate_hz, n_channels}))
    throw RuntimeError("device " + std::to_string(device.index) + " '" + device.name +
                       "' does not take " + std::to_string(sample_rate_hz) + " Hz " +
                       std::to_string(n_channels) + " ch float32; try --rate " +
                       std::to_string(static_cast<int>(device.default_sample_rate_hz)));
}

void report(const play::LiveLoop& loop, const play::BlockProcessor& processor,
            const play::Stream& stream, int sample_rate_hz) {
  const int rate = sample_rate_hz;
  const double rawgan_ms = to_ms(loop.delay_samples(), rate);
  // Virtual devices report equal ADC and DAC times; then the latencies PortAudio states for
  // the stream (its buffering on each side) are the better figure.
  double device_ms = 1000.0 * loop.mean_device_latency_s();
  const char* source = "measured from the stream's timestamps";
  if (device_ms <= 0) {
    device_ms = 1000.0 * (stream.input_latency_s() + stream.output_latency_s());
    source = "stated by PortAudio for the stream";
  }
  std::printf(
      "latency: %.1f ms input to output = rawgan %lld samples (%.1f ms: buffers %lld + "
      "%s %d) + devices %.1f ms (%s)\n",
      rawgan_ms + device_ms, static_cast<long long>(loop.delay_samples()), rawgan_ms,
      static_cast<long long>(loop.buffer_delay_samples()), processor.name().c_str(),
      processor.latency_samples(), device_ms, source);
  std::printf(
      "underruns: %lld device, %lld late blocks (%lld frames played as silence); "
      "%lld input frames lost; %.3f s processed\n",
      static_cast<long long>(loop.n_device_underflows()),
      static_cast<long long>(loop.n_late_blocks()), static_cast<long long>(loop.n_late_frames()),
      static_cast<long long>(loop.n_lost_input_frames()),
      static_cast<double>(loop.n_frames()) / rate);
  std::fflush(stdout);
}

int run_live(const LiveCliOptions& options) {
  if (options.model.empty() && options.method.empty())
    throw UsageError("live: give --method wiener (or passthrough) or --model CKPT");
  std::unique_ptr<play::BlockProcessor> processor = make_processor(options);
  const int rate = options.sample_rate_hz;

  play::PortAudioSession session;
  if (session.n_host_apis() == 0)
    throw RuntimeError("no audio devices: PortAudio has no host API (no ALSA, JACK or OSS)");
  play::DeviceInfo input = play::find_device(options.input, play::Direction::kInput);
  play::DeviceInfo output = play::find_device(options.output, play::Direction::kOutput);
  check_rate(input, play::Direction::kInput, 1, rate);
  play::StreamFormat out_format = play::choose_output_format(
      {rate, 1}, output.max_output_channels, rate,
      [&](const play::StreamFormat& f) {
        return f.sample_rate_hz == rate &&
               play::format_supported(output, play::Direction::kOutput, f);
      },
      output.name);

  play::LiveOptions loop_options;
  loop_options.sample_rate_hz = rate;
  loop_options.frames_per_buffer = options.frames_per_buffer;
  loop_options.n_safety_buffers = options.n_safety_buffers;
  loop_options.dry = options.dry;
  loop_options.n_output_channels = out_format.n_channels;
  play::LiveLoop loop(*processor, loop_options);
  loop.set_max_frames(static_cast<int64_t>(options.seconds * rate));

  // What the processor's window implies, before any buffering: it must see its look-ahead and
  // a whole hop before it can emit the hop's first sample.
  const int hop = processor->hop_samples();
  log::info(processor->name(), ": look-ahead ", processor->latency_samples(), " samples (",
            to_ms(processor->latency_samples(), rate), " ms), hop ", hop, " samples (",
            to_ms(hop, rate), " ms); with ", options.frames_per_buffer,
            "-frame device buffers rawgan delays by ", loop.delay_samples(), " samples (",
            to_ms(loop.delay_samples(), rate), " ms)");
  log::info("live: ", input.index, " '", input.name, "' -> ", output.index, " '", output.name,
            "', ", rate, " Hz, output ", out_format.n_channels, " ch");

  play::StreamConfig config;
  config.input = &input;
  config.output = &output;
  config.n_input_channels = 1;
  config.n_output_channels = out_format.n_channels;
  config.sample_rate_hz = rate;
  config.frames_per_buffer = options.frames_per_buffer;
  config.low_latency = true;
  play::Stream stream(config, loop);

  play::StatusLine status;
  loop.start_worker();
  stream.start();
  while (stream.active() && !interrupt_requested()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    status.show("live " + play::format_clock(static_cast<double>(loop.n_frames()) / rate) +
                "  late blocks " + std::to_string(loop.n_late_blocks()) + "  device underruns " +
                std::to_string(loop.n_device_underflows()));
  }
  stream.abort();
  loop.stop_worker();
  status.clear();
  report(loop, *processor, stream, rate);
  return 0;  // Ctrl-C is how live is meant to end, not a failure
}

void add_live_command(CLI::App& root, Action& action) {
  auto options = std::make_shared<LiveCliOptions>();
  CLI::App* sub = root.add_subcommand(
      "live", "Enhance the microphone live to the speakers; prints the measured latency");
  sub->add_option("--model", options->model, "Checkpoint of an enhancement model");
  sub->add_option("--method", options->method, "Classical method instead: wiener, passthrough");
  sub->add_option("--in", options->input, "Input device: ID or name ('rawgan devices')");
  sub->add_option("--out", options->output, "Output device: ID or name ('rawgan devices')");
  sub->add_option("--dry", options->dry, "Share of the unprocessed input mixed in (0..1)")
      ->check(CLI::Range(0.0, 1.0));
  sub->add_option("--seconds", options->seconds, "Stop after this long (default: Ctrl-C)")
      ->check(CLI::NonNegativeNumber);
  sub->add_option("--rate", options->sample_rate_hz, "Sample rate in Hz (default 16000)")
      ->check(CLI::Range(8000, 192000));
  sub->add_option("--buffer", options->frames_per_buffer,
                  "Device buffer in frames (default 256): smaller is quicker but riskier")
      ->check(CLI::Range(16, 16384));
  sub->add_option("--safety", options->n_safety_buffers,
                  "Extra buffers of delay that absorb processing jitter (default 1)")
      ->check(CLI::Range(0, 64));
  sub->add_option("--frame-ms", options->frame_ms,
                  "Wiener frame (window) length; its look-ahead is half of it (default 32)")
      ->check(CLI::Range(4.0, 256.0));
  sub->callback([options, &action] { action = [options] { return run_live(*options); }; });
}

const CommandRegistration kRegistration{140, add_live_command};

}  // namespace
}  // namespace rawgan::cli
