// rawgan live --method wiener | --model CKPT [--input-device ID] [--output-device ID] [--dry 0..1]:
// microphone to enhancer to speakers, with the processing on a worker thread between two lock-free
// rings. A model runs at its own rate through infer::LiveEnhancer, which slides its window one hop
// at a time and keeps the output a fixed look-ahead behind the input (--hop-ms, --lookahead-ms).
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "command.h"
#include "rawgan/infer/live_enhancer.h"
#include "rawgan/infer/segan_model.h"
#include "rawgan/play/block_processor.h"
#include "rawgan/play/device.h"
#include "rawgan/play/format.h"
#include "rawgan/play/live.h"
#include "rawgan/play/status_line.h"
#include "rawgan/train/run.h"
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
  int sample_rate_hz = 0;  // 0: the model's rate, or kMethodRate for a method
  int frames_per_buffer = 256;
  int n_safety_buffers = -1;  // -1: 1 for a method; a model gets enough to cover one hop
  float frame_ms = 32.0f;
  double hop_ms = 0.0;        // 0: the model's window / 8
  double lookahead_ms = 0.0;  // 0: the model's window / 4
  std::string device = "cpu";
  // One thread by default: the audio callback needs a core too, and a steady run time
  // matters more here than throughput (on the loaded 2-core machine, 2 threads ran a
  // segan-small hop in 406 ms against 56 ms with 1).
  int threads = 1;
};

constexpr int kMethodRate = 16000;
// Model runs timed before the stream starts, after one warm-up run.
constexpr int kTimedRuns = 3;

double to_ms(int64_t samples, int sample_rate_hz) {
  return 1000.0 * static_cast<double>(samples) / sample_rate_hz;
}

int64_t to_samples(double ms, int sample_rate_hz) {
  return static_cast<int64_t>(std::llround(ms * sample_rate_hz / 1000.0));
}

// The live loop's view of a model: one hop in, one hop out, at the model's rate.
class ModelProcessor : public play::BlockProcessor {
 public:
  explicit ModelProcessor(infer::LiveEnhancer enhancer) : enhancer_(std::move(enhancer)) {}
  int hop_samples() const override { return static_cast<int>(enhancer_.hop_samples()); }
  int latency_samples() const override { return static_cast<int>(enhancer_.latency_samples()); }
  void process(const float* input, float* output) override { enhancer_.process(input, output); }
  void prepare() override;
  std::string name() const override { return enhancer_.model().description; }
  const infer::LiveEnhancer& enhancer() const { return enhancer_; }

 private:
  infer::LiveEnhancer enhancer_;
};

// Warms the model up on the worker thread and times it there on silence (the stream then
// starts as if it had been quiet before), and says whether this machine keeps up: each hop
// must be processed within one hop's time.
void ModelProcessor::prepare() {
  const int sample_rate_hz = enhancer_.sample_rate_hz();
  std::vector<float> silence(enhancer_.hop_samples(), 0.0f), out(silence.size());
  enhancer_.process(silence.data(), out.data());
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kTimedRuns; ++i)
    enhancer_.process(silence.data(), out.data());
  const double run_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count() /
      kTimedRuns;
  const double hop_ms = to_ms(enhancer_.hop_samples(), sample_rate_hz);
  log::info("model run: ", run_ms, " ms per hop of ", hop_ms, " ms (", 100.0 * run_ms / hop_ms,
            " % of real time)");
  if (run_ms > 0.9 * hop_ms)
    log::warn("the model takes ", run_ms, " ms per ", hop_ms,
              " ms hop: expect late blocks (silence); a longer --hop-ms runs it less often, "
              "--device cuda runs it faster");
}

std::unique_ptr<play::BlockProcessor> make_model_processor(const LiveCliOptions& options,
                                                           int& sample_rate_hz) {
  const torch::Device device = train::select_device(options.device);
  const int n_threads = train::set_thread_count(options.threads);
  infer::EnhancementModel model = infer::load_segan(options.model, device);
  if (options.sample_rate_hz != 0 && options.sample_rate_hz != model.sample_rate_hz)
    throw UsageError("--rate " + std::to_string(options.sample_rate_hz) + ": " + options.model +
                     " works at " + std::to_string(model.sample_rate_hz) +
                     " Hz; leave --rate out (devices that lack that rate can be reached "
                     "through ALSA's 'plug' or 'default' devices, which convert)");
  sample_rate_hz = model.sample_rate_hz;
  infer::LiveEnhancerOptions live;
  live.hop_samples = to_samples(options.hop_ms, sample_rate_hz);
  live.lookahead_samples = to_samples(options.lookahead_ms, sample_rate_hz);
  if ((options.hop_ms > 0 && live.hop_samples == 0) ||
      (options.lookahead_ms > 0 && live.lookahead_samples == 0))
    throw UsageError("--hop-ms and --lookahead-ms must each be at least one sample at " +
                     std::to_string(sample_rate_hz) + " Hz");
  auto processor = std::make_unique<ModelProcessor>(infer::LiveEnhancer(model, live, device));
  log::info(processor->enhancer().describe(), "; on ", device.str(), ", ", n_threads, " thread(s)");
  return processor;
}

