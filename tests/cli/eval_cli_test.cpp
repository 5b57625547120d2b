// rawgan eval end to end: the table, the JSON, resampled systems and the exit codes.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>

#include "rawgan/audio/audio.h"
#include "support/test_support.h"

namespace rawgan {
namespace {

using test::run_cli;

audio::Audio add(const audio::Audio& a, const audio::Audio& b) {
  audio::Audio out = a;
  for (size_t i = 0; i < out.samples.size(); ++i)
    out.samples[i] += b.samples[i];
  return out;
}

// clean/{x,sub/y}.wav, perfect/ (copies) and noisy/ (clean plus noise), all at 16 kHz, 2 s.
struct Folders {
  test::TempDir dir;
  Folders() {
    for (const std::string name : {"x.wav", "sub/y.wav"}) {
      const uint32_t seed = name.size();
      audio::Audio clean = test::sine(300 + 100 * seed, 16000, 32000, 0.3f);
      audio::write(dir / "clean" / name, clean, audio::SampleFormat::kFloat32);
      audio::write(dir / "perfect" / name, clean, audio::SampleFormat::kFloat32);
      audio::write(dir / "noisy" / name, add(clean, test::white_noise(16000, 32000, 0.1f, seed)),
                   audio::SampleFormat::kFloat32);
    }
  }
  std::string operator()(const std::string& name) const { return (dir / name).string(); }
};

TEST(EvalCli, TableAndJsonForSeveralSystems) {
  Folders f;
  auto result = run_cli({"eval", "--clean", f("clean"), "--system", "perfect=" + f("perfect"),
                         "--system", "noisy=" + f("noisy"), "--json", f("report.json"), "-q"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  // Header plus one row per system, in the order given.
  EXPECT_NE(result.out.find("system"), std::string::npos) << result.out;
  for (const std::string metric : {"snr", "ssnr", "si_sdr", "lsd", "stoi", "estoi"})
    EXPECT_NE(result.out.find(metric), std::string::npos) << metric;
  const size_t perfect_row = result.out.find("perfect");
  const size_t noisy_row = result.out.find("noisy");
  ASSERT_NE(perfect_row, std::string::npos);
  ASSERT_NE(noisy_row, std::string::npos);
  EXPECT_LT(perfect_row, noisy_row);

  std::ifstream in(f("report.json"));
  const nlohmann::json json = nlohmann::json::parse(in);
  const auto& perfect = json["systems"]["perfect"];
  const auto& noisy = json["systems"]["noisy"];
  EXPECT_EQ(perfect["n_files"], 2);
  EXPECT_EQ(noisy["files"].size(), 2u);
  ASSERT_TRUE(noisy["files"].contains("sub/y"));
  // Identical files: infinite SNR (null in JSON), segmental SNR at its 35 dB ceiling, STOI 1.
  EXPECT_TRUE(perfect["files"]["x"]["snr"].is_null());
  EXPECT_DOUBLE_EQ(perfect["mean"]["ssnr"].get<double>(), 35.0);
  EXPECT_NEAR(perfect["mean"]["stoi"].get<double>(), 1.0, 1e-6);
  // Noise lowers every quality metric and raises the spectral distance.
  EXPECT_LT(noisy["mean"]["ssnr"].get<double>(), 35.0);
  EXPECT_LT(noisy["mean"]["stoi"].get<double>(), 1.0);
  EXPECT_GT(noisy["mean"]["lsd"].get<double>(), 0.0);
  EXPECT_TRUE(json["problems"].empty());
}

TEST(EvalCli, JsonThatWouldOverwriteAnInputOrIsNamedLikeAudioIsRefused) {
  Folders f;
  const auto before = audio::read(f("clean/x.wav"));
  auto eval = [&](const std::string& json) {
    return run_cli(
        {"eval", "--clean", f("clean"), "--system", "a=" + f("perfect"), "--json", json});
  };

  // A reference as the report: refused for its extension before anything is computed.
  auto reference = eval(f("clean/x.wav"));
  EXPECT_EQ(reference.exit_code, 2) << reference.err;
  EXPECT_NE(reference.err.find("--json " + f("clean/x.wav") +
                               ": expected a file for the report, got a name ending in .wav"),
            std::string::npos)
      << reference.err;
  EXPECT_EQ(reference.out.find("system"), std::string::npos) << reference.out;
  EXPECT_EQ(audio::read(f("clean/x.wav")).samples, before.samples);

  // A system's file reached through a link of another name, and an existing folder.
  std::filesystem::create_symlink(f("perfect/sub/y.wav"), f("report.json"));
  auto linked = eval(f("report.json"));
  EXPECT_EQ(linked.exit_code, 2) << linked.err;
  EXPECT_NE(linked.err.find("--json " + f("report.json") + ": would overwrite the input " +
                            f("perfect/sub/y.wav")),
            std::string::npos)
      << linked.err;
  EXPECT_EQ(audio::read(f("perfect/sub/y.wav")).samples, audio::read(f("clean/sub/y.wav")).samples);
  auto folder = eval(f("clean"));
  EXPECT_EQ(folder.exit_code, 2) << folder.err;
  EXPECT_NE(folder.err.find("--json " + f("clean") + ": is a folder"), std::string::npos)
      << folder.err;

  // Any other existing file that is not a report, such as a checkpoint, is kept; an earlier
  // report is replaced.
  std::ofstream(f("best.pt"), std::ios::binary) << "PK\x03\x04 checkpoint bytes";
  auto checkpoint = eval(f("best.pt"));
  EXPECT_EQ(checkpoint.exit_code, 2) << checkpoint.err;
  EXPECT_NE(checkpoint.err.find("exists and is not a JSON report"), std::string::npos)
      << checkpoint.err;
  std::ifstream kept(f("best.pt"), std::ios::binary);
  std::string first;
  std::getline(kept, first);
  EXPECT_EQ(first.rfind("PK", 0), 0u) << first;
  // JSON that rawgan did not write as a report, such as a preset, is kept too.
  const std::string preset = "{\"kind\": \"segan\", \"model\": {}}\n";
  std::ofstream(f("mypreset.json")) << preset;
  auto other = eval(f("mypreset.json"));
  EXPECT_EQ(other.exit_code, 2) << other.err;
  EXPECT_NE(other.err.find("exists and is not a JSON report written by rawgan"), std::string::npos)
      << other.err;
  std::ifstream kept_preset(f("mypreset.json"));
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(kept_preset), {}), preset);
  // An earlier report is replaced, and the new one is marked as eval's.
  ASSERT_EQ(eval(f("old.json")).exit_code, 0);
  std::ofstream(f("old.json"), std::ios::app) << "\n";
  EXPECT_EQ(eval(f("old.json")).exit_code, 0);
  std::ifstream replaced(f("old.json"));
  EXPECT_EQ(nlohmann::json::parse(replaced).at("rawgan_report"), "rawgan eval");
}

TEST(EvalCli, InfiniteSnrOfIdenticalFilesIsAValueNotALeftOutOne) {
  Folders f;
  const std::string report = f("report.json");
  auto result = run_cli(
      {"eval", "--clean", f("clean"), "--system", "same=" + f("perfect"), "--json", report});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.err.find("not computed"), std::string::npos) << result.err;
  EXPECT_EQ(result.err.find("same: snr"), std::string::npos) << result.err;
  // The row: name, file count, then snr's mean, +inf with no deviation.
  const size_t row = result.out.find("same");
  ASSERT_NE(row, std::string::npos) << result.out;
  std::istringstream cells(result.out.substr(row));
  std::string name, n_files, snr;
  cells >> name >> n_files >> snr;
  EXPECT_EQ(snr, "inf") << result.out;

