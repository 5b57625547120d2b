#include "rawgan/train/gen_trainer.h"

#include <torch/torch.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <numeric>
#include <optional>
#include <random>
#include <sstream>

#include "rawgan/data/clips.h"
#include "rawgan/data/spec_images.h"
#include "rawgan/dist/data_parallel.h"
#include "rawgan/models/model_options.h"
#include "rawgan/train/checkpoint.h"
#include "rawgan/train/gan_losses.h"
#include "rawgan/train/gen_features.h"
#include "rawgan/train/gen_models.h"
#include "rawgan/train/gen_step.h"
#include "rawgan/train/run.h"
#include "rawgan/util/error.h"
#include "rawgan/util/interrupt.h"
#include "rawgan/util/log.h"
#include "rawgan/util/preset.h"
#include "rawgan/util/progress.h"
#include "rawgan/util/text_file.h"

namespace rawgan::train {
namespace {

// Real clips the reference diversity is computed on (the figure is a mean over pairs, so a
// subset estimates it without bias at a fraction of the cost).
constexpr int64_t kMaxDiversityClips = 256;

// Steps between reads of the losses on a device: each read waits for the device to finish the
// steps queued so far. The CPU reads every step, which costs nothing there.
constexpr int64_t kLossReadEvery = 20;

// The training section with every default filled in, so that a checkpoint records exactly
// what ran.
struct TrainConfig {
  GenStepOptions step;  // loss, optimiser and critic settings
  int64_t n_steps = 100000;
  int64_t batch_size = 64;
  int64_t checkpoint_every = 500;
  int64_t diversity_every = 100;
  int64_t diversity_batch = 64;
  int64_t max_clips_per_file = 0;
  uint64_t seed = 0;
};

TrainConfig parse_train(const nlohmann::json& train) {
  TrainConfig c;
  c.step = GenStepOptions::from_json(train);
  c.n_steps = train.value("steps", c.n_steps);
  c.batch_size = train.value("batch_size", c.batch_size);
  c.checkpoint_every = train.value("checkpoint_every", c.checkpoint_every);
  c.diversity_every = train.value("diversity_every", c.diversity_every);
  c.diversity_batch = train.value("diversity_batch", c.diversity_batch);
  c.max_clips_per_file = train.value("max_clips_per_file", c.max_clips_per_file);
  c.seed = train.value("seed", c.seed);
  auto positive = [](int64_t value, const char* name) {
    if (value <= 0)
      throw UsageError(std::string(name) + " must be > 0, got " + std::to_string(value));
  };
  positive(c.n_steps, "steps");
  positive(c.batch_size, "batch_size");
  positive(c.checkpoint_every, "checkpoint_every");
  positive(c.diversity_every, "diversity_every");
  positive(c.diversity_batch, "diversity_batch");
  return c;
}

nlohmann::json to_json(const TrainConfig& c) {
  return {{"loss", gan_loss_name(c.step.loss)},
          {"steps", c.n_steps},
          {"batch_size", c.batch_size},
          {"learning_rate", c.step.learning_rate},
          {"beta1", c.step.beta1},
          {"beta2", c.step.beta2},
          {"n_critic", c.step.n_critic},
          {"gp_weight", c.step.gp_weight},
          {"began_gamma", c.step.began.gamma},
          {"began_lambda_k", c.step.began.lambda_k},
          {"began_code_dim", c.step.began_code_dim},
          {"checkpoint_every", c.checkpoint_every},
          {"diversity_every", c.diversity_every},
          {"diversity_batch", c.diversity_batch},
          {"max_clips_per_file", c.max_clips_per_file},
          {"seed", c.seed}};
}

// A run killed between checkpoints wrote rows past the step it resumes from; those steps run
// again, so their old rows go (each step once in the file, as after an uninterrupted run). The
// header and rows up to `step` stay; the file is replaced whole.
void keep_metrics_up_to(const std::filesystem::path& path, int64_t step) {
  std::ifstream in(path);
  if (!in) return;
  std::string kept;
  std::string line;
  bool header = true;
  bool dropped = false;
  while (std::getline(in, line)) {
    char* end = nullptr;
    const long long row_step = std::strtoll(line.c_str(), &end, 10);
    if (header || end == line.c_str() || row_step <= step)
      kept += line + '\n';
    else
      dropped = true;
    header = false;
  }
  in.close();
  if (dropped) write_text_file(path, kept, "the metrics");
}

// The preset's sections with the command line's overrides applied.
nlohmann::json merged_config(const GenTrainOptions& options) {
  nlohmann::json preset = load_model_preset(options.preset, {"wavegan", "specgan"});
  nlohmann::json model = preset["model"];
  if (!model.contains("kind")) model["kind"] = preset["kind"];
  models::check_model_section(model, model["kind"], options.preset);
  nlohmann::json train = preset.value("train", nlohmann::json::object());
  // A misspelt key ("los", "n_critc") would otherwise leave the default in force without a word.
  // Checked here, where the preset is known; what reaches parse_train later is this section with
  // the command line's (known) keys, or a checkpoint's own record.
  refuse_unknown_keys(train, to_json(TrainConfig{}),
                      options.preset + ": training options (\"train\")");
  if (!options.loss.empty()) {
    // n_critic follows the loss unless set on the command line.
    if (parse_gan_loss(options.loss) != parse_gan_loss(train.value("loss", "wgan-gp")))
      train.erase("n_critic");
    train["loss"] = options.loss;
  }
  if (options.n_steps > 0) train["steps"] = options.n_steps;
  if (options.batch_size > 0) train["batch_size"] = options.batch_size;
  if (options.learning_rate > 0) train["learning_rate"] = options.learning_rate;
  if (options.n_critic > 0) train["n_critic"] = options.n_critic;
  if (options.checkpoint_every > 0) train["checkpoint_every"] = options.checkpoint_every;
  if (options.diversity_every > 0) train["diversity_every"] = options.diversity_every;
  if (options.seed >= 0) train["seed"] = options.seed;
  return {{"model", model}, {"train", train}};
}

// The config a new run of `options` would record, with the preset's name under "preset": what
// a resumed run compares with its checkpoint's to say which options given it does not apply.
nlohmann::json asked_config(const GenTrainOptions& options) {
  const nlohmann::json merged = merged_config(options);
  const nlohmann::json& model = merged["model"];
  const bool specgan = model.value("kind", "") == "specgan";
  return {{"preset", options.preset},
          {"model", specgan ? models::to_json(models::specgan_options_from_json(model))
                            : models::to_json(models::wavegan_options_from_json(model))},
          {"train", to_json(parse_train(merged["train"]))}};
}

// Waveforms [n, samples] (CPU) of data as the generator makes it.
torch::Tensor to_waveforms(const GenModels& models, const data::SpecNormaliser& normaliser,
                           const torch::Tensor& generated) {
  auto cpu = generated.detach().to(torch::kCPU);
  if (models.kind == "wavegan") return cpu.squeeze(1);
  data::SpecImageOptions image_options{models.specgan.image_size, models.specgan.n_samples,
                                       models.specgan.window_samples, models.specgan.hop_samples};
  auto log_images = normaliser.denormalise(cpu);
  auto waves = torch::empty({cpu.size(0), models.n_samples});
  for (int64_t i = 0; i < cpu.size(0); ++i) {
    auto wave = data::image_to_waveform(log_images[i][0], image_options,
                                        static_cast<int>(models.specgan.griffin_lim_iterations),
                                        static_cast<uint32_t>(i));
    std::memcpy(waves[i].data_ptr<float>(), wave.samples.data(),
                wave.samples.size() * sizeof(float));
  }
  return waves;
}

class GenTrainer {
 public:
  explicit GenTrainer(const GenTrainOptions& options) : options_(options) {}
  GenTrainSummary run();

