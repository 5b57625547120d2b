#include "rawgan/util/preset.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "rawgan/util/error.h"
#include "support/test_support.h"

namespace rawgan {
namespace {

TEST(Preset, LoadsByNameFromTheSearchPathAndByPath) {
  test::TempDir dir;
  std::ofstream(dir / "tiny.json") << R"({"window_samples": 64, "kind": "segan"})";
  setenv("RAWGAN_MODELS_DIR", dir.path().c_str(), 1);
  EXPECT_EQ(load_preset("tiny")["window_samples"], 64);
  EXPECT_EQ(load_preset((dir / "tiny.json").string())["kind"], "segan");
  auto names = list_presets();
  EXPECT_NE(std::find(names.begin(), names.end(), "tiny"), names.end());
  unsetenv("RAWGAN_MODELS_DIR");
}

TEST(Preset, UnknownNameListsWhatExists) {
  test::TempDir dir;
  std::ofstream(dir / "known.json") << "{}";
  setenv("RAWGAN_MODELS_DIR", dir.path().c_str(), 1);
  try {
    load_preset("nope");
    FAIL();
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("unknown preset 'nope'"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("known"), std::string::npos);
  }
  std::ofstream(dir / "broken.json") << "{ not json";
  EXPECT_THROW(load_preset("broken"), InputError);
  unsetenv("RAWGAN_MODELS_DIR");
}

// A preset for train or train-gen must say what it builds: without a kind or a model, or with a
// misspelt section, the defaults (the paper-size SEGAN) used to train instead.
TEST(ModelPreset, NeedsTheKindAModelAndNoUnknownSections) {
  test::TempDir dir;
  auto refusal = [&](const std::string& text) {
    const auto path = dir / "p.json";
    std::ofstream(path) << text;
    try {
      load_model_preset(path.string(), {"wavegan", "specgan"});
    } catch (const UsageError& e) {
      const std::string message = e.what();
      EXPECT_EQ(message.rfind(path.string() + ": ", 0), 0u) << "names the file: " << message;
      return message;
    }
    ADD_FAILURE() << "accepted " << text;
    return std::string();
  };
  EXPECT_NE(refusal("{}").find("no \"kind\"; expected \"wavegan\" or \"specgan\""),
            std::string::npos);
  EXPECT_NE(refusal(R"({"kind": "segan", "model": {}})")
                .find("\"kind\" \"segan\", expected \"wavegan\" or \"specgan\""),
            std::string::npos);
  EXPECT_NE(refusal(R"({"kind": "wavegan"})").find("no \"model\" object"), std::string::npos);
  EXPECT_NE(refusal(R"({"kind": "wavegan", "model": 3})").find("no \"model\" object"),
            std::string::npos);
  EXPECT_NE(
      refusal(R"({"kind": "wavegan", "modle": {}, "model": {}})").find("unknown key \"modle\""),
      std::string::npos);

  std::ofstream(dir / "good.json")
      << R"({"kind": "specgan", "description": "d", "model": {"latent_dim": 8}, "train": {}})";
  EXPECT_EQ(load_model_preset((dir / "good.json").string(),
                              {"wavegan", "specgan"})["model"]["latent_dim"],
            8);
}

// A value of another type than its default's is refused naming its key, where nlohmann's own
// message ("type must be number, but is string") named neither the key nor the file.
TEST(RefuseUnknownKeys, NamesAKeyWhoseValueHasAnotherType) {
  const nlohmann::json known = {
      {"size", 8}, {"loss", "wgan-gp"}, {"latent", true}, {"channels", {8, 16}}};
  auto message = [&](const nlohmann::json& section) {
    try {
      refuse_unknown_keys(section, known, "p.json: model");
    } catch (const UsageError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_EQ(message({{"size", "x"}}), "p.json: model: \"size\" must be a number, got \"x\"");
  EXPECT_EQ(message({{"loss", 3}}), "p.json: model: \"loss\" must be a string, got 3");
  EXPECT_EQ(message({{"latent", 1}}), "p.json: model: \"latent\" must be true or false, got 1");
  EXPECT_EQ(message({{"channels", 8}}), "p.json: model: \"channels\" must be an array, got 8");
  EXPECT_EQ(message({{"size", nullptr}}), "p.json: model: \"size\" must be a number, got null");
  // A whole number for a whole-number key, also written as a fraction (16.0, 1e3); a fraction
  // was cut to an integer without a word, and 1e20 (read as a fraction) overflowed.
  EXPECT_EQ(message({{"size", 16.0}, {"loss", "hinge"}, {"latent", false}, {"channels", {4}}}), "");
  EXPECT_EQ(message({{"size", 1e3}}), "");
  EXPECT_EQ(message({{"size", 2.5}}),
            "p.json: model: \"size\" must be a whole number (at most 2^53), got 2.5");
  EXPECT_EQ(message({{"size", 1e20}}),
            "p.json: model: \"size\" must be a whole number (at most 2^53), got 1e+20");
  // A key of fractions takes any number.
  EXPECT_NO_THROW(refuse_unknown_keys({{"rate", 3}}, {{"rate", 0.5}}, "p.json: train"));
}

}  // namespace
}  // namespace rawgan
