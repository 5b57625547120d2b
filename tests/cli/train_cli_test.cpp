// rawgan train end to end on real pairs: a tiny preset trains a few steps, writes last.pt and
// best.pt, resumes, refuses to overwrite a run, and reports unpaired folders; --precision and
// --loader-threads.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <utility>

#include "support/test_support.h"
#include "tiny_train_gen.h"

namespace rawgan {
namespace {

namespace fs = std::filesystem;
using test::run_cli;

// The segan preset's architecture at toy size: 16 kHz like the data, four layers, 1024-sample
// windows, so each step takes milliseconds.
fs::path write_tiny_preset(const test::TempDir& dir) {
  const fs::path path = dir / "tiny.json";
  std::ofstream(path) << R"({"kind": "segan",
    "model": {"sample_rate_hz": 16000, "window_samples": 1024, "kernel_size": 15,
              "encoder_channels": [4, 8, 8, 16]},
    "train": {"batch_size": 4, "valid_every": 2}})";
  return path;
}

// `rawgan train` on `noisy` and `clean` with the tiny preset, on one CPU thread, into `run`.
std::vector<std::string> tiny_train(const test::TempDir& dir, const std::string& noisy,
                                    const std::string& clean, const fs::path& run,
                                    const std::string& steps,
                                    const std::string& validation_fraction = "0") {
  return {"train",
          "--noisy",
          noisy,
          "--clean",
          clean,
          "--preset",
          write_tiny_preset(dir).string(),
          "--out",
          run.string(),
          "--device",
          "cpu",
          "--threads",
          "1",
          "--validation-fraction",
          validation_fraction,
          "--steps",
          steps};
}

// The same on the pairs in `pairs` (noisy/, clean/).
std::vector<std::string> tiny_train(const test::TempDir& dir, const fs::path& pairs,
                                    const fs::path& run, const std::string& steps,
                                    const std::string& validation_fraction = "0") {
  return tiny_train(dir, (pairs / "noisy").string(), (pairs / "clean").string(), run, steps,
                    validation_fraction);
}

TEST(TrainCli, TrainsResumesAndKeepsCheckpoints) {
  RAWGAN_REQUIRE_SHARED_DATA(data);
  test::TempDir dir;
  const auto pairs = data / "pairs" / "vbd-train";
  const auto run = dir / "run";
  auto args = [&](const char* steps) {
    auto all = tiny_train(dir, pairs, run, steps, "0.34");
    all.push_back("--quiet");
    return all;
  };

  const auto first = args("3");
  auto result = run_cli(first);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("trained 3 steps"), std::string::npos) << result.out;
  EXPECT_TRUE(fs::exists(run / "last.pt"));
  EXPECT_TRUE(fs::exists(run / "best.pt"));

  // A second run into the same folder must not overwrite it by accident.
  auto again = run_cli(first);
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("--resume"), std::string::npos) << again.err;

  auto resume = args("5");
  resume.push_back("--resume");
  result = run_cli(resume);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("trained 5 steps"), std::string::npos) << result.out;
  EXPECT_EQ(result.err.find("not applied"), std::string::npos) << result.err;

  // A resumed run keeps the checkpoint's settings, and warns (past --quiet) about what it
  // does not apply.
  auto changed = args("6");
  changed.insert(changed.end(), {"--resume", "--learning-rate", "0.1"});
  result = run_cli(changed);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.err.find("not applied: --learning-rate 0.1 (the checkpoint's: "),
            std::string::npos)
      << result.err;
}

// `n_pairs` pairs of tones, clean and with white noise, in dir/noisy and dir/clean.
void write_pairs(const fs::path& dir, int n_pairs) {
  fs::create_directories(dir / "noisy");
  fs::create_directories(dir / "clean");
  for (int i = 0; i < n_pairs; ++i) {
    const std::string name = "pair_" + std::to_string(i) + ".wav";
    audio::Audio clean = test::sine(300.0 * (i + 1), 16000, 4096);
    audio::Audio noisy = clean;
    const audio::Audio noise = test::white_noise(16000, 4096, 0.05f, static_cast<uint32_t>(i));
    for (size_t k = 0; k < noisy.samples.size(); ++k)
      noisy.samples[k] += noise.samples[k];
    audio::write(dir / "clean" / name, clean);
    audio::write(dir / "noisy" / name, noisy);
  }
}

