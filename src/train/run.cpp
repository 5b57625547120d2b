#include "rawgan/train/run.h"

#include <ATen/Context.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <optional>
#include <sstream>
#include <thread>

#include "rawgan/train/checkpoint.h"
#include "rawgan/util/error.h"
#include "rawgan/util/log.h"
#include "rawgan/util/output_file.h"

namespace rawgan::train {

namespace {

torch::Device parse_device(const std::string& name) {
  if (name == "auto") return torch::cuda::is_available() ? torch::kCUDA : torch::kCPU;
  if (name == "cpu") return torch::kCPU;
  if (name.rfind("cuda", 0) == 0) {
    if (!torch::cuda::is_available()) {
      throw UsageError("--device " + name +
                       ": this build of LibTorch or this machine has no CUDA device");
    }
    std::optional<torch::Device> device;
    try {
      device = torch::Device(name);
    } catch (const c10::Error&) {
      throw UsageError("--device: '" + name + "' is not a device name (cuda or cuda:N)");
    }
    const int64_t n_devices = static_cast<int64_t>(torch::cuda::device_count());
    if (device->has_index() && device->index() >= n_devices)
      throw UsageError("--device " + name + ": this machine has " + std::to_string(n_devices) +
                       " CUDA device(s), numbered from 0");
    return *device;
  }
  throw UsageError("--device: expected auto, cpu or cuda, got '" + name + "'");
}

// Creates and removes a file in `folder`, under a temporary name of the kind every writer
// uses (unique per process, so the ranks of one job stay apart); returns the system's reason
// when it cannot be created, empty otherwise.
std::string write_probe_failure(const std::filesystem::path& folder) {
  const std::filesystem::path probe = temporary_path_beside(folder / "probe");
  const int fd = open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return std::strerror(errno);
  close(fd);
  unlink(probe.c_str());
  return "";
}

}  // namespace

torch::Device select_device(const std::string& name) {
  const torch::Device device = parse_device(name);
  // Every run feeds its networks one fixed window shape, so cuDNN's autotuner, which times
  // the convolution algorithms on the first call of each shape, pays for itself at once.
  if (device.is_cuda()) at::globalContext().setBenchmarkCuDNN(true);
  return device;
}

int set_thread_count(int n_threads) {
  const int n_hardware = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  // Far more threads than the machine runs only wait for each other (--threads 100000 once made
  // 32 000 threads and a load of 186 on 2 cores); a typo is likelier than a wish.
  const int n_max = std::max(kMaxThreads, 4 * n_hardware);
  if (n_threads < 0 || n_threads > n_max) {
    throw UsageError("--threads: expected 0 (every core) to " + std::to_string(n_max) +
                     " (this machine has " + std::to_string(n_hardware) +
                     " hardware threads), got " + std::to_string(n_threads));
  }
  const int n = n_threads > 0 ? n_threads : n_hardware;
  torch::set_num_threads(n);
  return n;
}

RunFolder::RunFolder(const std::filesystem::path& run_dir, bool resume)
    : last_(run_dir / "last.pt") {
  std::error_code ec;
  const bool exists = std::filesystem::exists(last_, ec);
  if (resume && !exists) throw InputError(last_.string() + ": no checkpoint to resume from");
  if (!resume && exists)
    throw UsageError(run_dir.string() +
                     " already holds a run (last.pt); pass --resume to continue it or choose "
                     "another --out");
  if (std::filesystem::exists(run_dir, ec) && !std::filesystem::is_directory(run_dir, ec)) {
    throw UsageError(run_dir.string() + " is a file: --out names the run folder (" +
                     "last.pt and best.pt go inside it)");
  }
  for (std::filesystem::path folder = run_dir; !folder.empty() && folder != folder.root_path();
       folder = folder.parent_path()) {
    if (folder.filename().empty()) continue;  // "runs/a/" names runs/a
    if (std::filesystem::exists(folder, ec)) break;
    created_.push_back(folder);
  }
  std::filesystem::create_directories(run_dir, ec);
  if (ec)
    throw RuntimeError(run_dir.string() + ": cannot create run folder (" + ec.message() + ")");

  // A folder that takes no files would otherwise be found out at the first checkpoint, after
  // all the training before it.
  if (const std::string reason = write_probe_failure(run_dir); !reason.empty()) {
    remove_created();
    throw RuntimeError(run_dir.string() + ": cannot write in the run folder (" + reason + ")");
  }
}

RunFolder::~RunFolder() {
  remove_created();
}

void RunFolder::remove_created() {
  std::error_code ec;
  for (const std::filesystem::path& folder : created_) {
    // remove() deletes only an empty folder: one holding anything is kept, and its parents.
    if (!std::filesystem::remove(folder, ec)) break;
  }
}

torch::Tensor to_device_async(const torch::Tensor& host, torch::Device device) {
  if (host.device() == device) return host;
  if (!device.is_cuda() || !host.is_cpu()) return host.to(device);
  return host.pin_memory().to(device, /*non_blocking=*/true);
}

nlohmann::json run_data_record(
    const std::vector<std::pair<std::string, std::filesystem::path>>& folders,
    const std::string& count_name, int64_t count) {
  nlohmann::json named = nlohmann::json::object();
  for (const auto& [option, folder] : folders) {
    std::error_code ec;
    std::filesystem::path normal = std::filesystem::absolute(folder, ec).lexically_normal();
    if (ec) normal = folder.lexically_normal();
    // "/a/b/" and "/a/b" are one folder; the first has an empty last component.
    if (normal.filename().empty() && normal != normal.root_path()) normal = normal.parent_path();
    named[option] = normal.string();
  }
  return {{"folders", named}, {"n_" + count_name, count}};
}

std::string describe_data_change(const nlohmann::json& recorded, const nlohmann::json& current) {
  if (!recorded.is_object() || !current.is_object()) return "";
  std::string change;
  auto add = [&change](const std::string& part) { change += (change.empty() ? "" : "; ") + part; };

  // Folders: changed, newly given, or no longer given (e.g. --valid-noisy).
  const auto no_folders = nlohmann::json::object();
  const auto& was = recorded.contains("folders") ? recorded["folders"] : no_folders;
  const auto& now = current.contains("folders") ? current["folders"] : no_folders;
  for (const auto& [option, folder] : now.items()) {
    if (!was.contains(option))
      add(option + " " + folder.get<std::string>() + ", was not given");
    else if (was[option] != folder)
      add(option + " " + folder.get<std::string>() + ", was " + was[option].get<std::string>());
  }
  for (const auto& [option, folder] : was.items())
    if (!now.contains(option)) add(option + " not given, was " + folder.get<std::string>());

  // Counts: "n_pairs": 3 reads "3 pairs".
  for (const auto& [key, count] : current.items()) {
    if (key.rfind("n_", 0) != 0 || !recorded.contains(key) || recorded[key] == count) continue;
    add(count.dump() + " " + key.substr(2) + ", was " + recorded[key].dump());
  }
  return change;
}

void warn_if_data_changed(const std::filesystem::path& checkpoint, const nlohmann::json& recorded,
                          const nlohmann::json& current) {
  if (recorded.is_null()) {
    log::debug(checkpoint.string(), ": no record of the data it was trained on (an older ",
               "checkpoint); the data given is not compared with it");
    return;
  }
  const std::string change = describe_data_change(recorded, current);
  if (change.empty()) return;
  log::warn(checkpoint.string(),
            ": --resume is given other data than the run was trained on: ", change,
            "; continuing (expected if the same data only moved)");
}

namespace {

// A setting as a user would type it: strings without JSON's quotes.
std::string shown(const nlohmann::json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

}  // namespace

std::vector<std::string> describe_unapplied_options(const std::vector<GivenOption>& given,
                                                    const nlohmann::json& asked,
                                                    const nlohmann::json& kept) {
  std::vector<std::string> lines;
  for (const auto& [option, setting] : given) {
    const nlohmann::json::json_pointer pointer(setting);
    if (!asked.contains(pointer) || !kept.contains(pointer)) continue;
    if (asked[pointer] == kept[pointer]) continue;
    // A preset is known by its name, not by the model object it holds.
    const nlohmann::json::json_pointer name_pointer(option == "--preset" ? "/preset" : setting);
    const nlohmann::json none = "?";
    const nlohmann::json& asked_name = asked.contains(name_pointer) ? asked[name_pointer] : none;
    const nlohmann::json& kept_name = kept.contains(name_pointer) ? kept[name_pointer] : none;
    lines.push_back(option + " " + shown(asked_name) + " (the checkpoint's: " + shown(kept_name) +
                    ")");
  }
  return lines;
}

void warn_unapplied_options(const std::filesystem::path& checkpoint,
                            const std::vector<GivenOption>& given, const nlohmann::json& asked,
                            const nlohmann::json& kept) {
  for (const std::string& line : describe_unapplied_options(given, asked, kept)) {
    log::warn(checkpoint.string(),
              ": --resume continues with the checkpoint's settings; not applied: ", line);
  }
}

void require_resumable_kind(const CheckpointReader& reader, const std::vector<std::string>& kinds) {
  const std::string& kind = reader.header().kind;
  if (std::find(kinds.begin(), kinds.end(), kind) != kinds.end()) return;
  std::string expected;
  for (const auto& name : kinds)
    expected += (expected.empty() ? "'" : " or '") + name + "'";
  std::string hint;
  if (kind == "segan") hint = "; resume a SEGAN run with rawgan train --resume";
  if (kind == "wavegan" || kind == "specgan")
    hint = "; resume a generation run with rawgan train-gen --resume";
  throw InputError(reader.path().string() + ": a '" + kind + "' checkpoint, expected " + expected +
                   hint);
}

void require_finite(const std::string& what, double value, int64_t step) {
  if (std::isfinite(value)) return;
  std::ostringstream message;
  message << what << " is " << value << " at step " << step
          << ": training diverged; stopping without writing a checkpoint for it (any written "
             "earlier is intact; try a lower learning rate)";
  throw RuntimeError(message.str());
}

}  // namespace rawgan::train
