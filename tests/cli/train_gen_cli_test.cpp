// rawgan train-gen end to end on clips made in the test, with a tiny preset.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <utility>

#include "support/test_support.h"
#include "tiny_train_gen.h"

namespace rawgan::test {
namespace {

TEST(TrainGenCli, TrainsAndResumesATinyWaveGan) {
  TempDir dir;
  const std::vector<std::string> args = tiny_train_gen_run(dir);
  auto first = run_cli(args);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.out.find("steps 2"), std::string::npos) << first.out;
  EXPECT_NE(first.out.find("diversity_real_db"), std::string::npos) << first.out;
  EXPECT_TRUE(std::filesystem::exists(dir / "run" / "last.pt"));

  // The same folder again without --resume would overwrite a run: refused.
  EXPECT_EQ(run_cli(args).exit_code, 2);

  auto resumed_args = args;
  resumed_args.insert(resumed_args.end(), {"--resume", "--steps", "3"});
  auto resumed = run_cli(resumed_args);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.out.find("steps 3"), std::string::npos) << resumed.out;
  EXPECT_EQ(resumed.err.find("other data"), std::string::npos) << resumed.err;

  // Asking for fewer steps than the run has trains nothing and leaves last.pt as it is.
  const auto last = dir / "run" / "last.pt";
  const auto written = std::filesystem::last_write_time(last);
  auto finished_args = args;
  finished_args.insert(finished_args.end(), {"--resume", "--steps", "1"});
  auto finished = run_cli(finished_args);
  ASSERT_EQ(finished.exit_code, 0) << finished.err;
  EXPECT_NE(finished.err.find("nothing trained: the run already has 3 of 1 steps"),
            std::string::npos)
      << finished.err;
  EXPECT_EQ(finished.out.find("d_loss"), std::string::npos) << finished.out;
  EXPECT_EQ(std::filesystem::last_write_time(last), written);
}

// A resumed run whose metrics.csv was deleted starts a new one with its header (it wrote rows
// only); a folder in its place is named with the system's reason.
TEST(TrainGenCli, ResumeWithoutMetricsCsvWritesItsHeader) {
  TempDir dir;
  const std::vector<std::string> args = tiny_train_gen_run(dir);
  ASSERT_EQ(run_cli(args).exit_code, 0);
  const auto metrics = dir / "run" / "metrics.csv";
  std::filesystem::remove(metrics);
  auto resumed_args = args;
  resumed_args.insert(resumed_args.end(), {"--resume", "--steps", "3", "-q"});
  auto resumed = run_cli(resumed_args);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  std::ifstream in(metrics);
  std::string header, row, end;
  std::getline(in, header);
  std::getline(in, row);
  EXPECT_EQ(header.rfind("step,d_loss,g_loss,", 0), 0u) << header;
  EXPECT_EQ(row.rfind("3,", 0), 0u) << row;
  EXPECT_FALSE(std::getline(in, end)) << end;

  std::filesystem::remove(metrics);
  std::filesystem::create_directory(metrics);
  resumed_args[resumed_args.size() - 2] = "4";  // the value of --steps
  auto blocked = run_cli(resumed_args);
  EXPECT_EQ(blocked.exit_code, 4);
  EXPECT_NE(blocked.err.find("metrics.csv: cannot open for writing (Is a directory)"),
            std::string::npos)
      << blocked.err;
}