  // The JSON says the same: both files counted, the mean null and marked +inf, no deviation.
  std::ifstream in(report);
  const nlohmann::json same = nlohmann::json::parse(in)["systems"]["same"];
  EXPECT_EQ(same["n_computed"]["snr"], 2);
  ASSERT_TRUE(same["mean"].contains("snr"));
  EXPECT_TRUE(same["mean"]["snr"].is_null());
  EXPECT_EQ(same["infinite_mean"]["snr"], "+inf");
  EXPECT_FALSE(same["std"].contains("snr"));
  EXPECT_FALSE(same["files"]["x"].contains("not_computed"));
  EXPECT_TRUE(same["files"]["x"]["snr"].is_null());
  EXPECT_EQ(same["files"]["x"]["infinite"]["snr"], "+inf");
  // Finite values are numbers, with no marks.
  EXPECT_TRUE(same["files"]["x"]["lsd"].is_number());
  EXPECT_FALSE(same["files"]["x"]["infinite"].contains("lsd"));
}

// An all-zero output has no projection on the reference: SI-SDR is -inf, which the JSON must
// not write like the +inf of an exact output.
TEST(EvalCli, MinusInfinityIsMarkedApartFromPlusInfinityInTheJson) {
  Folders f;
  for (const char* name : {"x", "sub/y"}) {
    const audio::Audio reference = audio::read(f("clean/") + name + ".wav");
    audio::write(f("zeros/") + name + ".wav",
                 audio::Audio{std::vector<float>(reference.samples.size(), 0.0f),
                              reference.sample_rate_hz, reference.n_channels});
  }
  const std::string report = f("report.json");
  auto result = run_cli({"eval", "--clean", f("clean"), "--system", "zeros=" + f("zeros"),
                         "--system", "same=" + f("perfect"), "--json", report});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  std::ifstream in(report);
  const nlohmann::json systems = nlohmann::json::parse(in)["systems"];
  EXPECT_TRUE(systems["zeros"]["files"]["x"]["si_sdr"].is_null());
  EXPECT_EQ(systems["zeros"]["files"]["x"]["infinite"]["si_sdr"], "-inf");
  EXPECT_EQ(systems["zeros"]["infinite_mean"]["si_sdr"], "-inf");
  EXPECT_EQ(systems["same"]["infinite_mean"]["si_sdr"], "+inf");
}

TEST(EvalCli, OnlyLsdIsComputedForADigitallySilentReference) {
  test::TempDir dir;
  // 2 s, long enough for 30 STOI frames, but with no frame of sound.
  const audio::Audio silence{std::vector<float>(32000, 0.0f), 16000, 1};
  audio::write(dir / "clean/quiet.wav", silence, audio::SampleFormat::kFloat32);
  audio::write(dir / "sys/quiet.wav", test::white_noise(16000, 32000, 0.1f, 3),
               audio::SampleFormat::kFloat32);
  const std::string report = (dir / "report.json").string();
  auto result = run_cli({"eval", "--clean", (dir / "clean").string(), "--system",
                         "sys=" + (dir / "sys").string(), "--json", report});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.err.find((dir / "clean/quiet.wav").string() +
                            ": stoi is not computed: digital silence: none of its frames is "
                            "above the silence threshold, fewer than the 30 it needs"),
            std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find("sys: estoi is not computed for any file (shown as -)"),
            std::string::npos)
      << result.err;

