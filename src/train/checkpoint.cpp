#include "rawgan/train/checkpoint.h"

#include <zip.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "rawgan/util/error.h"
#include "rawgan/util/output_file.h"

namespace rawgan::train {
namespace {

const char* const kMagic = "rawgan-checkpoint";

std::string rng_to_string(const std::mt19937_64& rng) {
  std::ostringstream out;
  out << rng;
  return out.str();
}

// A record's name without the archive's top folder, e.g. "data/0". LibTorch names that folder
// after the file it wrote, which for checkpoints written before they were saved through a stream
// is the temporary name ".rawgan-<pid>-<n>": a name the user never saw.
std::string record_name(const std::string& entry) {
  const size_t slash = entry.find('/');
  return slash == std::string::npos ? entry : entry.substr(slash + 1);
}

// LibTorch's archive reader skips the CRC-32 that its writer stores for every record, so a
// checkpoint damaged in the middle (a bad disk block, a corrupted copy) would load with wrong
// weights. libzip reads every record and checks each one's CRC before LibTorch sees the file.
// Returns an empty string for a sound archive, otherwise the message that refuses it.
std::string archive_damage(const std::filesystem::path& path) {
  int code = 0;
  zip_t* archive = zip_open(path.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &code);
  if (!archive) {
    zip_error_t error;
    zip_error_init_with_code(&error, code);
    std::string reason = zip_error_strerror(&error);
    zip_error_fini(&error);
    return path.string() + ": not a rawgan checkpoint, or a damaged or truncated one (" + reason +
           ")";
  }
  std::unique_ptr<zip_t, decltype(&zip_discard)> closer(archive, zip_discard);
  std::vector<char> buffer(1 << 20);
  const zip_int64_t entries = zip_get_num_entries(archive, 0);
  for (zip_int64_t i = 0; i < entries; ++i) {
    const char* name = zip_get_name(archive, i, 0);
    const std::string entry = name ? record_name(name) : "#" + std::to_string(i);
    zip_file_t* file = zip_fopen_index(archive, i, 0);
    std::string reason = file ? "" : zip_strerror(archive);
    if (file) {
      zip_int64_t got = 0;
      while ((got = zip_fread(file, buffer.data(), buffer.size())) > 0) {
      }
      if (got < 0) reason = zip_file_strerror(file);
      if (zip_fclose(file) != 0 && reason.empty()) reason = zip_strerror(archive);
    }
    if (!reason.empty())
      return path.string() + ": damaged or truncated checkpoint (record " + entry + ": " + reason +
             ")";
  }
  return "";
}

// LibTorch's reason for a failure, on one line: c10::Error's what() appends a C++ stack
// trace ("Exception raised from ... frame #0 ..."), which tells a user nothing.
std::string reason_of(const std::exception& error) {
  const auto* c10_error = dynamic_cast<const c10::Error*>(&error);
  const std::string message = c10_error ? c10_error->what_without_backtrace() : error.what();
  return message.substr(0, message.find('\n'));
}

}  // namespace

CheckpointWriter::CheckpointWriter(CheckpointHeader header)
    : header_(std::move(header)), archive_(std::make_unique<torch::serialize::OutputArchive>()) {
  archive_->write("meta/magic", c10::IValue(std::string(kMagic)));
  archive_->write("meta/format_version", c10::IValue(kCheckpointFormatVersion));
  archive_->write("meta/kind", c10::IValue(header_.kind));
  archive_->write("meta/preset", c10::IValue(header_.preset));
  archive_->write("meta/config", c10::IValue(header_.config.dump()));
  archive_->write("meta/step", c10::IValue(header_.step));
  archive_->write("meta/epoch", c10::IValue(header_.epoch));
  archive_->write("meta/best_metric", c10::IValue(header_.best_metric));
}

CheckpointWriter::~CheckpointWriter() = default;

void CheckpointWriter::add_module(const std::string& name, const torch::nn::Module& module) {
  torch::serialize::OutputArchive sub;
  module.save(sub);
  archive_->write("module/" + name, sub);
}

void CheckpointWriter::add_optimizer(const std::string& name,
                                     const torch::optim::Optimizer& optimizer) {
  torch::serialize::OutputArchive sub;
  optimizer.save(sub);
  archive_->write("optimizer/" + name, sub);
}

void CheckpointWriter::add_tensor(const std::string& name, const torch::Tensor& tensor) {
  archive_->write("tensor/" + name, tensor.detach().cpu());
}

void CheckpointWriter::add_rng_state(const std::mt19937_64& data_rng) {
  archive_->write("rng/data", c10::IValue(rng_to_string(data_rng)));
  auto generator = at::detail::getDefaultCPUGenerator();
  archive_->write("rng/torch_cpu", generator.get_state());
}

void CheckpointWriter::write(const std::filesystem::path& path) const {
  create_parent_folders(path);
  const std::filesystem::path temp = temporary_path_beside(path);
  std::error_code ec;
  // Written through a stream: LibTorch names the archive's records after a file name it is
  // given ("<stem>/data/0"), which here would be the temporary name; through a stream they are
  // "archive/...", whatever the file is called.
  std::ofstream out(temp, std::ios::binary);
  if (!out)
    throw RuntimeError(path.string() + ": cannot write checkpoint (" + std::strerror(errno) + ")");
  try {
    // Every byte is reported as taken: a short count (a full disk) makes LibTorch's writer throw
    // from its destructor, which ends the process. The stream's state is checked at the end.
    int write_errno = 0;
    archive_->save_to([&out, &write_errno](const void* data, size_t n_bytes) -> size_t {
      if (out && !out.write(static_cast<const char*>(data), static_cast<std::streamsize>(n_bytes)))
        write_errno = errno;
      return n_bytes;
    });
    out.close();
    if (!out) throw std::runtime_error(std::strerror(write_errno != 0 ? write_errno : errno));
  } catch (const std::exception& e) {
    out.close();
    std::filesystem::remove(temp, ec);
    throw RuntimeError(path.string() + ": cannot write checkpoint (" + reason_of(e) + ")");
  }
  if (const std::string reason = move_into_place(temp, path); !reason.empty())
    throw RuntimeError(path.string() + ": cannot move checkpoint into place (" + reason + ")");
}

CheckpointReader::CheckpointReader(const std::filesystem::path& path,
                                   const std::string& expected_kind, torch::Device device)
    : path_(path), archive_(std::make_unique<torch::serialize::InputArchive>()) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw InputError(path.string() + ": is a folder; expected a checkpoint file such as " +
                     (path / "best.pt").string());
  }
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw InputError(path.string() + ": no such checkpoint file");
  }
  if (const std::string damage = archive_damage(path); !damage.empty()) throw InputError(damage);
  c10::IValue value;
  try {
    archive_->load_from(path.string(), device);
    archive_->read("meta/magic", value);
  } catch (const std::exception& e) {
    // LibTorch's reason (e.g. a missing zip directory when the file was cut short) says why.
    throw InputError(path.string() + ": not a rawgan checkpoint, or a damaged or truncated one (" +
                     reason_of(e) + ")");
  }
  if (!value.isString() || value.toStringRef() != kMagic) {
    throw InputError(path.string() + ": not a rawgan checkpoint");
  }
  archive_->read("meta/format_version", value);
  if (value.toInt() != kCheckpointFormatVersion) {
    throw InputError(path.string() + ": checkpoint format version " +
                     std::to_string(value.toInt()) + ", this build reads version " +
                     std::to_string(kCheckpointFormatVersion));
  }
  archive_->read("meta/kind", value);
  header_.kind = value.toStringRef();
  if (!expected_kind.empty() && header_.kind != expected_kind) {
    throw InputError(path.string() + ": a '" + header_.kind + "' checkpoint, expected '" +
                     expected_kind + "'");
  }
  archive_->read("meta/preset", value);
  header_.preset = value.toStringRef();
  archive_->read("meta/config", value);
  header_.config = nlohmann::json::parse(value.toStringRef());
  archive_->read("meta/step", value);
  header_.step = value.toInt();
  archive_->read("meta/epoch", value);
  header_.epoch = value.toInt();
  archive_->read("meta/best_metric", value);
  header_.best_metric = value.toDouble();
}

