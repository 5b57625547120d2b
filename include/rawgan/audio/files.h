// Finding audio files in folders and planning where a command's outputs go, shared by every
// command that takes "files or folders" (enhance, baseline, eval, training data).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace rawgan::audio {

/// True for extensions libsndfile reads (.wav, .flac, .ogg, .opus, .mp3, .aif(f), .au, .w64,
/// .caf), compared case-insensitively.
bool is_audio_file(const std::filesystem::path& path);

/// The file a command leaves in each folder it writes audio outputs into (enhance, baseline,
/// generate, mix's noisy/ and clean/), in the manner of CACHEDIR.TAG: a short text naming the
/// command. Folder searches leave such subfolders out (see find_audio_files).
constexpr const char* kOutputMarker = ".rawgan-output";

/// Writes kOutputMarker into `folder` (created if missing), naming `command` ("enhance"), whole
/// or not at all (rawgan::write_text_file). Call it before the folder's first output is
/// written, so that the outputs of an interrupted run are marked too. Throws RuntimeError
/// naming the file and the system's reason when it cannot be written.
void mark_output_folder(const std::filesystem::path& folder, const std::string& command);

/// The command named by the marker in `folder` ("rawgan baseline"), "rawgan" for a marker not
/// in the expected form, or "" when `folder` holds no marker.
std::string output_folder_writer(const std::filesystem::path& folder);

/// Audio files under `dir`, recursively, sorted by path. Leaves out the subfolder `skipped`
/// (compared through links and other spellings) when one is given and exists: a command's own
/// output folder inside its input folder. Leaves out too every subfolder holding kOutputMarker
/// (another command's outputs, which a rerun would otherwise take as inputs), with an info line
/// naming it; `dir` itself is searched even when it holds the marker, so that outputs given as
/// an input are read. Throws InputError if `dir` is not a folder.
std::vector<std::filesystem::path> find_audio_files(const std::filesystem::path& dir,
                                                    const std::filesystem::path& skipped = {});

/// True when `inner` names the folder `outer` itself or a path inside it. Links, "." and ".."
/// are resolved as far as the paths exist; a part not made yet is compared by its name.
bool is_same_or_inside(const std::filesystem::path& inner, const std::filesystem::path& outer);

/// The path of `file` inside `dir`, computed from the names alone (symbolic links are not
/// followed, so a linked file keeps its place in `dir`). Throws RuntimeError if `file` is not
/// inside `dir`, so that outputs derived from it can never land outside their folder.
std::filesystem::path relative_inside(const std::filesystem::path& file,
                                      const std::filesystem::path& dir);

/// One input and the output it is written to.
struct FileJob {
  std::filesystem::path input;
  std::filesystem::path output;
};

/// Refuses, with a UsageError naming `option` and `folder`, an output folder that is an existing
/// file or that does not exist yet and is named like an audio file (`-o clips.wav`): creating a
/// folder of that name is never what was meant. An existing folder of any name is accepted.
void ensure_output_folder(const std::filesystem::path& folder, const std::string& option);

/// Maps inputs (files or folders) to outputs under the conventions of `rawgan enhance`: a single
/// input file with an output ending in .wav (any case) is written to that file; otherwise
/// `output` is a folder, an input file goes to output/<name>.wav and a folder's audio files
/// (recursive) to output/<path inside the folder>.wav. An output folder inside an input folder is
/// left out of that folder's search, so that a rerun does not take the last run's outputs as
/// inputs (nor are other commands' marked output folders searched, see find_audio_files).
/// Throws InputError for a missing input and UsageError when two inputs would share an output,
/// an output would overwrite an input, or `output` is not a usable folder (see
/// ensure_output_folder) while a folder or several inputs are given. A folder with no audio
/// files is reported with a warning, and InputError is thrown when the inputs hold none at all.
std::vector<FileJob> plan_file_jobs(const std::vector<std::filesystem::path>& inputs,
                                    const std::filesystem::path& output);

/// Marks `output` as `command`'s output folder (mark_output_folder) when `jobs`, planned by
/// plan_file_jobs for `output`, write into it as a folder. Not marked: the folder of a single
/// output file (`-o clean.wav`), and a folder holding inputs of the jobs (`recs/noisy -o recs`),
/// which holds more than outputs.
void mark_planned_output_folder(const std::vector<FileJob>& jobs,
                                const std::filesystem::path& output, const std::string& command);

}  // namespace rawgan::audio