// --resume continues with the checkpoint's settings; each option given that it does not apply
// is named on its own line, as train does (train-gen used to ignore them silently), and
// options not given or given the checkpoint's value are not.
TEST(TrainGenCli, ResumeWarnsAboutEachOptionGivenThatItDoesNotApply) {
  TempDir dir;
  const std::vector<std::string> args = tiny_train_gen_run(dir);
  auto started = args;
  started.insert(started.end(), {"--seed", "3"});
  ASSERT_EQ(run_cli(started).exit_code, 0);

  auto plain = args;
  plain.insert(plain.end(), {"--resume", "--steps", "3", "--quiet"});
  auto quiet = run_cli(plain);
  ASSERT_EQ(quiet.exit_code, 0) << quiet.err;
  EXPECT_EQ(quiet.err.find("not applied"), std::string::npos) << quiet.err;

  // A preset with a wider model; the batch size of 4 is the checkpoint's own.
  std::ofstream(dir / "wide.json") << R"({"kind": "wavegan",
    "model": {"model_size": 4, "latent_dim": 8}, "train": {"batch_size": 4}})";
  auto changed_args = args;
  changed_args[4] = (dir / "wide.json").string();  // the value of --preset
  changed_args.insert(changed_args.end(),
                      {"--resume", "--steps", "4", "--quiet", "--loss", "lsgan", "--lr", "0.5",
                       "--n-critic", "1", "--seed", "9", "--batch-size", "4"});
  auto changed = run_cli(changed_args);
  ASSERT_EQ(changed.exit_code, 0) << changed.err;
  EXPECT_NE(changed.out.find("steps 4"), std::string::npos) << changed.out;
  const std::string prefix = (dir / "run" / "last.pt").string() +
                             ": --resume continues with the checkpoint's settings; not applied: ";
  for (const std::string& line : {"--preset " + (dir / "wide.json").string() +
                                      " (the checkpoint's: " + (dir / "tiny.json").string() + ")",
                                  std::string("--loss lsgan (the checkpoint's: wgan-gp)"),
                                  std::string("--lr 0.5 (the checkpoint's: 0.0001)"),
                                  std::string("--n-critic 1 (the checkpoint's: 2)"),
                                  std::string("--seed 9 (the checkpoint's: 3)")})
    EXPECT_NE(changed.err.find(prefix + line + "\n"), std::string::npos) << line << "\n"
                                                                         << changed.err;
  EXPECT_EQ(changed.err.find("--batch-size"), std::string::npos) << changed.err;
}

TEST(TrainGenCli, ResumeOnAnotherClipFolderWarnsNamingItAndTheFileCount) {
  TempDir dir;
  const std::vector<std::string> args = tiny_train_gen_run(dir);
  ASSERT_EQ(run_cli(args).exit_code, 0);
  const auto clips = dir / "clips";
  const auto more = dir / "more";
  make_clips(more);
  audio::write(more / "extra.wav", sine(900.0, 22050, 9000));

  auto resumed_args = args;
  resumed_args[2] = more.string();  // the value of --clips
  resumed_args.insert(resumed_args.end(), {"--resume", "--steps", "3", "--quiet"});
  auto resumed = run_cli(resumed_args);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.err.find("--resume is given other data than the run was trained on: --clips " +
                             more.string() + ", was " + clips.string() + "; 5 files, was 4"),
            std::string::npos)
      << resumed.err;
  EXPECT_NE(resumed.out.find("steps 3"), std::string::npos) << resumed.out;
}

// A run folder the user cannot write in fails before the clips are read, naming the folder and
// the system's reason, instead of at the first checkpoint.
TEST(TrainGenCli, ARunFolderThatTakesNoFilesFailsBeforeTraining) {
  namespace fs = std::filesystem;
  TempDir dir;
  const std::vector<std::string> args = tiny_train_gen_run(dir);  // into dir/run
  fs::create_directories(dir / "run");
  // The user the test runs as reads the inputs; the run folder is read-only.
  fs::permissions(dir.path(), fs::perms::all & ~fs::perms::group_write & ~fs::perms::others_write);
  fs::permissions(dir / "run", fs::perms::all & ~fs::perms::owner_write & ~fs::perms::group_write &
                                   ~fs::perms::others_write);
  auto result = run_cli_unprivileged(args);
  if (!result)
    GTEST_SKIP() << "root without setpriv, or nobody cannot run the build: permissions untested";
  EXPECT_EQ(result->exit_code, 4) << result->err;
  EXPECT_NE(result->err.find((dir / "run").string() +
                             ": cannot write in the run folder (Permission denied)"),
            std::string::npos)
      << result->err;
  EXPECT_EQ(result->err.find("diversity of the real clips"), std::string::npos)
      << "no clips were loaded\n"
      << result->err;
  EXPECT_TRUE(fs::is_empty(dir / "run"));
}