  std::ifstream in(report);
  const nlohmann::json sys = nlohmann::json::parse(in)["systems"]["sys"];
  // Nor are SNR, SI-SDR and segmental SNR: there is no signal to set the noise against, and a
  // -inf would swamp the mean.
  EXPECT_NE(result.err.find((dir / "clean/quiet.wav").string() +
                            ": snr is not computed: digital silence: no signal to set noise "
                            "against"),
            std::string::npos)
      << result.err;
  const auto& not_computed = sys["files"]["quiet"]["not_computed"];
  for (const char* metric : {"snr", "ssnr", "si_sdr", "stoi", "estoi"}) {
    EXPECT_NE(std::find(not_computed.begin(), not_computed.end(), metric), not_computed.end())
        << metric << " in " << not_computed.dump();
    EXPECT_EQ(sys["n_computed"][metric], 0) << metric;
    EXPECT_FALSE(sys["mean"].contains(metric)) << metric;
  }
}

TEST(EvalCli, ResamplesSystemsAtOtherRates) {
  Folders f;
  for (const std::string name : {"x.wav", "sub/y.wav"})
    audio::write(f.dir / "at8k" / name, audio::resample(audio::read(f("noisy/" + name)), 8000));
  auto result = run_cli({"eval", "--clean", f("clean"), "--system", "low=" + f("at8k"), "-q"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("low"), std::string::npos) << result.out;
}

// Resampling and downmixing change what is compared: each is said once per set, with a count
// and the first file (they were silent, or a line per file at --verbose).
TEST(EvalCli, ResampledAndDownmixedFilesAreSaidOncePerSet) {
  Folders f;
  for (const std::string name : {"x.wav", "sub/y.wav"}) {
    audio::write(f.dir / "at8k" / name, audio::resample(audio::read(f("noisy/" + name)), 8000));
    const audio::Audio mono = audio::read(f("noisy/" + name));
    audio::Audio stereo{{}, mono.sample_rate_hz, 2};
    for (float sample : mono.samples)
      stereo.samples.insert(stereo.samples.end(), {sample, sample});
    audio::write(f.dir / "stereo" / name, stereo, audio::SampleFormat::kFloat32);
  }
  auto result = run_cli({"eval", "--clean", f("clean"), "--system", "low=" + f("at8k"), "--system",
                         "wide=" + f("stereo"), "--system", "same=" + f("perfect")});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.err.find("low: 2 file(s) at another rate than their references, resampled to "
                            "the reference's rate before comparing; the first: " +
                            f("at8k/") + "sub/y.wav (8000 Hz, its reference 16000 Hz)"),
            std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find("wide: 2 file(s) of several channels, averaged to mono; the first: " +
                            f("stereo/") + "sub/y.wav (2 channels)"),
            std::string::npos)
      << result.err;
  EXPECT_EQ(result.err.find("same:"), std::string::npos) << result.err;
  EXPECT_EQ(result.err.find("clean:"), std::string::npos) << result.err;
  EXPECT_EQ(result.err.find("low: 2 file(s) of several"), std::string::npos) << result.err;
}