// A batch far beyond the machine's memory: one line that says so and what to change, not
// LibTorch's allocator message with its C++ stack trace.
TEST(TrainCli, OutOfMemoryIsOneLineNamingTheBatchSize) {
  test::TempDir dir;
  write_pairs(dir / "a", 1);
  auto args = tiny_train(dir, dir / "a", dir / "run", "1");
  args.insert(args.end(), {"--batch-size", "100000000"});
  auto result = run_cli(args);
  EXPECT_EQ(result.exit_code, 4) << result.err;
  EXPECT_NE(result.err.find("out of memory"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("--batch-size"), std::string::npos) << result.err;
  EXPECT_EQ(result.err.find("frame #"), std::string::npos) << result.err;  // no stack trace
}

// So many epochs that their steps overflow a 64-bit count are refused, naming --epochs: the run
// used to start and say it already had "0 of -1 steps".
TEST(TrainCli, EpochsWhoseStepsOverflowAreRefused) {
  test::TempDir dir;
  write_pairs(dir / "a", 2);  // two windows or more: two steps an epoch at batch 1
  auto args = tiny_train(dir, dir / "a", dir / "run", "1");
  args.resize(args.size() - 2);  // no --steps
  args.insert(args.end(), {"--epochs", "9223372036854775807", "--batch-size", "1"});
  auto result = run_cli(args);
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_NE(result.err.find("--epochs 9223372036854775807: "), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("more steps than a run can count"), std::string::npos) << result.err;
  EXPECT_EQ(result.err.find("of -1 steps"), std::string::npos) << result.err;
  EXPECT_FALSE(fs::exists(dir / "run" / "last.pt"));
}

// Validation folders that hold the training pairs (here through another spelling of the path)
// are warned about once, with the count and the first; other recordings are not.
TEST(TrainCli, ValidationFoldersOfTheTrainingPairsAreWarnedAbout) {
  test::TempDir dir;
  write_pairs(dir / "a", 2);
  write_pairs(dir / "b", 1);
  // Validation folders and --validation-fraction exclude each other.
  const auto without_fraction = [](std::vector<std::string> args) {
    const auto at = std::find(args.begin(), args.end(), "--validation-fraction");
    args.erase(at, at + 2);
    return args;
  };
  auto same = without_fraction(tiny_train(dir, dir / "a", dir / "run", "1"));
  same.insert(same.end(), {"--valid-noisy", (dir / "a" / "." / "noisy").string(), "--valid-clean",
                           (dir / "a" / "clean").string()});
  auto shared = run_cli(same);
  ASSERT_EQ(shared.exit_code, 0) << shared.err;
  EXPECT_NE(shared.err.find("2 of the 2 validation pairs are training pairs too (the first: " +
                            (dir / "a" / "." / "noisy").string()),
            std::string::npos)
      << shared.err;

  auto other = without_fraction(tiny_train(dir, dir / "a", dir / "run2", "1"));
  other.insert(other.end(), {"--valid-noisy", (dir / "b" / "noisy").string(), "--valid-clean",
                             (dir / "b" / "clean").string()});
  auto apart = run_cli(other);
  ASSERT_EQ(apart.exit_code, 0) << apart.err;
  EXPECT_EQ(apart.err.find("are training pairs too"), std::string::npos) << apart.err;
}

// A run folder the user cannot write in fails before any data is read or any step is trained,
// in one line naming the folder and the system's reason: it used to fail at the first
// checkpoint, losing the training before it, with LibTorch's C++ stack trace.
TEST(TrainCli, ARunFolderThatTakesNoFilesFailsBeforeTraining) {
  test::TempDir dir;
  write_pairs(dir / "pairs", 2);
  fs::create_directories(dir / "ro");
  // The user the test runs as reads the inputs; the run folder is read-only.
  fs::permissions(dir.path(), fs::perms::all & ~fs::perms::group_write & ~fs::perms::others_write);
  fs::permissions(dir / "ro", fs::perms::all & ~fs::perms::owner_write & ~fs::perms::group_write &
                                  ~fs::perms::others_write);
  auto result = test::run_cli_unprivileged(tiny_train(dir, dir / "pairs", dir / "ro", "3"));
  if (!result)
    GTEST_SKIP() << "root without setpriv, or nobody cannot run the build: permissions untested";
  EXPECT_EQ(result->exit_code, 4) << result->err;
  EXPECT_NE(result->err.find((dir / "ro").string() +
                             ": cannot write in the run folder (Permission denied)"),
            std::string::npos)
      << result->err;
  EXPECT_EQ(result->err.find("training on"), std::string::npos) << "no data was loaded\n"
                                                                << result->err;
  EXPECT_EQ(result->err.find("frame #"), std::string::npos) << result->err;
  EXPECT_TRUE(fs::is_empty(dir / "ro"));
}

// A preset without a kind or a model, or with a misspelt section, is refused before any work,
// naming the file and what is wrong: it used to train the paper-size SEGAN of the defaults.
TEST(TrainCli, APresetWithoutKindOrModelOrWithAnUnknownSectionIsRefused) {
  test::TempDir dir;
  write_pairs(dir / "pairs", 1);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{}", "no \"kind\"; expected \"segan\""},
      {R"({"kind": "wavegan", "model": {}})", "\"kind\" \"wavegan\", expected \"segan\""},
      {R"({"kind": "segan"})", "no \"model\" object"},
      {R"({"kind": "segan", "modle": {"encoder_channels": [4]}, "model": {}})",
       "unknown key \"modle\""},
      // A value of the wrong type: nlohmann's message named neither the key nor the file.
      {R"({"kind": "segan", "model": {"window_samples": "big"}})",
       "model options (\"model\"): \"window_samples\" must be a number, got \"big\""},
      {R"({"kind": "segan", "model": {}, "train": {"batch_size": "x"}})",
       "training options (\"train\"): \"batch_size\" must be a number, got \"x\""}};
  for (const auto& [text, reason] : cases) {
    std::ofstream(dir / "e.json") << text;
    auto args = tiny_train(dir, dir / "pairs", dir / "run", "1");
    args[6] = (dir / "e.json").string();  // the value of --preset
    const auto result = run_cli(args);
    EXPECT_EQ(result.exit_code, 2) << text << "\n" << result.err;
    EXPECT_NE(result.err.find((dir / "e.json").string() + ": " + reason), std::string::npos)
        << result.err;
    EXPECT_EQ(result.err.find("parameters"), std::string::npos) << "nothing was built\n"
                                                                << result.err;
  }
  EXPECT_FALSE(fs::exists(dir / "run"));
}

