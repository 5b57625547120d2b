// Pieces every trainer shares: choosing the device and thread count, preparing the run folder,
// recording the data a run trains on (so that --resume can tell when it is given other data),
// and refusing to continue (or checkpoint) once a loss is no longer finite.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace rawgan::train {

class CheckpointReader;

/// "auto" (CUDA when this build and machine have it, else CPU), "cpu" or "cuda" / "cuda:N".
/// Throws UsageError naming --device for other names, for CUDA on a build or machine without
/// it, or for a device number the machine lacks. Choosing CUDA turns on cuDNN autotuning.
torch::Device select_device(const std::string& name);

/// Sets LibTorch's intra-op thread count: `n_threads` when > 0, otherwise every hardware
/// thread (Debian's LibTorch otherwise starts with 1). Returns the count in effect. Throws
/// UsageError naming --threads for a negative count or one above max(kMaxThreads, 4 x the
/// hardware threads).
constexpr int kMaxThreads = 256;
int set_thread_count(int n_threads);

/// `host` (a CPU tensor) on `device` without waiting: through page-locked memory and a
/// non-blocking copy on CUDA (a plain copy would wait for the device to finish all queued work);
/// `host` itself on the CPU.
torch::Tensor to_device_async(const torch::Tensor& host, torch::Device device);

/// A run's --out folder for as long as the run lasts. The constructor creates it (and missing
/// parents) if needed; without `resume` it throws UsageError when the folder already holds
/// last.pt (a run is never overwritten by accident), with `resume` InputError when it does not,
/// and RuntimeError "<run_dir>: cannot write in the run folder (<system's reason>)" when a file
/// cannot be created there (it creates and removes one), so that a run fails before training
/// rather than at its first checkpoint. The destructor removes again each folder it created
/// that is still empty, so a run that fails before writing anything (no audio files, say)
/// leaves no empty folder behind.
class RunFolder {
 public:
  RunFolder(const std::filesystem::path& run_dir, bool resume);
  ~RunFolder();
  RunFolder(const RunFolder&) = delete;
  RunFolder& operator=(const RunFolder&) = delete;

  /// run_dir / "last.pt".
  const std::filesystem::path& last() const { return last_; }

 private:
  void remove_created();

  std::filesystem::path last_;
  std::vector<std::filesystem::path> created_;  // the deepest first
};

/// The data a run trains on, as stored in its checkpoints' config under "data":
///   {"folders": {"--noisy": "/abs/noisy", "--clean": "/abs/clean"}, "n_pairs": 12}
/// `folders` pairs each data folder with the option that named it; each is stored absolute and
/// lexically normal (no "." or "..", no trailing '/'), so that one folder named two ways
/// compares equal. `count` is stored under "n_" + `count_name`, which names what it counts in
/// the plural ("pairs", "files").
nlohmann::json run_data_record(
    const std::vector<std::pair<std::string, std::filesystem::path>>& folders,
    const std::string& count_name, int64_t count);

/// What differs between a checkpoint's data record `recorded` and this run's `current` (both
/// from run_data_record), e.g. "--noisy /b/noisy, was /a/noisy; 3 pairs, was 4"; empty when
/// nothing does, or when `recorded` is null (checkpoints written before the record existed).
std::string describe_data_change(const nlohmann::json& recorded, const nlohmann::json& current);

/// On --resume: logs one warning naming `checkpoint` and describe_data_change when the data
/// differs. A warning, not a refusal: the same data may have moved to another folder.
void warn_if_data_changed(const std::filesystem::path& checkpoint, const nlohmann::json& recorded,
                          const nlohmann::json& current);

/// An option the user gave on the command line (CLI::Option::count), and the place in a run's
/// config (a JSON pointer) of the setting it sets: {"--seed", "/train/seed"}. "--preset" sets
/// "/model".
struct GivenOption {
  std::string option;
  std::string setting;
};

/// For a --resume run, which continues with the checkpoint's settings: one line per given
/// option whose setting in `asked` (the config this command line would give a new run) differs
/// from the checkpoint's `kept`, e.g. "--seed 2 (the checkpoint's: 1)". Options not given are
/// never compared: a preset's or the built-in default is no wish of the user's. --preset is
/// shown by the names under "/preset" in both configs; a setting missing from either is skipped.
std::vector<std::string> describe_unapplied_options(const std::vector<GivenOption>& given,
                                                    const nlohmann::json& asked,
                                                    const nlohmann::json& kept);

/// Logs one warning per line of describe_unapplied_options, naming `checkpoint`:
///   "<checkpoint>: --resume continues with the checkpoint's settings; not applied: --seed 2
///   (the checkpoint's: 1)". train and train-gen share it.
void warn_unapplied_options(const std::filesystem::path& checkpoint,
                            const std::vector<GivenOption>& given, const nlohmann::json& asked,
                            const nlohmann::json& kept);

/// Throws InputError "<path>: a '<kind>' checkpoint, expected 'a' or 'b'" unless `reader`'s
/// kind is one of `kinds`, adding which command resumes the kind it found (train for segan,
/// train-gen for wavegan and specgan). Call it before the checkpoint's config is read as one
/// kind's, which for another kind fails on the first unknown key and hides what is wrong.
void require_resumable_kind(const CheckpointReader& reader, const std::vector<std::string>& kinds);

/// Whether a trainer asks its ranks, after step `step`, if any of them stops (Ctrl-C, a time
/// limit). In a multi-process job the question is an all-reduce whose answer the host waits
/// for, which would stall the device's queue every step, so it is asked every
/// kStopCheckEvery steps; one process asks every step, at no cost.
constexpr int64_t kStopCheckEvery = 10;
inline bool stop_check_due(bool distributed, int64_t step) {
  return !distributed || step % kStopCheckEvery == 0;
}

/// Throws RuntimeError "<what> is <value> at step <step>: training diverged; ..." when `value`
/// is NaN or infinite, so that the caller stops before writing a checkpoint.
void require_finite(const std::string& what, double value, int64_t step);

}  // namespace rawgan::train