std::unique_ptr<play::BlockProcessor> make_processor(const LiveCliOptions& options,
                                                     int& sample_rate_hz) {
  if (!options.model.empty() && !options.method.empty())
    throw UsageError("live: give either --model or --method, not both");
  if (!options.model.empty()) return make_model_processor(options, sample_rate_hz);
  sample_rate_hz = options.sample_rate_hz != 0 ? options.sample_rate_hz : kMethodRate;
  if (options.method == "wiener")
    return play::SpectralProcessor::wiener(sample_rate_hz, options.frame_ms);
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

// A method's hop takes a fraction of a callback period, so one spare period absorbs its
// jitter. A model's run can take up to a hop and still keep up: the worker needs that time on
// top of the period the loop already gives it.
int safety_buffers(const LiveCliOptions& options, const play::BlockProcessor& processor) {
  if (options.n_safety_buffers >= 0) return options.n_safety_buffers;
  if (options.model.empty()) return 1;
  const int n =
      (processor.hop_samples() + options.frames_per_buffer - 1) / options.frames_per_buffer;
  log::info("safety buffers: ", n, " (one hop, the time a model run may take; see --safety)");
  return n;
}

int run_live(const LiveCliOptions& options) {
  if (options.model.empty() && options.method.empty())
    throw UsageError("live: give --method wiener (or passthrough) or --model CKPT");
  int rate = 0;
  std::unique_ptr<play::BlockProcessor> processor = make_processor(options, rate);

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
  loop_options.n_safety_buffers = safety_buffers(options, *processor);
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
  // No --out: everywhere else it names a file or folder that a command writes.
  sub->add_option("--input-device,--in", options->input,
                  "Audio input: ID or name from 'rawgan devices' (default: the system's)");
  sub->add_option("--output-device", options->output,
                  "Audio output: ID or name from 'rawgan devices' (default: the system's)");
  sub->add_option("--dry", options->dry, "Share of the unprocessed input mixed in (0..1)")
      ->check(number_from_to(0, 1));
  sub->add_option("--seconds", options->seconds, "Stop after this long (default: Ctrl-C)")
      ->check(non_negative_number());
  sub->add_option("--rate", options->sample_rate_hz,
                  "Sample rate in Hz (default: the model's rate; 16000 for a method)")
      ->check(whole_number_from_to(8000, 192000));
  sub->add_option("--buffer", options->frames_per_buffer,
                  "Device buffer in frames (default 256): smaller is quicker but riskier")
      ->check(whole_number_from_to(16, 16384));
  sub->add_option("--safety", options->n_safety_buffers,
                  "Extra buffers of delay that absorb processing time and jitter (default 1 for "
                  "a method; a model gets one hop's worth)")
      ->check(whole_number_from_to(0, 1024));
  CLI::Option* frame_ms =
      sub->add_option("--frame-ms", options->frame_ms,
                      "Wiener frame (window) length; its look-ahead is half of it (default 32)")
          ->check(number_from_to(4, 256));
  std::vector<CLI::Option*> model_only;
  model_only.push_back(
      sub->add_option("--hop-ms", options->hop_ms,
                      "Model: new input per model run (default: window / 8); shorter runs the "
                      "model more often")
          ->check(positive_number()));
  model_only.push_back(
      sub->add_option("--lookahead-ms", options->lookahead_ms,
                      "Model: future context of each output sample, which is the model's delay "
                      "(default: window / 4); shorter is quicker, with less context")
          ->check(positive_number()));
  model_only.push_back(
      sub->add_option("--device", options->device, "Model: cpu (default), cuda, cuda:N or auto"));
  model_only.push_back(
      sub->add_option("--threads", options->threads,
                      "Model: CPU threads (default 1, which leaves a core to the audio; 0: all)")
          ->check(non_negative_integer()));
  sub->callback([options, frame_ms, model_only, &action] {
    // An option that does not apply would be ignored without a word: refuse it instead.
    if (options->model.empty()) {
      for (const CLI::Option* option : model_only) {
        if (option->count() > 0)
          throw UsageError(option->get_name() + " applies to --model only, not to --method");
      }
    }
    if (frame_ms->count() > 0 && options->method != "wiener")
      throw UsageError("--frame-ms applies to --method wiener only");
    action = [options] { return run_live(*options); };
  });
}

const CommandRegistration kRegistration{140, add_live_command};

}  // namespace
}  // namespace rawgan::cli