TEST(TrainCli, ResumingARunOfTheOtherCommandNamesBothKinds) {
  test::TempDir dir;
  write_pairs(dir / "pairs", 2);
  ASSERT_EQ(run_cli(tiny_train(dir, dir / "pairs", dir / "run", "1")).exit_code, 0);

  // train-gen on a SEGAN run: the kinds, not the first key its options do not know.
  std::vector<std::string> gen = test::tiny_train_gen_run(dir);
  gen.insert(gen.end(), {"--resume", "--steps", "3"});
  auto refused = run_cli(gen);
  EXPECT_EQ(refused.exit_code, 3) << refused.err;
  EXPECT_NE(refused.err.find((dir / "run" / "last.pt").string() +
                             ": a 'segan' checkpoint, expected 'wavegan' or 'specgan'; resume a "
                             "SEGAN run with rawgan train --resume"),
            std::string::npos)
      << refused.err;
  EXPECT_EQ(refused.err.find("unknown key"), std::string::npos) << refused.err;

  // train on a train-gen run: the same, pointing the other way.
  test::TempDir gen_dir;
  ASSERT_EQ(run_cli(test::tiny_train_gen_run(gen_dir)).exit_code, 0);
  auto segan_args = tiny_train(dir, dir / "pairs", gen_dir / "run", "2");
  segan_args.push_back("--resume");
  auto reverse = run_cli(segan_args);
  EXPECT_EQ(reverse.exit_code, 3) << reverse.err;
  EXPECT_NE(reverse.err.find((gen_dir / "run" / "last.pt").string() +
                             ": a 'wavegan' checkpoint, expected 'segan'; resume a generation run "
                             "with rawgan train-gen --resume"),
            std::string::npos)
      << reverse.err;
}

