// rawgan bench [--preset NAME]... [--device cpu|cuda] [--json FILE] [--steps N]: how fast this
// machine trains and runs the enhancement models.
//
// For each preset, after a warm-up: training throughput (windows per second of SeganTrainer's
// full discriminator + generator step at --batch-size), enhancement speed (real-time factor of
// Enhancer on synthetic audio at the model's rate, with the cross-fade `rawgan enhance` uses),
// and, with --decoder, each decoder layer's transposed convolution timed as LibTorch's
// ConvTranspose1d and as the polyphase convolution. Also the peak host memory (maximum RSS),
// peak device memory on CUDA, the LibTorch version, the device's name and the thread count.
// stdout: a plain table; --json FILE: the same figures as JSON.
#include <torch/torch.h>

#include <chrono>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "command.h"
#include "rawgan/infer/device_info.h"
#include "rawgan/infer/enhancer.h"
#include "rawgan/models/polyphase.h"
#include "rawgan/models/segan.h"
#include "rawgan/train/run.h"
#include "rawgan/train/segan_trainer.h"
#include "rawgan/util/error.h"
#include "rawgan/util/interrupt.h"
#include "rawgan/util/log.h"
#include "rawgan/util/preset.h"

namespace rawgan::cli {
namespace {

using Clock = std::chrono::steady_clock;

struct BenchOptions {
  std::vector<std::string> presets = {"segan-small", "segan"};
  std::string device = "auto";
  std::string json;
  int steps = 3;
  int threads = 0;
  int64_t batch_size = 8;
  double audio_s = 20.0;
  bool decoder = false;
};

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void synchronize(torch::Device device) {
  if (device.is_cuda()) torch::cuda::synchronize(device.has_index() ? device.index() : -1);
}

models::SeganOptions segan_options(const std::string& preset) {
  const nlohmann::json json = load_preset(preset);
  const std::string kind = json.value("kind", "");
  if (kind != "segan")
    throw UsageError("--preset " + preset + ": bench measures enhancement presets (kind segan), " +
                     "got kind '" + kind + "'");
  return models::SeganOptions::from_json(json.at("model"));
}

// Windows per second of SeganTrainer::train_step (a discriminator and a generator update, as
// `rawgan train` runs them) on synthetic windows, after one warm-up step.
double train_windows_per_s(const models::SeganOptions& options, const BenchOptions& bench,
                           torch::Device device) {
  torch::manual_seed(0);
  train::SeganTrainOptions train_options;
  train_options.batch_size = bench.batch_size;
  train::SeganTrainer trainer(options, train_options, device);
  const auto shape = std::vector<int64_t>{bench.batch_size, 1, options.window_samples};
  torch::Tensor clean = 0.3 * torch::randn(shape, torch::TensorOptions().device(device));
  torch::Tensor noisy = clean + 0.1 * torch::randn_like(clean);
  trainer.set_reference_batch(clean, noisy);
  trainer.train_step(noisy, clean);  // warm-up: allocations, oneDNN primitive creation
  synchronize(device);
  const auto start = Clock::now();
  for (int i = 0; i < bench.steps; ++i) {
    if (interrupt_requested()) throw Interrupted("bench stopped");
    trainer.train_step(noisy, clean);
  }
  synchronize(device);
  return bench.steps * bench.batch_size / seconds_since(start);
}

double enhancement_rtf(const models::SeganOptions& options, const BenchOptions& bench,
                       torch::Device device) {
  models::SeganGenerator generator(options);
  generator->to(device);
  generator->eval();
  infer::EnhancementModel model;
  model.model = [generator](const torch::Tensor& x) mutable { return generator->forward(x); };
  model.sample_rate_hz = options.sample_rate_hz;
  model.window_samples = options.window_samples;
  model.pre_emphasis = options.pre_emphasis;
  infer::EnhancerOptions enhancer_options;  // the defaults of rawgan enhance
  enhancer_options.batch_size = bench.batch_size;
  infer::Enhancer enhancer(model, enhancer_options, device);

  audio::Audio input;
  input.sample_rate_hz = options.sample_rate_hz;
  input.n_channels = 1;
  const torch::Tensor noise =
      0.1 * torch::randn({static_cast<int64_t>(bench.audio_s * options.sample_rate_hz)});
  input.samples.assign(noise.data_ptr<float>(), noise.data_ptr<float>() + noise.numel());
  audio::Audio warm_up = input;
  warm_up.samples.resize(std::min<size_t>(input.samples.size(), options.window_samples * 2));
  enhancer.enhance(warm_up);
  synchronize(device);
  infer::EnhanceReport report;
  enhancer.enhance(input, &report);
  return report.real_time_factor();
}

// Milliseconds per forward pass of `layer` on `input`, under inference mode, after a warm-up.
template <typename Layer>
double forward_ms(Layer& layer, const torch::Tensor& input, torch::Device device) {
  torch::InferenceMode inference;
  layer->forward(input);
  synchronize(device);
  const int n_repeats = 3;
  const auto start = Clock::now();
  for (int i = 0; i < n_repeats; ++i)
    layer->forward(input);
  synchronize(device);
  return 1000.0 * seconds_since(start) / n_repeats;
}

// Each decoder layer's transposed convolution (shapes as in SeganGenerator) both ways.
nlohmann::json decoder_layers(const models::SeganOptions& options, const BenchOptions& bench,
                              torch::Device device) {
  nlohmann::json rows = nlohmann::json::array();
  const auto& channels = options.encoder_channels;
  int64_t in_channels = channels.back() * (options.latent ? 2 : 1);
  int64_t length = options.bottleneck_samples();
  const int64_t padding = (options.kernel_size - 1) / 2;
  for (int64_t i = options.depth() - 1; i >= 0; --i) {
    const int64_t out_channels = i > 0 ? channels[i - 1] : 1;
    auto conv_options =
        torch::nn::ConvTranspose1dOptions(in_channels, out_channels, options.kernel_size)
            .stride(options.stride)
            .padding(padding)
            .output_padding(options.stride - options.kernel_size + 2 * padding);
    torch::nn::ConvTranspose1d reference(conv_options);
    models::PolyphaseConvTranspose1d polyphase(conv_options);
    reference->to(device);
    polyphase->to(device);
    torch::Tensor input = torch::randn({bench.batch_size, in_channels, length},
                                       torch::TensorOptions().device(device));
    rows.push_back({{"in_channels", in_channels},
                    {"out_channels", out_channels},
                    {"input_samples", length},
                    {"conv_transpose_ms", forward_ms(reference, input, device)},
                    {"polyphase_ms", forward_ms(polyphase, input, device)}});
    in_channels = 2 * out_channels;
    length *= options.stride;
  }
  return rows;
}

std::string megabytes(int64_t bytes) {
  if (bytes < 0) return "-";
  std::ostringstream out;
  out << std::fixed << std::setprecision(0) << bytes / 1048576.0;
  return out.str();
}

void print_table(const nlohmann::json& result) {
  std::cout << "rawgan bench: LibTorch " << result["libtorch"].get<std::string>() << ", "
            << result["device_name"].get<std::string>() << ", " << result["threads"].get<int>()
            << " thread(s), batch " << result["batch_size"].get<int>() << "\n";
  std::cout << std::left << std::setw(14) << "preset" << std::right << std::setw(12)
            << "train win/s" << std::setw(13) << "enhance RTF" << std::setw(12) << "x realtime"
            << std::setw(14) << "host peak MB" << std::setw(16) << "device peak MB"
            << "\n";
  for (const auto& row : result["presets"]) {
    const double rtf = row["enhance_real_time_factor"].get<double>();
    std::cout << std::left << std::setw(14) << row["preset"].get<std::string>() << std::right
              << std::fixed << std::setprecision(2) << std::setw(12)
              << row["train_windows_per_s"].get<double>() << std::setprecision(4) << std::setw(13)
              << rtf << std::setprecision(1) << std::setw(12) << (rtf > 0 ? 1.0 / rtf : 0.0)
              << std::setw(14) << megabytes(row["host_peak_bytes"].get<int64_t>()) << std::setw(16)
              << megabytes(row["device_peak_bytes"].get<int64_t>()) << "\n";
    if (!row.contains("decoder")) continue;
    double total_reference = 0;
    double total_polyphase = 0;
    for (const auto& layer : row["decoder"]) {
      std::cout << "  decoder " << std::setw(5) << layer["in_channels"].get<int64_t>() << " -> "
                << std::setw(4) << layer["out_channels"].get<int64_t>() << " x " << std::setw(6)
                << layer["input_samples"].get<int64_t>() << ": ConvTranspose1d "
                << std::setprecision(2) << std::setw(9) << layer["conv_transpose_ms"].get<double>()
                << " ms, polyphase " << std::setw(9) << layer["polyphase_ms"].get<double>()
                << " ms\n";
      total_reference += layer["conv_transpose_ms"].get<double>();
      total_polyphase += layer["polyphase_ms"].get<double>();
    }
    std::cout << "  decoder total: ConvTranspose1d " << total_reference << " ms, polyphase "
              << total_polyphase << " ms per batch\n";
  }
}

int run_bench(const BenchOptions& bench) {
  if (bench.steps <= 0)
    throw UsageError("--steps must be positive, got " + std::to_string(bench.steps));
  if (bench.batch_size <= 0)
    throw UsageError("--batch-size must be positive, got " + std::to_string(bench.batch_size));
  if (bench.audio_s <= 0)
    throw UsageError("--audio-s must be positive, got " + std::to_string(bench.audio_s));
  const torch::Device device = train::select_device(bench.device);
  const int n_threads = train::set_thread_count(bench.threads);

  nlohmann::json result;
  result["libtorch"] = TORCH_VERSION;
  result["device"] = device.str();
  result["device_name"] = infer::device_name(device);
  result["threads"] = n_threads;
  result["batch_size"] = bench.batch_size;
  result["steps"] = bench.steps;
  result["presets"] = nlohmann::json::array();
  for (const std::string& preset : bench.presets) {
    const models::SeganOptions options = segan_options(preset);
    log::info("bench ", preset, ": training ", bench.steps, " steps of batch ", bench.batch_size,
              ", enhancing ", bench.audio_s, " s");
    infer::reset_peak_device_memory(device);
    nlohmann::json row;
    row["preset"] = preset;
    row["train_windows_per_s"] = train_windows_per_s(options, bench, device);
    row["enhance_real_time_factor"] = enhancement_rtf(options, bench, device);
    row["overlap_samples"] =
        infer::overlap_samples_for(-1, options.sample_rate_hz, options.window_samples);
    if (bench.decoder) row["decoder"] = decoder_layers(options, bench, device);
    row["host_peak_bytes"] = infer::peak_host_memory_bytes();
    row["device_peak_bytes"] = infer::peak_device_memory_bytes(device);
    result["presets"].push_back(row);
  }

  print_table(result);
  if (!bench.json.empty()) {
    std::ofstream file(bench.json);
    file << result.dump(2) << "\n";
    if (!file) throw RuntimeError(bench.json + ": cannot write the JSON report");
  }
  return 0;
}

void add_bench_command(CLI::App& root, Action& action) {
  auto options = std::make_shared<BenchOptions>();
  CLI::App* sub = root.add_subcommand(
      "bench", "Measure training throughput and enhancement speed on this machine");
  sub->add_option("--preset", options->presets, "Enhancement presets (names or .json files)")
      ->capture_default_str();
  sub->add_option("--device", options->device, "auto, cpu, cuda or cuda:N")->capture_default_str();
  sub->add_option("--json", options->json, "Also write the figures to this JSON file");
  sub->add_option("--steps", options->steps, "Timed training steps after one warm-up step")
      ->capture_default_str();
  sub->add_option("--batch-size", options->batch_size,
                  "Windows per training step and per "
                  "enhancement batch")
      ->capture_default_str();
  sub->add_option("--audio-s", options->audio_s,
                  "Seconds of audio enhanced for the real-time "
                  "factor")
      ->capture_default_str();
  sub->add_option("--threads", options->threads, "CPU threads (default: all cores)");
  sub->add_flag("--decoder", options->decoder,
                "Also time each decoder layer as ConvTranspose1d and as polyphase convolution");
  sub->callback([options, &action] { action = [options] { return run_bench(*options); }; });
}

const CommandRegistration kRegistration{150, add_bench_command};

}  // namespace
}  // namespace rawgan::cli
