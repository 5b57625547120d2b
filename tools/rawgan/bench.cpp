// rawgan bench [--preset NAME]... [--device cpu|cuda] [--json FILE] [--steps N]: how fast this
// machine trains and runs the enhancement and generation models.
//
// For each preset, after a warm-up, by the preset's kind:
// - segan: training throughput (windows per second of SeganTrainer's full discriminator +
//   generator step at --batch-size), enhancement speed (real-time factor of Enhancer on
//   synthetic audio at the model's rate, with the cross-fade `rawgan enhance` uses), and, with
//   --decoder, each decoder layer's transposed convolution timed as LibTorch's ConvTranspose1d
//   and as the polyphase convolution.
// - wavegan, specgan: training throughput of train-gen's step (train::GenStep: n_critic
//   discriminator updates and one generator update with the preset's loss settings, at
//   --batch-size), as generator steps and as real clips seen per second, and generation speed
//   (real-time factor of infer::Sampler making clips in batches of --batch-size, Griffin-Lim
//   included for SpecGAN, as `rawgan generate` does).
// Also the peak host memory (maximum RSS of the process so far), peak device memory on CUDA,
// the LibTorch version, the device's name, the thread count and the malloc in use.
// stdout: a plain table; --json FILE: the same figures as JSON (refused before any work when
// FILE is named like audio, is a folder or is a preset file being read).
#include <torch/torch.h>

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <functional>
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
#include "rawgan/infer/sampler.h"
#include "rawgan/infer/segan_model.h"
#include "rawgan/models/model_options.h"
#include "rawgan/models/polyphase.h"
#include "rawgan/models/precision.h"
#include "rawgan/models/segan.h"
#include "rawgan/train/checkpoint.h"
#include "rawgan/train/gen_models.h"
#include "rawgan/train/gen_step.h"
#include "rawgan/train/run.h"
#include "rawgan/train/segan_trainer.h"
#include "rawgan/util/allocator.h"
#include "rawgan/util/error.h"
#include "rawgan/util/interrupt.h"
#include "rawgan/util/log.h"
#include "rawgan/util/preset.h"