// A preset without a kind, or with a misspelt section, is refused naming the file and the key.
TEST(TrainGenCli, APresetWithoutKindOrWithAnUnknownSectionIsRefused) {
  TempDir dir;
  auto args = tiny_train_gen_run(dir);
  args[4] = (dir / "e.json").string();  // the value of --preset
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{}", "no \"kind\"; expected \"wavegan\" or \"specgan\""},
      {R"({"kind": "wavegan", "model": {}, "trian": {"steps": 1}})", "unknown key \"trian\""},
      // A misspelt training option: the default loss would have trained without a word.
      {R"({"kind": "wavegan", "model": {}, "train": {"los": "hinge"}})",
       "training options (\"train\"): unknown key(s) los; known: "},
      // Values of the wrong type: nlohmann's message named neither the key nor the file, and
      // the exit code was 4.
      {R"({"kind": "wavegan", "model": {"model_size": "x"}})",
       "model options (\"model\"): \"model_size\" must be a number, got \"x\""},
      {R"({"kind": "specgan", "model": {"latent_dim": [1]}})",
       "model options (\"model\"): \"latent_dim\" must be a number, got [1]"},
      {R"({"kind": "wavegan", "model": {}, "train": {"batch_size": "x"}})",
       "training options (\"train\"): \"batch_size\" must be a number, got \"x\""}};
  for (const auto& [text, reason] : cases) {
    std::ofstream(dir / "e.json") << text;
    const auto result = run_cli(args);
    EXPECT_EQ(result.exit_code, 2) << text << "\n" << result.err;
    EXPECT_NE(result.err.find((dir / "e.json").string() + ": " + reason), std::string::npos)
        << result.err;
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "run"));
}

TEST(TrainGenCli, EmptyFolderAndUnknownLossAreReported) {
  TempDir dir;
  std::filesystem::create_directories(dir / "empty");
  std::ofstream(dir / "tiny.json") << kTinyWaveGanPreset;
  auto empty = run_cli({"train-gen", "--clips", (dir / "empty").string(), "--preset",
                        (dir / "tiny.json").string(), "--out", (dir / "run").string()});
  EXPECT_EQ(empty.exit_code, 3);
  EXPECT_NE(empty.err.find("no audio files"), std::string::npos) << empty.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "run")) << "a failed run leaves no empty --out folder";

  make_clips(dir / "clips");
  auto loss = run_cli({"train-gen", "--clips", (dir / "clips").string(), "--preset",
                       (dir / "tiny.json").string(), "--out", (dir / "run2").string(), "--loss",
                       "wasserstein"});
  EXPECT_EQ(loss.exit_code, 2);
  EXPECT_NE(loss.err.find("wgan-gp"), std::string::npos) << loss.err;
}

// Unreadable clips are skipped and summed up in one warning, and the run goes on with the
// others (exit 0); a folder of nothing but unreadable files trains nothing and exits 3.
TEST(TrainGenCli, UnreadableClipsAreSummedUpAndAFolderOfOnlyThemIsBadInput) {
  TempDir dir;
  std::vector<std::string> args = tiny_train_gen_run(dir);
  for (const char* name : {"bad1.wav", "bad2.wav"})
    std::ofstream(dir / "clips" / name) << "not audio";
  auto some = run_cli(args);
  ASSERT_EQ(some.exit_code, 0) << some.err;
  EXPECT_NE(some.err.find("2 of 6 files skipped as unreadable (the others are used); the first: " +
                          (dir / "clips" / "bad1.wav").string()),
            std::string::npos)
      << some.err;
  EXPECT_EQ(some.err.find("bad2.wav"), std::string::npos) << some.err;

  std::filesystem::create_directories(dir / "bad");
  std::ofstream(dir / "bad" / "x.flac") << "not audio";
  args[2] = (dir / "bad").string();
  args[6] = (dir / "run2").string();
  auto none = run_cli(args);
  EXPECT_EQ(none.exit_code, 3) << none.err;
  EXPECT_NE(none.err.find((dir / "bad").string() +
                          ": no usable audio: none of its 1 audio files could be read"),
            std::string::npos)
      << none.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "run2" / "last.pt"));
}

