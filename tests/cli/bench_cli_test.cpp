// End-to-end test of `rawgan bench` at tiny sizes.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/test_support.h"

namespace rawgan::test {
namespace {

namespace fs = std::filesystem;

TEST(BenchCli, RunsTinyPresetAndWritesValidJson) {
  TempDir work;
  std::ofstream(work / "tiny.json") << R"({"kind": "segan", "model": {"sample_rate_hz": 8000,
    "window_samples": 512, "kernel_size": 31, "encoder_channels": [4, 8]}})";
  const CliResult result =
      run_cli({"bench", "--preset", (work / "tiny.json").string(), "--device", "cpu", "--steps",
               "1", "--batch-size", "2", "--audio-s", "0.5", "--threads", "1", "--decoder",
               "--json", (work / "bench.json").string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("train win/s"), std::string::npos) << result.out;

  std::ifstream file(work / "bench.json");
  const nlohmann::json json = nlohmann::json::parse(file);  // throws on invalid JSON
  EXPECT_FALSE(json.at("libtorch").get<std::string>().empty());
  EXPECT_EQ(json.at("threads").get<int>(), 1);
  EXPECT_FALSE(json.at("malloc").get<std::string>().empty());
  ASSERT_EQ(json.at("presets").size(), 1u);
  const nlohmann::json& row = json.at("presets")[0];
  EXPECT_EQ(row.at("kind"), "segan");
  EXPECT_GT(row.at("train_windows_per_s").get<double>(), 0);
  EXPECT_GT(row.at("enhance_real_time_factor").get<double>(), 0);
  EXPECT_GT(row.at("host_peak_bytes").get<int64_t>(), 0);
  EXPECT_EQ(row.at("decoder").size(), 2u);  // one row per decoder layer
}

TEST(BenchCli, JsonThatWouldOverwriteAPresetOrIsNamedLikeAudioIsRefused) {
  TempDir work;
  const std::string preset = (work / "tiny.json").string();
  std::ofstream(preset) << R"({"kind": "segan", "model": {"sample_rate_hz": 8000,
    "window_samples": 512, "kernel_size": 31, "encoder_channels": [4, 8]}})";
  auto bench = [&](const std::string& json) {
    return run_cli({"bench", "--preset", preset, "--device", "cpu", "--json", json});
  };

  // The preset under another spelling: refused before any timing, and the preset is intact.
  const std::string respelled = (work / "." / "tiny.json").string();
  const CliResult same = bench(respelled);
  EXPECT_EQ(same.exit_code, 2) << same.err;
  EXPECT_NE(same.err.find("--json " + respelled + ": would overwrite the input " + preset),
            std::string::npos)
      << same.err;
  std::ifstream in(preset);
  EXPECT_EQ(nlohmann::json::parse(in).at("kind"), "segan");

  const CliResult audio = bench((work / "bench.wav").string());
  EXPECT_EQ(audio.exit_code, 2) << audio.err;
  EXPECT_NE(audio.err.find("expected a file for the report, got a name ending in .wav"),
            std::string::npos)
      << audio.err;
  EXPECT_FALSE(fs::exists(work / "bench.wav"));
  EXPECT_EQ(bench(work.path().string()).exit_code, 2);
}

// A generation preset at tiny sizes: WaveGAN and SpecGAN rows carry the kind and positive
// training and generation figures.
TEST(BenchCli, RunsTinyGenerationPresetsAndWritesValidJson) {
  TempDir work;
  // The shortest clips each model allows and d = 2: a step takes milliseconds. Two critic steps
  // exercise n_critic.
  std::ofstream(work / "wave.json") << R"({"kind": "wavegan", "model": {"n_samples": 16384,
    "latent_dim": 8, "model_size": 2}, "train": {"loss": "wgan-gp", "n_critic": 2}})";
  std::ofstream(work / "spec.json") << R"({"kind": "specgan", "model": {"latent_dim": 8,
    "model_size": 2, "image_size": 32, "window_samples": 64, "hop_samples": 32,
    "n_samples": 1024, "griffin_lim_iterations": 2}, "train": {"loss": "lsgan"}})";
  const CliResult result = run_cli({"bench", "--preset", (work / "wave.json").string(), "--preset",
                                    (work / "spec.json").string(), "--device", "cpu", "--steps",
                                    "1", "--batch-size", "2", "--audio-s", "0.5", "--threads", "1",
                                    "--json", (work / "bench.json").string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("wavegan"), std::string::npos) << result.out;

  std::ifstream file(work / "bench.json");
  const nlohmann::json json = nlohmann::json::parse(file);  // throws on invalid JSON
  ASSERT_EQ(json.at("presets").size(), 2u);
  const nlohmann::json& wave = json.at("presets")[0];
  EXPECT_EQ(wave.at("kind"), "wavegan");
  EXPECT_EQ(wave.at("loss"), "wgan-gp");
  EXPECT_EQ(wave.at("n_critic").get<int>(), 2);
  EXPECT_EQ(wave.at("clip_samples").get<int>(), 16384);
  const nlohmann::json& spec = json.at("presets")[1];
  EXPECT_EQ(spec.at("kind"), "specgan");
  EXPECT_EQ(spec.at("n_critic").get<int>(), 1);  // the default for losses other than WGAN-GP
  for (const nlohmann::json& row : {wave, spec}) {
    EXPECT_GT(row.at("train_steps_per_s").get<double>(), 0);
    // Real clips per second: batch 2 times n_critic per generator step.
    EXPECT_DOUBLE_EQ(row.at("train_clips_per_s").get<double>(),
                     row.at("train_steps_per_s").get<double>() * 2 * row.at("n_critic").get<int>());
    EXPECT_GT(row.at("generate_real_time_factor").get<double>(), 0);
    EXPECT_GT(row.at("host_peak_bytes").get<int64_t>(), 0);
  }
}