// --resume names only the options given on its own command line that the checkpoint's
// settings replace, one line each: it used to compare the preset's defaults too, and warn
// about a seed and a batch size the user never gave.
TEST(TrainCli, ResumeWarnsOnlyAboutOptionsGivenThatItDoesNotApply) {
  test::TempDir dir;
  write_pairs(dir / "pairs", 2);
  auto train = [&](const char* steps, std::vector<std::string> extra) {
    auto args = tiny_train(dir, dir / "pairs", dir / "run", steps);
    args.push_back("--quiet");
    args.insert(args.end(), extra.begin(), extra.end());
    return run_cli(args);
  };
  ASSERT_EQ(train("1", {"--seed", "1", "--batch-size", "2"}).exit_code, 0);

  auto plain = train("2", {"--resume"});
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_EQ(plain.err.find("not applied"), std::string::npos) << plain.err;

  // The batch size it has is no change; another seed and optimiser are, each on its line.
  auto changed =
      train("3", {"--resume", "--seed", "7", "--optimizer", "adam", "--batch-size", "2"});
  ASSERT_EQ(changed.exit_code, 0) << changed.err;
  const std::string prefix = (dir / "run" / "last.pt").string() +
                             ": --resume continues with the checkpoint's settings; not applied: ";
  EXPECT_NE(changed.err.find(prefix + "--seed 7 (the checkpoint's: 1)\n"), std::string::npos)
      << changed.err;
  EXPECT_NE(changed.err.find(prefix + "--optimizer adam (the checkpoint's: rmsprop)\n"),
            std::string::npos)
      << changed.err;
  EXPECT_EQ(changed.err.find("--batch-size"), std::string::npos) << changed.err;
}

// The run's first line says what runs: on --resume the checkpoint's preset and precision, not
// those given on the command line (which the warnings after it name as not applied).
TEST(TrainCli, ResumeOpensWithTheCheckpointsPresetAndPrecision) {
  test::TempDir dir;
  write_pairs(dir / "pairs", 2);
  const auto args = tiny_train(dir, dir / "pairs", dir / "run", "1");
  ASSERT_EQ(run_cli(args).exit_code, 0);

  auto resume = tiny_train(dir, dir / "pairs", dir / "run", "2");
  *(std::find(resume.begin(), resume.end(), "--preset") + 1) = "segan-small";
  resume.insert(resume.end(), {"--resume", "--precision", "bf16"});
  auto resumed = run_cli(resume);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  const std::string first_line = resumed.err.substr(0, resumed.err.find('\n'));
  EXPECT_EQ(first_line.find("rawgan: preset " + (dir / "tiny.json").string() +
                            ", device cpu, precision fp32, "),
            0u)
      << resumed.err;
  EXPECT_NE(resumed.err.find("not applied: --precision bf16 (the checkpoint's: fp32)"),
            std::string::npos)
      << resumed.err;
}