TEST(EvalCli, MissingUnmatchedAndMismatchedFilesExitWithThree) {
  Folders f;
  std::filesystem::remove(f.dir / "noisy/x.wav");
  audio::write(f.dir / "noisy/extra.wav", test::sine(300, 16000, 100));
  auto result = run_cli({"eval", "--clean", f("clean"), "--system", "noisy=" + f("noisy")});
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_NE(result.err.find("missing x"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("extra.wav has no clean reference"), std::string::npos) << result.err;
  EXPECT_NE(result.out.find("noisy"), std::string::npos);  // the table still shows y

  // A length far from the reference's is refused, naming both files.
  audio::write(f.dir / "short/x.wav", test::sine(300, 16000, 16000));
  audio::write(f.dir / "short/sub/y.wav", audio::read(f("clean/sub/y.wav")));
  auto mismatch = run_cli({"eval", "--clean", f("clean"), "--system", "short=" + f("short")});
  EXPECT_EQ(mismatch.exit_code, 3);
  EXPECT_NE(mismatch.err.find("short/x.wav lasts 1.000 s"), std::string::npos) << mismatch.err;
  EXPECT_NE(mismatch.err.find("clean/x.wav lasts 2.000 s"), std::string::npos) << mismatch.err;

  // An unreadable reference is listed and skipped; the other pairs are still evaluated.
  std::ofstream(f.dir / "clean/broken.wav") << "not audio";
  auto broken = run_cli({"eval", "--clean", f("clean"), "--system", "perfect=" + f("perfect")});
  EXPECT_EQ(broken.exit_code, 3);
  EXPECT_NE(broken.err.find("broken.wav"), std::string::npos) << broken.err;
  EXPECT_NE(broken.out.find("perfect"), std::string::npos) << broken.out;

  EXPECT_EQ(run_cli({"eval", "--clean", f("clean"), "--system", "noname"}).exit_code, 2);
  EXPECT_EQ(run_cli({"eval", "--clean", f("nothing"), "--system", "a=" + f("clean")}).exit_code, 3);
}

TEST(EvalCli, MetricsAFileIsTooShortForAreWarnedAboutAndLeftOut) {
  test::TempDir dir;
  // A 3-sample pair beside a 1 s one; float32 keeps the samples exact.
  const audio::Audio tiny{{0.1f, -0.2f, 0.3f}, 16000, 1};
  const audio::Audio tiny_processed{{0.1f, -0.1f, 0.3f}, 16000, 1};
  const audio::Audio clean = test::sine(300, 16000, 16000, 0.3f);
  audio::write(dir / "clean/tiny.wav", tiny, audio::SampleFormat::kFloat32);
  audio::write(dir / "sys/tiny.wav", tiny_processed, audio::SampleFormat::kFloat32);
  audio::write(dir / "clean/long.wav", clean, audio::SampleFormat::kFloat32);
  audio::write(dir / "sys/long.wav", add(clean, test::white_noise(16000, 16000, 0.05f, 1)),
               audio::SampleFormat::kFloat32);

  const std::string report = (dir / "report.json").string();
  auto result = run_cli({"eval", "--clean", (dir / "clean").string(), "--system",
                         "sys=" + (dir / "sys").string(), "--json", report, "-q"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  // Segmental SNR needs a 30 ms frame and a 7.5 ms hop (480 + 120 samples at 16 kHz), LSD one
  // 32 ms frame (512); the warnings name the reference, its length and the minimum.
  const std::string tiny_path = (dir / "clean/tiny.wav").string();
  EXPECT_NE(result.err.find(tiny_path +
                            ": ssnr is not computed: 3 samples at 16000 Hz, fewer than the 600 "
                            "it needs"),
            std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find(tiny_path + ": stoi is not computed: 3 samples"), std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find(tiny_path + ": estoi is not computed"), std::string::npos)
      << result.err;
  EXPECT_NE(result.err.find(tiny_path + ": lsd means little: 3 samples at 16000 Hz, fewer than "
                                        "the 512 it needs"),
            std::string::npos)
      << result.err;
  EXPECT_EQ(result.err.find("long.wav"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("sys: ssnr is over 1 of 2 files (not computed for 1, as warned above)"),
            std::string::npos)
      << result.err;

  // The JSON lists what was not computed instead of a value (null means +inf there), and the
  // means are over the files that have one.
  std::ifstream in(report);
  const nlohmann::json json = nlohmann::json::parse(in);
  const auto& sys = json["systems"]["sys"];
  const auto& tiny_values = sys["files"]["tiny"];
  EXPECT_EQ(tiny_values["not_computed"], nlohmann::json({"ssnr", "stoi", "estoi"}));
  EXPECT_FALSE(tiny_values.contains("ssnr"));
  EXPECT_TRUE(tiny_values["snr"].is_number());
  EXPECT_TRUE(tiny_values["lsd"].is_number());
  EXPECT_FALSE(sys["files"]["long"].contains("not_computed"));
  EXPECT_EQ(sys["n_computed"]["ssnr"], 1);
  EXPECT_EQ(sys["n_computed"]["snr"], 2);
  EXPECT_DOUBLE_EQ(sys["mean"]["stoi"].get<double>(), sys["files"]["long"]["stoi"].get<double>());

  // Only the tiny pair: no value at all, shown as "-" and left out of the JSON's means.
  std::filesystem::remove(dir / "clean/long.wav");
  std::filesystem::remove(dir / "sys/long.wav");
  auto alone = run_cli({"eval", "--clean", (dir / "clean").string(), "--system",
                        "sys=" + (dir / "sys").string(), "--json", report, "-q"});
  ASSERT_EQ(alone.exit_code, 0) << alone.err;
  EXPECT_NE(alone.err.find("sys: ssnr is not computed for any file (shown as -)"),
            std::string::npos)
      << alone.err;
  std::ifstream again(report);
  const nlohmann::json alone_json = nlohmann::json::parse(again);
  EXPECT_EQ(alone_json["systems"]["sys"]["n_computed"]["stoi"], 0);
  EXPECT_FALSE(alone_json["systems"]["sys"]["mean"].contains("stoi"));
  EXPECT_TRUE(alone_json["systems"]["sys"]["mean"]["snr"].is_number());
}

}  // namespace
}  // namespace rawgan