TEST(BenchCli, MeasuresSeganInBfloat16AndRefusesFloat16OnTheCpu) {
  TempDir work;
  std::ofstream(work / "tiny.json") << R"({"kind": "segan", "model": {"sample_rate_hz": 8000,
    "window_samples": 512, "kernel_size": 31, "encoder_channels": [4, 8]}})";
  auto bench = [&](const std::string& precision) {
    return run_cli({"bench", "--preset", (work / "tiny.json").string(), "--device", "cpu",
                    "--steps", "1", "--batch-size", "2", "--audio-s", "0.5", "--threads", "1",
                    "--json", (work / "bench.json").string(), "--precision", precision});
  };
  const CliResult result = bench("bf16");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  std::ifstream file(work / "bench.json");
  const nlohmann::json json = nlohmann::json::parse(file);
  EXPECT_EQ(json.at("precision"), "bf16");
  EXPECT_GT(json.at("presets")[0].at("train_windows_per_s").get<double>(), 0);
  EXPECT_GT(json.at("presets")[0].at("enhance_real_time_factor").get<double>(), 0);

  const CliResult refused = bench("fp16");
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("--precision"), std::string::npos) << refused.err;
}

TEST(BenchCli, RefusesAPresetOfAnotherKind) {
  TempDir work;
  std::ofstream(work / "other.json") << R"({"kind": "vocoder", "model": {}})";
  const CliResult result =
      run_cli({"bench", "--preset", (work / "other.json").string(), "--device", "cpu"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("other.json"), std::string::npos) << result.err;
}

// --audio-s nan trained first, then failed deep in LibTorch (or, for generation, printed a
// real-time factor of nothing): refused before any work, as other numbers are.
TEST(BenchCli, NonFiniteAudioSecondsAreRefusedBeforeMeasuring) {
  for (const std::string seconds : {"nan", "inf", "0", "-1"}) {
    const CliResult result =
        run_cli({"bench", "--preset", "segan-small", "--device", "cpu", "--audio-s", seconds});
    EXPECT_EQ(result.exit_code, 2) << seconds << "\n" << result.err;
    EXPECT_NE(result.err.find("--audio-s"), std::string::npos) << result.err;
    EXPECT_EQ(result.err.find("bench segan-small"), std::string::npos) << result.err;
  }
}

// Every preset is read and checked before the first is measured: a wrong name at the end of
// the list is refused at once, not after the others' minutes of measuring.
TEST(BenchCli, AWrongPresetLaterInTheListIsRefusedBeforeAnyMeasuring) {
  TempDir work;
  std::ofstream(work / "other.json") << R"({"kind": "vocoder", "model": {}})";
  for (const std::string& wrong : {std::string("nosuch"), (work / "other.json").string()}) {
    const CliResult result =
        run_cli({"bench", "--preset", "segan-small", "--preset", wrong, "--device", "cpu"});
    EXPECT_NE(result.exit_code, 0) << wrong;
    EXPECT_NE(result.err.find(wrong), std::string::npos) << result.err;
    EXPECT_EQ(result.err.find("bench segan-small"), std::string::npos) << result.err;
    EXPECT_TRUE(result.out.empty()) << result.out;
  }
}

}  // namespace
}  // namespace rawgan::test