TEST(TrainCli, ResumeWarnsWhenGivenOtherDataThanTheRunStartedWith) {
  test::TempDir dir;
  write_pairs(dir / "a", 2);
  write_pairs(dir / "b", 3);
  auto train = [&](const std::string& noisy, const std::string& clean, const char* steps,
                   bool resume) {
    auto args = tiny_train(dir, noisy, clean, dir / "run", steps);
    args.push_back("--quiet");
    if (resume) args.push_back("--resume");
    return run_cli(args);
  };
  const std::string a_noisy = (dir / "a" / "noisy").string(),
                    a_clean = (dir / "a" / "clean").string();
  ASSERT_EQ(train(a_noisy, a_clean, "1", false).exit_code, 0);

  // The same folders, named another way: no warning.
  auto same = train(a_noisy + "/", (dir / "b" / ".." / "a" / "clean").string(), "2", true);
  ASSERT_EQ(same.exit_code, 0) << same.err;
  EXPECT_EQ(same.err.find("other data"), std::string::npos) << same.err;

  // Other folders (past --quiet): each folder that changed and the count of pairs, and the
  // run goes on.
  const std::string b_noisy = (dir / "b" / "noisy").string(),
                    b_clean = (dir / "b" / "clean").string();
  auto other = train(b_noisy, b_clean, "3", true);
  ASSERT_EQ(other.exit_code, 0) << other.err;
  EXPECT_NE(other.err.find((dir / "run" / "last.pt").string() +
                           ": --resume is given other data than the run was trained on: "),
            std::string::npos)
      << other.err;
  EXPECT_NE(other.err.find("--clean " + b_clean + ", was " + a_clean), std::string::npos)
      << other.err;
  EXPECT_NE(other.err.find("--noisy " + b_noisy + ", was " + a_noisy), std::string::npos)
      << other.err;
  EXPECT_NE(other.err.find("3 pairs, was 2"), std::string::npos) << other.err;
  EXPECT_NE(other.out.find("trained 3 steps"), std::string::npos) << other.out;
}

TEST(TrainCli, ResumeOfARunAlreadyLongEnoughTrainsValidatesAndWritesNothing) {
  test::TempDir dir;
  write_pairs(dir / "pairs", 3);
  const fs::path run = dir / "run";
  auto train = [&](const char* steps, const char* validation_fraction, bool resume) {
    auto args = tiny_train(dir, dir / "pairs", run, steps, validation_fraction);
    args.push_back("--quiet");
    if (resume) args.push_back("--resume");
    return run_cli(args);
  };

  // A run without best.pt (as one stopped before its first validation leaves it).
  ASSERT_EQ(train("3", "0.34", false).exit_code, 0);
  fs::remove(run / "best.pt");
  auto done = train("2", "0.34", true);
  ASSERT_EQ(done.exit_code, 0) << done.err;
  EXPECT_EQ(done.out,
            "nothing trained: the run already has 3 of 2 steps, no validation ran; "
            "checkpoint " +
                (run / "last.pt").string() + " (no best.pt)\n");
  EXPECT_FALSE(fs::exists(run / "best.pt"));

  // With best.pt present it is left as it was, and no gain (-inf without validation) is shown.
  ASSERT_EQ(train("4", "0", true).exit_code, 0);
  ASSERT_TRUE(fs::exists(run / "best.pt"));
  const auto best_time = fs::last_write_time(run / "best.pt");
  auto again = train("4", "0", true);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("no validation ran; checkpoints " + (run / "last.pt").string() + ", " +
                           (run / "best.pt").string()),
            std::string::npos)
      << again.out;
  EXPECT_EQ(again.out.find("dB"), std::string::npos) << again.out;
  EXPECT_EQ(fs::last_write_time(run / "best.pt"), best_time);
}

