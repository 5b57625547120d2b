// End-to-end test of `rawgan bench` at tiny sizes.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

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
  ASSERT_EQ(json.at("presets").size(), 1u);
  const nlohmann::json& row = json.at("presets")[0];
  EXPECT_GT(row.at("train_windows_per_s").get<double>(), 0);
  EXPECT_GT(row.at("enhance_real_time_factor").get<double>(), 0);
  EXPECT_GT(row.at("host_peak_bytes").get<int64_t>(), 0);
  EXPECT_EQ(row.at("decoder").size(), 2u);  // one row per decoder layer
}

TEST(BenchCli, RefusesAGenerationPreset) {
  TempDir work;
  std::ofstream(work / "gen.json") << R"({"kind": "wavegan", "model": {}})";
  const CliResult result =
      run_cli({"bench", "--preset", (work / "gen.json").string(), "--device", "cpu"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("gen.json"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace rawgan::test