// A folder of digital silence used to train on zeros without a word: it is bad input now,
// naming the folder. A single one-sample clip trains (padded to a clip), with a warning that
// says how short it is.
TEST(TrainGenCli, SilentClipsAreBadInputAndAFarShortClipIsWarnedAbout) {
  TempDir dir;
  std::vector<std::string> args = tiny_train_gen_run(dir);
  std::filesystem::create_directories(dir / "silent");
  for (const char* name : {"a.wav", "b.wav"})
    audio::write(dir / "silent" / name, audio::Audio{std::vector<float>(4000, 0.0f), 16000, 1});
  args[2] = (dir / "silent").string();
  auto silent = run_cli(args);
  EXPECT_EQ(silent.exit_code, 3) << silent.err;
  EXPECT_NE(silent.err.find((dir / "silent").string() +
                            ": no usable audio: its 2 audio files are all digital silence"),
            std::string::npos)
      << silent.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "run" / "last.pt"));

  std::filesystem::create_directories(dir / "one");
  audio::write(dir / "one" / "click.wav", audio::Audio{{0.5f}, 16000, 1});
  args[2] = (dir / "one").string();
  auto one = run_cli(args);
  EXPECT_EQ(one.exit_code, 0) << one.err;
  EXPECT_NE(one.err.find("1 of 1 files shorter than 1024 samples (64 ms at 16000 Hz, a 16th of "
                         "a clip), each padded with silence to one 16384-sample clip: " +
                         (dir / "one" / "click.wav").string() + " (1 sample)"),
            std::string::npos)
      << one.err;
}

// BEGAN's discriminator is an autoencoder of WaveGAN's layers: with SpecGAN it is refused
// before any data is read, naming where it was asked for; train (SEGAN) takes no --loss at
// all and says so; the help says which models take began.
TEST(TrainGenCli, BeganIsRefusedWhereItDoesNotApply) {
  TempDir dir;
  make_clips(dir / "clips");
  auto specgan = run_cli({"train-gen", "--clips", (dir / "clips").string(), "--preset",
                          "specgan-small", "--out", (dir / "run").string(), "--loss", "began"});
  EXPECT_EQ(specgan.exit_code, 2);
  EXPECT_NE(specgan.err.find("--loss began: BEGAN works with WaveGAN presets only"),
            std::string::npos)
      << specgan.err;
  EXPECT_NE(specgan.err.find("not with specgan (preset specgan-small)"), std::string::npos)
      << specgan.err;

  std::ofstream(dir / "began.json")
      << R"({"kind": "specgan", "model": {}, "train": {"loss": "began"}})";
  auto preset = run_cli({"train-gen", "--clips", (dir / "clips").string(), "--preset",
                         (dir / "began.json").string(), "--out", (dir / "run").string()});
  EXPECT_EQ(preset.exit_code, 2);
  EXPECT_NE(preset.err.find((dir / "began.json").string() +
                            ": \"loss\": \"began\": BEGAN works with WaveGAN presets only"),
            std::string::npos)
      << preset.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "run" / "last.pt"));

  auto segan = run_cli({"train", "--noisy", dir.path().string(), "--clean", dir.path().string(),
                        "--out", (dir / "segan").string(), "--loss", "began"});
  EXPECT_EQ(segan.exit_code, 2);
  EXPECT_NE(segan.err.find("--loss: train trains SEGAN with its own least-squares GAN loss"),
            std::string::npos)
      << segan.err;
  EXPECT_NE(segan.err.find("is train-gen's"), std::string::npos) << segan.err;

  auto help = run_cli({"train-gen", "--help"});
  EXPECT_NE(help.out.find("began: WaveGAN presets only"), std::string::npos) << help.out;
}

TEST(TrainGenCli, OverridesOutOfRangeAreUsageErrorsNotThePresetsValues) {
  TempDir dir;
  const std::vector<std::string> base = tiny_train_gen_run(dir);
  const std::vector<std::pair<std::string, std::string>> cases = {{"--steps", "0"},
                                                                  {"--steps", "-1"},
                                                                  {"--batch-size", "0"},
                                                                  {"--lr", "nan"},
                                                                  {"--lr", "-1"},
                                                                  {"--lr", "0"},
                                                                  {"--n-critic", "0"},
                                                                  {"--minutes", "-1"},
                                                                  {"--minutes", "0"},
                                                                  {"--minutes", "inf"},
                                                                  {"--checkpoint-every", "0"},
                                                                  {"--diversity-every", "0"},
                                                                  {"--seed", "-2"},
                                                                  {"--threads", "-1"}};
  for (const auto& [option, value] : cases) {
    auto args = base;
    args.insert(args.end(), {option, value});
    auto result = run_cli(args);
    EXPECT_EQ(result.exit_code, 2) << option << " " << value << "\n" << result.err;
    EXPECT_NE(result.err.find(option + ": must be"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("got '" + value + "'"), std::string::npos) << result.err;
  }
  // Nothing was trained.
  EXPECT_FALSE(std::filesystem::exists(dir / "run" / "last.pt"));
}

}  // namespace
}  // namespace rawgan::test