namespace rawgan::cli {
namespace {

using Clock = std::chrono::steady_clock;

// The settings every measurement reads; a new one (a precision, say) is added here and read by
// the measuring functions below.
struct BenchOptions {
  // What runs in a minute or two on 2 CPU cores; the paper-size generation presets (wavegan,
  // wavegan-long, specgan) are measured when named with --preset. The largest comes last, as
  // the host peak is the process's so far.
  std::vector<std::string> presets = {"segan-small", "wavegan-small", "specgan-small", "segan"};
  std::string device = "auto";
  std::string json;
  int steps = 3;
  int threads = 0;
  int64_t batch_size = 8;
  double audio_s = 20.0;
  bool decoder = false;
  std::string precision = "fp32";  ///< SEGAN training and enhancement (models/precision.h)
};

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void synchronize(torch::Device device) {
  if (device.is_cuda()) torch::cuda::synchronize(device.has_index() ? device.index() : -1);
}

// Seconds per call of `step`, over bench.steps calls after one warm-up call (allocations,
// oneDNN primitive creation).
double seconds_per_step(const std::function<void()>& step, const BenchOptions& bench,
                        torch::Device device) {
  step();
  synchronize(device);
  const auto start = Clock::now();
  for (int i = 0; i < bench.steps; ++i) {
    if (interrupt_requested()) throw Interrupted("bench stopped");
    step();
  }
  synchronize(device);
  return seconds_since(start) / bench.steps;
}

// Windows per second of SeganTrainer::train_step (a discriminator and a generator update, as
// `rawgan train` runs them) on synthetic windows.
double train_windows_per_s(const models::SeganOptions& options, const BenchOptions& bench,
                           torch::Device device) {
  torch::manual_seed(0);
  train::SeganTrainOptions train_options;
  train_options.batch_size = bench.batch_size;
  train_options.precision = bench.precision;
  train::SeganTrainer trainer(options, train_options, device);
  const auto shape = std::vector<int64_t>{bench.batch_size, 1, options.window_samples};
  torch::Tensor clean = 0.3 * torch::randn(shape, torch::TensorOptions().device(device));
  torch::Tensor noisy = clean + 0.1 * torch::randn_like(clean);
  trainer.set_reference_batch(clean, noisy);
  // As `rawgan train` runs it: on a GPU the losses are read after the timed steps, not in them.
  const double step_s =
      seconds_per_step([&] { trainer.train_step_tensors(noisy, clean); }, bench, device);
  trainer.check_finite();
  return bench.batch_size / step_s;
}

double enhancement_rtf(const models::SeganOptions& options, const BenchOptions& bench,
                       torch::Device device) {
  infer::EnhancementModel model =
      infer::segan_enhancement_model(models::SeganGenerator(options), options, device,
                                     models::parse_precision(bench.precision, "--precision"));
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

// Training throughput, enhancement speed and (with --decoder) decoder layer timings of a
// kind "segan" preset.
nlohmann::json bench_segan(const nlohmann::json& preset, const BenchOptions& bench,
                           torch::Device device) {
  const auto options = models::SeganOptions::from_json(preset.at("model"));
  nlohmann::json row;
  row["train_windows_per_s"] = train_windows_per_s(options, bench, device);
  row["enhance_real_time_factor"] = enhancement_rtf(options, bench, device);
  row["overlap_samples"] =
      infer::overlap_samples_for(-1, options.sample_rate_hz, options.window_samples);
  if (bench.decoder) row["decoder"] = decoder_layers(options, bench, device);
  return row;
}

// train::GenStep::train_step on a fixed synthetic real batch, latents drawn as train-gen
// draws them; fills the row's training figures.
void gen_train_figures(train::GenModels& models, const nlohmann::json& train_section,
                       const BenchOptions& bench, torch::Device device, nlohmann::json& row) {
  const auto step_options = train::GenStepOptions::from_json(train_section);
  train::GenStep stepper(models, step_options, device);
  models.generator->train();
  models.discriminator->train();
  auto latent_batch = [&] {
    return train::to_device_async(torch::rand({bench.batch_size, models.latent_dim}) * 2 - 1,
                                  device);
  };
  torch::Tensor real;
  {
    // Real data has the shape the generator makes (waveforms or normalised images).
    torch::NoGradGuard no_grad;
    real = 0.3 * torch::randn_like(models.generate(latent_batch()));
  }
  int64_t step = 0;
  const double step_s = seconds_per_step(
      [&] { stepper.train_step([&] { return real; }, latent_batch, ++step); }, bench, device);
  stepper.take_losses();  // throws if the timed steps diverged
  row["loss"] = train::gan_loss_name(step_options.loss);
  row["n_critic"] = step_options.n_critic;
  row["train_steps_per_s"] = 1.0 / step_s;
  row["train_clips_per_s"] = step_options.n_critic * bench.batch_size / step_s;
}

// The generator as a train-gen checkpoint (the parts infer::Sampler reads) in a temporary file,
// removed with this object, so that generation is timed on the path `rawgan generate` takes.
class TemporaryCheckpoint {
 public:
  TemporaryCheckpoint(const train::GenModels& models, const nlohmann::json& model)
      : path_(std::filesystem::temp_directory_path() /
              ("rawgan-bench-" + std::to_string(getpid()) + ".pt")) {
    train::CheckpointHeader header;
    header.kind = models.kind;
    header.preset = "bench";
    header.config = {{"model", model}};
    train::CheckpointWriter writer(header);
    writer.add_module("generator", *models.generator);
    if (models.kind == "specgan") {
      // Untrained statistics: Griffin-Lim's cost does not depend on the magnitudes.
      writer.add_tensor("spec_mean", torch::zeros({models.specgan.image_size}));
      writer.add_tensor("spec_std", torch::ones({models.specgan.image_size}));
    }
    writer.write(path_);
  }
  ~TemporaryCheckpoint() {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
  TemporaryCheckpoint(const TemporaryCheckpoint&) = delete;
  TemporaryCheckpoint& operator=(const TemporaryCheckpoint&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Real-time factor of infer::Sampler::generate making --audio-s seconds of clips (at least
// one) in batches of --batch-size, after a warm-up batch.
double generation_rtf(const train::GenModels& models, const nlohmann::json& model,
                      const BenchOptions& bench, torch::Device device) {
  const TemporaryCheckpoint checkpoint(models, model);
  infer::SamplerOptions options;
  options.device = device.str();
  options.batch_size = bench.batch_size;
  infer::Sampler sampler(checkpoint.path(), options);

  const double clip_s = double(models.n_samples) / models.sample_rate_hz;
  const auto n_clips = std::max<int64_t>(1, std::llround(std::ceil(bench.audio_s / clip_s)));
  sampler.generate(sampler.random_latents(std::min(n_clips, bench.batch_size), 0));
  synchronize(device);
  const auto start = Clock::now();
  sampler.generate(sampler.random_latents(n_clips, 1));
  synchronize(device);
  return seconds_since(start) / (n_clips * clip_s);
}

// Training throughput and generation speed of a kind "wavegan" or "specgan" preset.
nlohmann::json bench_generation(const nlohmann::json& preset, const BenchOptions& bench,
                                torch::Device device) {
  nlohmann::json model = preset.at("model");
  model["kind"] = preset.at("kind");
  torch::manual_seed(0);
  train::GenModels models = train::make_gen_models(model);
  nlohmann::json row;
  gen_train_figures(models, preset.value("train", nlohmann::json::object()), bench, device, row);
  row["generate_real_time_factor"] = generation_rtf(models, model, bench, device);
  row["clip_samples"] = models.n_samples;
  if (models.kind == "specgan")
    row["griffin_lim_iterations"] = models.specgan.griffin_lim_iterations;
  return row;
}

// A preset bench can measure, read and checked before any is measured, so that a wrong name
// at the end of the list does not wait for the others' minutes.
nlohmann::json load_bench_preset(const std::string& name) {
  nlohmann::json preset = load_model_preset(name, {"segan", "wavegan", "specgan"});
  models::check_model_section(preset["model"], preset["kind"], name);
  if (preset["kind"] == "segan") models::SeganOptions::from_json(preset["model"]).validate();
  return preset;
}

// One row of the report: the kind's own figures, then the peak memory so far.
nlohmann::json bench_preset(const std::string& name, const nlohmann::json& preset,
                            const BenchOptions& bench, torch::Device device) {
  const std::string kind = preset.at("kind");
  const bool generation = kind != "segan";
  log::info("bench ", name, " (", kind, "): training ", bench.steps, " steps of batch ",
            bench.batch_size, ", ", generation ? "generating " : "enhancing ", bench.audio_s, " s");
  infer::reset_peak_device_memory(device);
  nlohmann::json row =
      generation ? bench_generation(preset, bench, device) : bench_segan(preset, bench, device);
  row["preset"] = name;
  row["kind"] = kind;
  row["host_peak_bytes"] = infer::peak_host_memory_bytes();
  row["device_peak_bytes"] = infer::peak_device_memory_bytes(device);
  return row;
}

std::string megabytes(int64_t bytes) {
  if (bytes < 0) return "-";
  std::ostringstream out;
  out << std::fixed << std::setprecision(0) << bytes / 1048576.0;
  return out.str();
}

// Each decoder layer's two timings and their totals, under the segan row they belong to.
void print_decoder(const nlohmann::json& layers) {
  double total_reference = 0;
  double total_polyphase = 0;
  for (const auto& layer : layers) {
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

void print_row(const nlohmann::json& row) {
  const bool generation = row["kind"] != "segan";
  const double per_s = row[generation ? "train_clips_per_s" : "train_windows_per_s"].get<double>();
  const double rtf =
      row[generation ? "generate_real_time_factor" : "enhance_real_time_factor"].get<double>();
  std::cout << std::left << std::setw(14) << row["preset"].get<std::string>() << std::setw(8)
            << row["kind"].get<std::string>() << std::right << std::fixed << std::setprecision(2)
            << std::setw(12) << per_s << std::setprecision(4) << std::setw(10) << rtf
            << std::setprecision(1) << std::setw(12) << (rtf > 0 ? 1.0 / rtf : 0.0) << std::setw(14)
            << megabytes(row["host_peak_bytes"].get<int64_t>()) << std::setw(16)
            << megabytes(row["device_peak_bytes"].get<int64_t>()) << "\n";
  if (generation) {
    std::cout << "  " << row["loss"].get<std::string>() << ", " << row["n_critic"].get<int64_t>()
              << " D step(s) per G step: " << std::setprecision(3)
              << row["train_steps_per_s"].get<double>() << " G steps/s\n";
  }
  if (row.contains("decoder")) print_decoder(row["decoder"]);
}

void print_table(const nlohmann::json& result) {
  std::cout << "rawgan bench: LibTorch " << result["libtorch"].get<std::string>() << ", "
            << result["device_name"].get<std::string>() << ", " << result["threads"].get<int>()
            << " thread(s), batch " << result["batch_size"].get<int>() << ", SEGAN in "
            << result["precision"].get<std::string>() << ", malloc from "
            << result["malloc"].get<std::string>() << "\n";
  std::cout << std::left << std::setw(14) << "preset" << std::setw(8) << "kind" << std::right
            << std::setw(12) << "train win/s" << std::setw(10) << "RTF" << std::setw(12)
            << "x realtime" << std::setw(14) << "host peak MB" << std::setw(16) << "device peak MB"
            << "\n";
  for (const auto& row : result["presets"])
    print_row(row);
  std::cout << "train win/s: segan windows/s; wavegan, specgan real clips/s (batch x n_critic "
               "per G step)\n"
               "RTF: segan enhancement (cross-fade included); wavegan, specgan generation "
               "(Griffin-Lim included)\n"
               "host peak MB: the process's peak so far (bench one preset for its own)\n";
}

// The files the presets may be read from (load_preset's search), so that --json spares them.
std::vector<std::filesystem::path> preset_files(const std::vector<std::string>& presets) {
  std::vector<std::filesystem::path> files;
  for (const std::string& preset : presets) {
    files.emplace_back(preset);
    for (const auto& dir : preset_search_path())
      files.push_back(dir / (preset + ".json"));
  }
  return files;
}

int run_bench(const BenchOptions& bench) {
  if (bench.steps <= 0)
    throw UsageError("--steps must be positive, got " + std::to_string(bench.steps));
  if (bench.batch_size <= 0)
    throw UsageError("--batch-size must be positive, got " + std::to_string(bench.batch_size));
  if (bench.audio_s <= 0)
    throw UsageError("--audio-s must be positive, got " + std::to_string(bench.audio_s));
  if (!bench.json.empty()) check_report_path("--json", bench.json, preset_files(bench.presets));
  std::vector<nlohmann::json> presets;
  for (const std::string& name : bench.presets)
    presets.push_back(load_bench_preset(name));
  const torch::Device device = train::select_device(bench.device);
  const int n_threads = train::set_thread_count(bench.threads);
  models::check_precision(models::parse_precision(bench.precision, "--precision"), device,
                          "--precision");

  nlohmann::json result;
  result["libtorch"] = TORCH_VERSION;
  result["device"] = device.str();
  result["device_name"] = infer::device_name(device);
  result["threads"] = n_threads;
  result["malloc"] = malloc_library();
  result["batch_size"] = bench.batch_size;
  result["steps"] = bench.steps;
  result["precision"] = bench.precision;
  result["presets"] = nlohmann::json::array();
  for (size_t i = 0; i < presets.size(); ++i)
    result["presets"].push_back(bench_preset(bench.presets[i], presets[i], bench, device));

  print_table(result);
  if (!bench.json.empty()) write_report(bench.json, "bench", result);
  return 0;
}

void add_bench_command(CLI::App& root, Action& action) {
  auto options = std::make_shared<BenchOptions>();
  CLI::App* sub = root.add_subcommand(
      "bench", "Measure training throughput and enhancement/generation speed on this machine");
  sub->add_option("--preset", options->presets,
                  "Presets of kind segan, wavegan or specgan (names or .json files)")
      ->capture_default_str();
  sub->add_option("--device", options->device, "auto, cpu, cuda or cuda:N")->capture_default_str();
  sub->add_option("--json", options->json, "Also write the figures to this JSON file");
  sub->add_option("--steps", options->steps, "Timed training steps after one warm-up step")
      ->capture_default_str();
  sub->add_option("--batch-size", options->batch_size,
                  "Windows or clips per training step and per enhancement/generation batch")
      ->capture_default_str();
  sub->add_option("--audio-s", options->audio_s,
                  "Seconds of audio enhanced or generated for the real-time factor")
      ->check(positive_number())
      ->capture_default_str();
  sub->add_option("--threads", options->threads, "CPU threads (default: all cores)");
  sub->add_option("--precision", options->precision,
                  "SEGAN rows: fp32, bf16 or fp16 (CUDA only), as rawgan train and enhance take it")
      ->capture_default_str();
  sub->add_flag("--decoder", options->decoder,
                "Also time each decoder layer as ConvTranspose1d and as polyphase convolution");
  sub->callback([options, &action] { action = [options] { return run_bench(*options); }; });
}

const CommandRegistration kRegistration{150, add_bench_command};

}  // namespace
}  // namespace rawgan::cli
