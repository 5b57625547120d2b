#include "rawgan/audio/files.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <map>
#include <string>

#include "rawgan/audio/audio.h"
#include "rawgan/util/error.h"
#include "rawgan/util/log.h"
#include "rawgan/util/text_file.h"

namespace rawgan::audio {

namespace fs = std::filesystem;

namespace {

// The marker's first line up to the command's name.
constexpr const char* kMarkerOpening = "This folder holds the outputs of '";

std::string lower_extension(const fs::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

// `path` made absolute, with links resolved and "." and ".." removed as far as it exists, and
// without a trailing separator, so that two spellings of one folder compare equal.
fs::path resolved(const fs::path& path) {
  std::error_code ec;
  fs::path absolute = fs::absolute(path, ec);
  fs::path result = fs::weakly_canonical(absolute, ec);
  if (ec) result = absolute.lexically_normal();
  if (result.has_parent_path() && result.filename().empty()) result = result.parent_path();
  return result;
}

}  // namespace

bool is_audio_file(const fs::path& path) {
  // libsndfile 1.1+ also reads MPEG audio and Ogg Opus.
  static const std::array<const char*, 10> kExtensions = {".wav", ".flac", ".ogg", ".opus", ".mp3",
                                                          ".aif", ".aiff", ".au",  ".w64",  ".caf"};
  const std::string ext = lower_extension(path);
  return std::find(kExtensions.begin(), kExtensions.end(), ext) != kExtensions.end();
}

void mark_output_folder(const fs::path& folder, const std::string& command) {
  write_text_file(folder / kOutputMarker,
                  std::string(kMarkerOpening) + "rawgan " + command + "'.\n" +
                      "rawgan leaves this folder out when it searches a folder above it for "
                      "input audio,\nso that one command's outputs do not become another's "
                      "inputs on a rerun.\nGive this folder itself as an input to read it.\n",
                  "the output folder's marker");
}

std::string output_folder_writer(const fs::path& folder) {
  std::error_code ec;
  if (!fs::exists(folder / kOutputMarker, ec)) return "";
  std::ifstream in(folder / kOutputMarker);
  std::string line;
  std::getline(in, line);
  const std::string opening = kMarkerOpening;
  const size_t end = line.rfind("'.");
  if (line.rfind(opening, 0) != 0 || end == std::string::npos || end <= opening.size())
    return "rawgan";
  return line.substr(opening.size(), end - opening.size());
}

std::vector<fs::path> find_audio_files(const fs::path& dir, const fs::path& skipped) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw InputError(dir.string() + ": no such folder");
  const bool skipping = !skipped.empty() && fs::is_directory(skipped, ec);
  std::vector<fs::path> files;
  for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator();
       ++it) {
    if (!it->is_directory(ec)) {
      if (it->is_regular_file(ec) && is_audio_file(it->path())) {
        files.push_back(it->path());
      } else if (is_audio_file(it->path()) && it->is_symlink(ec) && !it->exists(ec)) {
        log::warn(it->path().string(), ": skipped: a link to ",
                  fs::read_symlink(it->path(), ec).string(), ", which does not exist");
      }
      continue;
    }
    // A linked folder is not entered (the iterator follows no links): nothing to leave out.
    if (it->is_symlink(ec)) continue;
    if (skipping && fs::equivalent(it->path(), skipped, ec)) {
      it.disable_recursion_pending();
      continue;
    }
    // Another command's outputs: a rerun of that command would otherwise read them here.
    const std::string writer = output_folder_writer(it->path());
    if (!writer.empty()) {
      log::info(it->path().string(), ": not searched for inputs: it holds the outputs of '", writer,
                "' (its ", kOutputMarker, " file says so); give it as an input to read it");
      it.disable_recursion_pending();
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

bool is_same_or_inside(const fs::path& inner, const fs::path& outer) {
  const fs::path relative = resolved(inner).lexically_relative(resolved(outer));
  return !relative.empty() && *relative.begin() != "..";
}

fs::path relative_inside(const fs::path& file, const fs::path& dir) {
  fs::path relative = file.lexically_normal().lexically_relative(dir.lexically_normal());
  if (relative.empty() || *relative.begin() == "..") {
    throw RuntimeError(file.string() + ": not inside " + dir.string());
  }
  return relative;
}

void ensure_output_folder(const fs::path& folder, const std::string& option) {
  std::error_code ec;
  if (fs::is_directory(folder, ec)) return;
  if (fs::exists(folder, ec))
    throw UsageError(option + " " + folder.string() + ": is a file; expected an output folder");
  if (is_audio_file(folder))
    throw UsageError(option + " " + folder.string() +
                     ": expected an output folder, got a name ending in " +
                     folder.extension().string() + " (a folder of that name would be made)");
}

void mark_planned_output_folder(const std::vector<FileJob>& jobs, const fs::path& output,
                                const std::string& command) {
  // In a folder every output is a path inside `output`; a single output file is `output`.
  if (jobs.size() == 1 && jobs[0].output == output) return;
  // A folder holding this run's inputs (`-o recs` for inputs in recs/noisy) is no folder of
  // outputs: marked, it would hide those inputs from searches above it.
  for (const FileJob& job : jobs)
    if (is_same_or_inside(job.input, output)) return;
  mark_output_folder(output, command);
}

std::vector<FileJob> plan_file_jobs(const std::vector<fs::path>& inputs, const fs::path& output) {
  std::error_code ec;
  for (const fs::path& input : inputs)
    if (!fs::exists(input, ec)) throw InputError(input.string() + ": no such file or folder");
  const bool single_file_output = inputs.size() == 1 && fs::is_regular_file(inputs[0], ec) &&
                                  is_audio_file(output) && !fs::is_directory(output, ec);
  if (single_file_output && lower_extension(output) != ".wav")
    throw UsageError("output " + output.string() + ": outputs are written as WAV; name it .wav");
  if (!single_file_output && is_audio_file(output) && !fs::is_directory(output, ec)) {
    throw UsageError("output " + output.string() +
                     ": a folder input or several inputs need an output folder, not a file name");
  }
  if (!single_file_output) ensure_output_folder(output, "output");

  std::vector<FileJob> jobs;
  for (const fs::path& input : inputs) {
    if (fs::is_regular_file(input, ec)) {
      fs::path target = single_file_output
                            ? output
                            : output / fs::path(input.filename()).replace_extension(".wav");
      jobs.push_back({input, target});
    } else if (fs::is_directory(input, ec)) {
      // An output folder inside the input folder holds the last run's outputs: no inputs.
      fs::path skipped;
      if (!single_file_output && is_same_or_inside(output, input) &&
          !is_same_or_inside(input, output)) {
        skipped = output;
        log::info(output.string(), ": output folder inside the input folder ", input.string(),
                  "; its files are not read as inputs");
      }
      std::vector<fs::path> files = find_audio_files(input, skipped);
      if (files.empty()) log::warn(input.string(), ": folder holds no audio files");
      for (const fs::path& file : files) {
        jobs.push_back({file, (output / relative_inside(file, input)).replace_extension(".wav")});
      }
    } else {
      throw InputError(input.string() + ": no such file or folder");
    }
  }

  if (jobs.empty()) {
    std::string names;
    for (const fs::path& input : inputs)
      names += (names.empty() ? "" : ", ") + input.string();
    throw InputError(
        "no audio files in " + names +
        " (searched recursively for .wav, .flac, .ogg, .opus, .mp3, .aif, .aiff, .au, .w64, "
        ".caf)");
  }

  std::vector<fs::path> all_inputs;
  std::map<fs::path, fs::path> seen;
  for (const FileJob& job : jobs) {
    all_inputs.push_back(job.input);
    auto [it, inserted] = seen.emplace(job.output.lexically_normal(), job.input);
    if (!inserted) {
      throw UsageError("inputs " + it->second.string() + " and " + job.input.string() +
                       " would both be written to " + job.output.string());
    }
  }
  for (const FileJob& job : jobs)
    ensure_not_an_input(job.output, all_inputs);
  return jobs;
}

}  // namespace rawgan::audio