 private:
  void set_up();
  void load_data(const CheckpointReader* reader);
  // Reads the losses of the steps since the last read (checking them) and writes their rows of
  // metrics.csv; every rank reads, the main one writes.
  void read_losses();
  void measure_diversity();
  void write_checkpoint();
  torch::Tensor real_batch();
  torch::Tensor latent_batch(int64_t n) const;
  torch::Tensor local_rows(const torch::Tensor& global) const;

  GenTrainOptions options_;
  dist::DataParallel one_process_;
  dist::DataParallel& parallel_ = options_.parallel ? *options_.parallel : one_process_;
  nlohmann::json config_;
  TrainConfig train_;
  torch::Device device_ = torch::kCPU;
  GenModels models_;
  std::unique_ptr<GenStep> stepper_;
  data::SpecNormaliser normaliser_;
  torch::Tensor data_;  // training examples as the discriminator sees them, CPU
  torch::Tensor diversity_clips_;
  torch::Tensor diversity_latents_;
  std::mt19937_64 data_rng_;
  std::optional<RunFolder> run_folder_;
  std::filesystem::path last_path_;
  std::ofstream metrics_;
  int64_t step_ = 0;
  int64_t measured_step_ = -1;
  double diversity_generated_ = NAN, diversity_real_ = 0;
  // Diversity measured at steps whose rows of metrics.csv are not written yet.
  std::vector<std::pair<int64_t, double>> unwritten_diversity_;
  GenStepLosses last_losses_;  // of the last step read
};

void GenTrainer::set_up() {
  device_ = select_device(options_.device);
  const int n_threads = set_thread_count(options_.n_threads);
  run_folder_.emplace(options_.run_dir, options_.resume);
  last_path_ = run_folder_->last();

  std::unique_ptr<CheckpointReader> reader;
  std::string preset_name = options_.preset;
  if (options_.resume) {
    reader = std::make_unique<CheckpointReader>(last_path_, "", device_);
    // Checked before its config is read as a generation model's, which for another kind fails
    // on the first unknown key and hides what is wrong.
    require_resumable_kind(*reader, {"wavegan", "specgan"});
    config_ = reader->header().config;
    preset_name = reader->header().preset;
    // Only the length of the run may change on resume; all else is the checkpoint's.
    if (options_.n_steps > 0) config_["train"]["steps"] = options_.n_steps;
    if (!options_.given_options.empty() && parallel_.is_main()) {
      nlohmann::json kept = config_;
      kept["preset"] = preset_name;
      warn_unapplied_options(last_path_, options_.given_options, asked_config(options_), kept);
    }
  } else {
    config_ = merged_config(options_);
  }
  options_.preset = preset_name;
  train_ = parse_train(config_["train"]);
  config_["train"] = to_json(train_);
  // Seeded before the networks are made, so that their initial weights follow the seed.
  torch::manual_seed(train_.seed);
  data_rng_.seed(train_.seed);
  models_ = make_gen_models(config_["model"]);
  // BEGAN's discriminator is an autoencoder of WaveGAN's layers: say where BEGAN was asked for.
  if (train_.step.loss == GanLoss::kBegan && models_.kind != "wavegan") {
    throw UsageError((options_.loss.empty() ? options_.preset + ": \"loss\": \"began\""
                                            : std::string("--loss began")) +
                     ": BEGAN works with WaveGAN presets only (its autoencoder discriminator is "
                     "one-dimensional), not with " +
                     models_.kind + " (preset " + options_.preset + ")");
  }
  config_["model"] = models_.kind == "wavegan" ? models::to_json(models_.wavegan)
                                               : models::to_json(models_.specgan);
  stepper_ = std::make_unique<GenStep>(models_, train_.step, device_, &parallel_);

  load_data(reader.get());
  if (reader) {
    if (reader->header().kind != models_.kind)
      throw InputError(last_path_.string() + ": kind '" + reader->header().kind +
                       "' does not match its model '" + models_.kind + "'");
    reader->load_module("generator", *models_.generator);
    reader->load_module("discriminator", *models_.discriminator);
    reader->load_optimizer("generator", stepper_->generator_optimizer());
    reader->load_optimizer("discriminator", stepper_->discriminator_optimizer());
    reader->load_rng_state(data_rng_);
    if (stepper_->balance()) stepper_->set_began_k(reader->tensor("began_k").item<double>());
    step_ = reader->header().step;
    log::info("resuming ", last_path_.string(), " at step ", step_);
  }
  // Several processes: rank 0's weights everywhere, gradients averaged before each step.
  parallel_.local_batch_size(train_.batch_size, "--batch-size");
  parallel_.add_module(*models_.generator);
  parallel_.add_module(*models_.discriminator);
  if (parallel_.is_main()) {
    const std::filesystem::path metrics_path = options_.run_dir / "metrics.csv";
    if (options_.resume) keep_metrics_up_to(metrics_path, step_);
    // A resumed run whose metrics.csv was deleted starts a new one, header included.
    std::error_code ec;
    const uintmax_t n_bytes = std::filesystem::file_size(metrics_path, ec);
    const bool has_header = options_.resume && !ec && n_bytes > 0;
    metrics_.open(metrics_path, options_.resume ? std::ios::app : std::ios::out);
    if (!metrics_) {
      throw RuntimeError(metrics_path.string() + ": cannot open for writing (" +
                         std::strerror(errno) + ")");
    }
    if (!has_header) {
      metrics_ << "step,d_loss,g_loss,gradient_penalty,k_t,m_global,diversity_generated_db,"
                  "diversity_real_db\n";
    }
  }
  log::info("train-gen: ", models_.kind, " (preset ", options_.preset, "), loss ",
            gan_loss_name(train_.step.loss), ", ", train_.step.n_critic,
            " D step(s) per G step, batch ", train_.batch_size, ", Adam ",
            train_.step.learning_rate, " (", train_.step.beta1, ", ", train_.step.beta2,
            "), device ", device_.str(), ", ", n_threads, " threads");
}

void GenTrainer::load_data(const CheckpointReader* reader) {
  data::ClipOptions clip_options;
  clip_options.sample_rate_hz = static_cast<int>(models_.sample_rate_hz);
  clip_options.clip_samples = models_.n_samples;
  clip_options.max_clips_per_file = train_.max_clips_per_file;
  data::ClipSet clip_set = data::load_clips(options_.clips_dir, clip_options);
  const nlohmann::json data_record = run_data_record({{"--clips", options_.clips_dir}}, "files",
                                                     static_cast<int64_t>(clip_set.files.size()));
  // On resume config_ still holds the checkpoint's record (null in older checkpoints).
  if (reader && parallel_.is_main())
    warn_if_data_changed(reader->path(), config_.value("data", nlohmann::json()), data_record);
  config_["data"] = data_record;
  torch::Tensor clips = clip_set.clips;
  if (models_.kind == "wavegan") {
    data_ = clips.unsqueeze(1);
  } else {
    data::SpecImageOptions image_options{models_.specgan.image_size, models_.specgan.n_samples,
                                         models_.specgan.window_samples,
                                         models_.specgan.hop_samples};
    auto log_images = data::log_magnitude_images(clips, image_options);
    if (reader) {
      // The generator was trained against the checkpoint's statistics: keep them.
      normaliser_.mean = reader->tensor("spec_mean");
      normaliser_.std = reader->tensor("spec_std");
    } else {
      normaliser_ = data::SpecNormaliser::fit(log_images);
    }
    data_ = normaliser_.normalise(log_images);
  }
  // A fixed, seeded subset for the reference diversity (std::mt19937_64 of its own, so that the
  // training stream does not depend on it).
  std::mt19937_64 pick(train_.seed);
  std::vector<int64_t> indices(clips.size(0));
  std::iota(indices.begin(), indices.end(), 0);
  std::shuffle(indices.begin(), indices.end(), pick);
  indices.resize(std::min<int64_t>(clips.size(0), kMaxDiversityClips));
  diversity_clips_ = clips.index_select(0, torch::tensor(indices));
  LogMelOptions features;
  features.sample_rate_hz = static_cast<int>(models_.sample_rate_hz);
  diversity_real_ = clip_diversity(diversity_clips_, features);

  // The generated batch is made from the same latent points every time, drawn from a generator
  // of their own: figures over training are comparable, and measuring leaves the training
  // random stream (and so exact resume) untouched.
  std::mt19937_64 latent_rng(train_.seed + 1);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  diversity_latents_ = torch::empty({train_.diversity_batch, models_.latent_dim});
  float* z = diversity_latents_.data_ptr<float>();
  for (int64_t i = 0; i < diversity_latents_.numel(); ++i)
    z[i] = uniform(latent_rng);
  log::info("diversity of the real clips: ", diversity_real_,
            " dB (mean pairwise log-mel "
            "distance over ",
            diversity_clips_.size(0), " clips)");
}

torch::Tensor GenTrainer::real_batch() {
  // Batches are drawn uniformly with replacement, so any number of clips (even fewer than a
  // batch) trains; the draw comes from data_rng_, saved in the checkpoint.
  std::uniform_int_distribution<int64_t> pick(0, data_.size(0) - 1);
  std::vector<int64_t> indices(train_.batch_size);
  for (auto& index : indices)
    index = pick(data_rng_);
  return to_device_async(data_.index_select(0, torch::tensor(parallel_.local_part(indices))),
                         device_);
}

torch::Tensor GenTrainer::local_rows(const torch::Tensor& global) const {
  // Every rank draws the whole global batch of latents (so RNG streams stay in step) and
  // keeps its own rows of it.
  if (!parallel_.is_distributed()) return global;
  std::vector<int64_t> rows(static_cast<size_t>(global.size(0)));
  std::iota(rows.begin(), rows.end(), int64_t{0});
  return global.index_select(0, torch::tensor(parallel_.local_part(rows)).to(global.device()));
}

torch::Tensor GenTrainer::latent_batch(int64_t n) const {
  // z ~ U[-1, 1] (WaveGAN section 3.1), drawn on the CPU generator for reproducibility.
  return to_device_async(torch::rand({n, models_.latent_dim}) * 2 - 1, device_);
}

void GenTrainer::measure_diversity() {
  torch::NoGradGuard no_grad;
  models_.generator->eval();
  auto generated = models_.generate(diversity_latents_.to(device_));
  models_.generator->train();
  LogMelOptions features;
  features.sample_rate_hz = static_cast<int>(models_.sample_rate_hz);
  diversity_generated_ = clip_diversity(to_waveforms(models_, normaliser_, generated), features);
  measured_step_ = step_;
  unwritten_diversity_.emplace_back(step_, diversity_generated_);
}

void GenTrainer::read_losses() {
  const auto rows = stepper_->take_losses();
  if (rows.empty()) return;
  last_losses_ = rows.back();
  if (!parallel_.is_main()) return;
  for (const auto& row : rows) {
    metrics_ << row.step << ',' << row.discriminator << ',' << row.generator << ','
             << row.gradient_penalty << ',' << row.began_k << ',' << row.began_m_global << ',';
    auto measured = std::find_if(unwritten_diversity_.begin(), unwritten_diversity_.end(),
                                 [&](const auto& entry) { return entry.first == row.step; });
    if (measured != unwritten_diversity_.end()) {
      metrics_ << measured->second << ',' << diversity_real_;
      log::debug("step ", row.step, ": diversity generated ", measured->second, " dB, real ",
                 diversity_real_, " dB");
    } else {
      metrics_ << ',';
    }
    metrics_ << '\n';
  }
  metrics_.flush();
  unwritten_diversity_.clear();
}

void GenTrainer::write_checkpoint() {
  // The losses are read first: a step whose loss is no longer finite stops the run here,
  // before its weights are written.
  read_losses();
  if (!parallel_.is_main()) return;
  CheckpointHeader header;
  header.kind = models_.kind;
  header.preset = options_.preset;
  header.config = config_;
  header.step = step_;
  header.epoch =
      step_ * train_.batch_size * train_.step.n_critic / std::max<int64_t>(1, data_.size(0));
  CheckpointWriter writer(header);
  writer.add_module("generator", *models_.generator);
  writer.add_module("discriminator", *models_.discriminator);
  writer.add_optimizer("generator", stepper_->generator_optimizer());
  writer.add_optimizer("discriminator", stepper_->discriminator_optimizer());
  if (const BeganBalance* balance = stepper_->balance())
    writer.add_tensor("began_k", torch::tensor(balance->k(), torch::kDouble));
  if (models_.kind == "specgan") {
    writer.add_tensor("spec_mean", normaliser_.mean);
    writer.add_tensor("spec_std", normaliser_.std);
  }
  writer.add_rng_state(data_rng_);
  writer.write(last_path_);
}

GenTrainSummary GenTrainer::run() {
  set_up();
  if (step_ >= train_.n_steps) {
    // A resumed run that already has its steps: last.pt stays as it is.
    log::info("nothing trained: the run already has ", step_, " of ", train_.n_steps, " steps");
    GenTrainSummary summary;
    summary.step = step_;
    summary.diversity_real = diversity_real_;
    summary.checkpoint = last_path_;
    return summary;
  }
  const int64_t first_step = step_;
  Progress progress("train-gen", train_.n_steps - first_step, "steps");
  models_.generator->train();
  models_.discriminator->train();
  const bool deferred_reads = options_.deferred_loss_reads || !device_.is_cpu();
  stepper_->set_deferred_checks(deferred_reads);
  while (step_ < train_.n_steps) {
    stepper_->train_step([this] { return real_batch(); },
                         [this] { return local_rows(latent_batch(train_.batch_size)); }, step_ + 1);
    ++step_;
    if (parallel_.is_main() && (step_ % train_.diversity_every == 0 || step_ == train_.n_steps)) {
      measure_diversity();
    }
    if (!deferred_reads || step_ % kLossReadEvery == 0 || step_ == train_.n_steps) read_losses();

    // The figures of the last step read (up to kLossReadEvery steps behind on a device).
    std::ostringstream detail;
    detail.precision(4);
    detail << "D " << last_losses_.discriminator << "  G " << last_losses_.generator;
    if (stepper_->balance())
      detail << "  k " << last_losses_.began_k << "  M " << last_losses_.began_m_global;
    if (!std::isnan(diversity_generated_))
      detail << "  diversity " << diversity_generated_ << "/" << diversity_real_ << " dB";
    progress.update(step_ - first_step, detail.str());

    if (step_ % train_.checkpoint_every == 0) write_checkpoint();
    if (!stop_check_due(parallel_.is_distributed(), step_)) continue;
    if (parallel_.any(interrupt_requested())) {
      write_checkpoint();
      progress.finish(detail.str());
      throw Interrupted("train-gen stopped at step " + std::to_string(step_) + "; " +
                        last_path_.string() + " written (continue with --resume)");
    }
    if (parallel_.any(options_.max_minutes > 0 &&
                      progress.elapsed_s() > options_.max_minutes * 60)) {
      log::info("time limit of ", options_.max_minutes, " min reached at step ", step_);
      // The summary reports the diversity of the weights being saved.
      if (measured_step_ != step_) measure_diversity();
      break;
    }
  }
  write_checkpoint();
  progress.finish();
  log::info("checkpoint: ", last_path_.string(), " (step ", step_, ")");
  return {step_,
          last_losses_.discriminator,
          last_losses_.generator,
          diversity_generated_,
          diversity_real_,
          progress.elapsed_s(),
          last_path_,
          step_ - first_step};
}

}  // namespace

GenTrainSummary train_generator(const GenTrainOptions& options) {
  if (options.run_dir.empty()) throw UsageError("train-gen: --out is required");
  return GenTrainer(options).run();
}

}  // namespace rawgan::train