TEST(TrainCli, UnpairedFoldersAndBadOptionsAreRefused) {
  RAWGAN_REQUIRE_SHARED_DATA(data);
  test::TempDir dir;
  auto unpaired =
      run_cli({"train", "--noisy", (data / "pairs/vbd-train/noisy").string(), "--clean",
               (data / "pairs/babble/clean").string(), "--preset", write_tiny_preset(dir).string(),
               "--out", (dir / "run").string(), "--steps", "1"});
  EXPECT_EQ(unpaired.exit_code, 3);
  EXPECT_NE(unpaired.err.find("p287_001"), std::string::npos) << unpaired.err;
  EXPECT_NE(unpaired.err.find("speech"), std::string::npos) << unpaired.err;
  EXPECT_FALSE(fs::exists(dir / "run")) << "a failed run leaves no empty --out folder";

  auto bad_preset =
      run_cli({"train", "--noisy", dir.path().string(), "--clean", dir.path().string(), "--preset",
               "no-such-preset", "--out", (dir / "run").string(), "--steps", "1"});
  EXPECT_EQ(bad_preset.exit_code, 2);
  EXPECT_NE(bad_preset.err.find("segan-small"), std::string::npos) << bad_preset.err;

  // Bad values name the option that was given.
  const std::vector<std::string> run = {"train",
                                        "--noisy",
                                        (data / "pairs/vbd-train/noisy").string(),
                                        "--clean",
                                        (data / "pairs/vbd-train/clean").string(),
                                        "--preset",
                                        write_tiny_preset(dir).string(),
                                        "--out",
                                        (dir / "run").string()};
  auto with = [&](std::vector<std::string> extra) {
    auto args = run;
    args.insert(args.end(), extra.begin(), extra.end());
    return run_cli(args);
  };
  auto no_steps = with({"--steps", "0"});
  EXPECT_EQ(no_steps.exit_code, 2);
  EXPECT_NE(no_steps.err.find("--steps: must be a positive integer, got '0'"), std::string::npos)
      << no_steps.err;
  // Past 2^63 - 1 the conversion capped the count without a word.
  auto huge = with({"--steps", "99999999999999999999"});
  EXPECT_EQ(huge.exit_code, 2);
  EXPECT_NE(huge.err.find("--steps: must be a positive integer of at most 9223372036854775807, "
                          "got '99999999999999999999'"),
            std::string::npos)
      << huge.err;
  auto largest = with({"--epochs", "9223372036854775808"});
  EXPECT_EQ(largest.exit_code, 2);
  EXPECT_NE(largest.err.find("--epochs: must be a positive integer of at most"), std::string::npos)
      << largest.err;
  auto bad_rate = with({"--steps", "1", "--learning-rate", "nan"});
  EXPECT_EQ(bad_rate.exit_code, 2);
  EXPECT_NE(bad_rate.err.find("--learning-rate"), std::string::npos) << bad_rate.err;
  auto bad_fraction = with({"--steps", "1", "--validation-fraction", "1"});
  EXPECT_EQ(bad_fraction.exit_code, 2);
  EXPECT_NE(bad_fraction.err.find("--validation-fraction"), std::string::npos) << bad_fraction.err;
  EXPECT_FALSE(fs::exists(dir / "run"));
}

TEST(TrainCli, OptionValuesOutOfRangeNameTheOptionAndTheValue) {
  test::TempDir dir;
  const std::vector<std::string> base = {"train",
                                         "--noisy",
                                         dir.path().string(),
                                         "--clean",
                                         dir.path().string(),
                                         "--out",
                                         (dir / "run").string()};
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"--nproc", "0"},         {"--batch-size", "0"},     {"--batch-size", "-2"},
      {"--batch-size", "1.5"},  {"--threads", "-1"},       {"--learning-rate", "nan"},
      {"--learning-rate", "0"}, {"--dist-timeout", "inf"}, {"--seed", "-1"},
      {"--steps", "0"},         {"--steps", "-1"},         {"--steps", "1.5"},
      {"--epochs", "0"},        {"--epochs", "-3"}};
  for (const auto& [option, value] : cases) {
    auto args = base;
    args.insert(args.end(), {option, value});
    auto result = run_cli(args);
    EXPECT_EQ(result.exit_code, 2) << option << " " << value;
    EXPECT_NE(result.err.find(option + ": must be"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("got '" + value + "'"), std::string::npos) << result.err;
    EXPECT_EQ(result.err.find("179769"), std::string::npos) << result.err;
  }
}

