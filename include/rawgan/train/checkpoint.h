// Checkpoints: one file holding everything a run needs to continue exactly, or a model needs to
// be used: module weights, optimiser states, step and epoch, RNG states, the model kind and
// preset, the full configuration, and a format version. Every reader checks version and kind.
//
// Files are LibTorch archives, written to a temporary name beside the target and renamed into
// place, so a crash mid-write never leaves a truncated checkpoint. Tensors are loaded onto the
// device the reader asks for: a checkpoint written on a GPU loads on a CPU-only build.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

namespace rawgan::train {

/// Bumped when the layout changes; readers refuse other versions with a clear message.
constexpr int64_t kCheckpointFormatVersion = 1;

struct CheckpointHeader {
  std::string kind;        ///< model family: "segan", "wavegan", "specgan", ...
  std::string preset;      ///< preset name the run started from
  nlohmann::json config;   ///< full configuration: model options and training options
  int64_t step = 0;        ///< optimiser steps taken
  int64_t epoch = 0;       ///< passes over the training data completed
  double best_metric = 0;  ///< the validation figure best.pt was chosen by (run-specific)
};

/// Collects the parts of a checkpoint, then writes them atomically.
class CheckpointWriter {
 public:
  explicit CheckpointWriter(CheckpointHeader header);
  ~CheckpointWriter();

  void add_module(const std::string& name, const torch::nn::Module& module);
  void add_optimizer(const std::string& name, const torch::optim::Optimizer& optimizer);
  void add_tensor(const std::string& name, const torch::Tensor& tensor);
  /// Stores the global LibTorch CPU generator's state and `data_rng` (shuffling, slicing, z).
  void add_rng_state(const std::mt19937_64& data_rng);

  /// Writes `path` through a temporary file and rename. Throws RuntimeError naming the path.
  void write(const std::filesystem::path& path) const;

 private:
  CheckpointHeader header_;
  std::unique_ptr<torch::serialize::OutputArchive> archive_;
};

/// Opens a checkpoint and hands out its parts.
class CheckpointReader {
 public:
  /// Throws InputError naming `path` if it is missing, not a rawgan checkpoint, of another
  /// format version, or (when `expected_kind` is not empty) of another model kind.
  CheckpointReader(const std::filesystem::path& path, const std::string& expected_kind,
                   torch::Device device = torch::kCPU);
  ~CheckpointReader();

  const CheckpointHeader& header() const { return header_; }
  const std::filesystem::path& path() const { return path_; }

  bool has(const std::string& name) const;
  /// Loads weights into `module` (which must have the checkpoint's architecture).
  void load_module(const std::string& name, torch::nn::Module& module) const;
  void load_optimizer(const std::string& name, torch::optim::Optimizer& optimizer) const;
  torch::Tensor tensor(const std::string& name) const;
  /// Restores what add_rng_state stored.
  void load_rng_state(std::mt19937_64& data_rng) const;

 private:
  std::filesystem::path path_;
  CheckpointHeader header_;
  std::unique_ptr<torch::serialize::InputArchive> archive_;
};

}  // namespace rawgan::train