CheckpointReader::~CheckpointReader() = default;

bool CheckpointReader::has(const std::string& name) const {
  for (const auto& key : archive_->keys()) {
    if (key == "module/" + name || key == "optimizer/" + name || key == "tensor/" + name) {
      return true;
    }
  }
  return false;
}

void CheckpointReader::load_module(const std::string& name, torch::nn::Module& module) const {
  // Module::load replaces tensors whatever their shape, so shapes are compared afterwards to
  // refuse a checkpoint of another architecture instead of running it.
  std::vector<std::pair<std::string, std::vector<int64_t>>> expected;
  for (const auto& item : module.named_parameters()) {
    expected.emplace_back(item.key(), item.value().sizes().vec());
  }
  for (const auto& item : module.named_buffers()) {
    expected.emplace_back(item.key(), item.value().sizes().vec());
  }
  torch::serialize::InputArchive sub;
  try {
    archive_->read("module/" + name, sub);
    module.load(sub);
  } catch (const c10::Error& e) {
    throw InputError(path_.string() + ": cannot load module '" + name + "' (" +
                     e.what_without_backtrace() + ")");
  }
  auto parameters = module.named_parameters();
  auto buffers = module.named_buffers();
  for (const auto& [key, sizes] : expected) {
    const torch::Tensor* tensor = parameters.find(key);
    if (!tensor) tensor = buffers.find(key);
    if (tensor && tensor->sizes().vec() != sizes) {
      throw InputError(path_.string() + ": module '" + name + "' does not match this model: " +
                       key + " has shape " + c10::str(tensor->sizes()) + ", expected " +
                       c10::str(c10::IntArrayRef(sizes)));
    }
  }
}

void CheckpointReader::load_optimizer(const std::string& name,
                                      torch::optim::Optimizer& optimizer) const {
  torch::serialize::InputArchive sub;
  try {
    archive_->read("optimizer/" + name, sub);
    optimizer.load(sub);
  } catch (const c10::Error& e) {
    throw InputError(path_.string() + ": cannot load optimiser '" + name + "' (" +
                     e.what_without_backtrace() + ")");
  }
}

torch::Tensor CheckpointReader::tensor(const std::string& name) const {
  torch::Tensor tensor;
  archive_->read("tensor/" + name, tensor);
  return tensor;
}

void CheckpointReader::load_rng_state(std::mt19937_64& data_rng) const {
  c10::IValue value;
  archive_->read("rng/data", value);
  std::istringstream in(value.toStringRef());
  in >> data_rng;
  torch::Tensor state;
  archive_->read("rng/torch_cpu", state);
  auto generator = at::detail::getDefaultCPUGenerator();
  generator.set_state(state.cpu());
}

}  // namespace rawgan::train