// train and train-gen refuse a run of no steps in the same words, at once (train used to load
// its preset first and say "the run needs a length: --steps N or --epochs N with N > 0").
TEST(TrainCli, StepsOfZeroAreRefusedInTheWordsOfTrainGen) {
  test::TempDir dir;
  auto segan = run_cli({"train", "--noisy", dir.path().string(), "--clean", dir.path().string(),
                        "--out", (dir / "run").string(), "--steps", "0"});
  auto gen = run_cli({"train-gen", "--clips", dir.path().string(), "--out", (dir / "run").string(),
                      "--steps", "0"});
  EXPECT_EQ(segan.exit_code, 2);
  EXPECT_EQ(gen.exit_code, 2);
  const std::string words = "rawgan: error: --steps: must be a positive integer, got '0'; see ";
  EXPECT_EQ(segan.err, words + "'rawgan train --help'\n");
  EXPECT_EQ(gen.err, words + "'rawgan train-gen --help'\n");
}

TEST(TrainCli, PrecisionAndLoaderThreadOptions) {
  RAWGAN_REQUIRE_SHARED_DATA(data);
  test::TempDir dir;
  const auto pairs = data / "pairs" / "vbd-train";
  auto args = [&](const std::string& run, const std::string& precision) {
    return std::vector<std::string>{"train",
                                    "--noisy",
                                    (pairs / "noisy").string(),
                                    "--clean",
                                    (pairs / "clean").string(),
                                    "--preset",
                                    write_tiny_preset(dir).string(),
                                    "--out",
                                    (dir / run).string(),
                                    "--device",
                                    "cpu",
                                    "--threads",
                                    "1",
                                    "--steps",
                                    "2",
                                    "--precision",
                                    precision,
                                    "--loader-threads",
                                    "0",
                                    "--quiet"};
  };
  auto bf16 = run_cli(args("bf16", "bf16"));
  ASSERT_EQ(bf16.exit_code, 0) << bf16.err;
  EXPECT_NE(bf16.out.find("trained 2 steps"), std::string::npos) << bf16.out;

  // Its generator enhances under bf16 autocast too; fp16 is refused on the CPU there as well.
  const auto input = (pairs / "noisy" / "p287_001.wav").string();
  const auto model = (dir / "bf16" / "last.pt").string();
  auto enhanced = run_cli({"enhance", "--model", model, "--device", "cpu", "--precision", "bf16",
                           "-o", (dir / "out.wav").string(), input, "--quiet"});
  ASSERT_EQ(enhanced.exit_code, 0) << enhanced.err;
  EXPECT_TRUE(fs::exists(dir / "out.wav"));
  auto enhanced_fp16 = run_cli({"enhance", "--model", model, "--device", "cpu", "--precision",
                                "fp16", "-o", (dir / "out16.wav").string(), input, "--quiet"});
  EXPECT_EQ(enhanced_fp16.exit_code, 2) << enhanced_fp16.err;

  // float16 needs CUDA's kernels and loss scaling: a usage error on the CPU, before any work.
  auto fp16 = run_cli(args("fp16", "fp16"));
  EXPECT_EQ(fp16.exit_code, 2);
  EXPECT_NE(fp16.err.find("--precision"), std::string::npos) << fp16.err;
  EXPECT_FALSE(fs::exists(dir / "fp16" / "last.pt"));

  // A count of loader threads no machine starts is refused naming the option, before any work
  // ("Resource temporarily unavailable", naming nothing, came from the thread that failed).
  auto many = args("many", "fp32");
  many[many.size() - 2] = "100000000";  // the value of --loader-threads
  auto refused = run_cli(many);
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("(--loader-threads) must be from 0 to 256, got 100000000"),
            std::string::npos)
      << refused.err;
  EXPECT_FALSE(fs::exists(dir / "many"));
}

}  // namespace
}  // namespace rawgan
