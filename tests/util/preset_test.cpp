#include "rawgan/util/preset.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

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

}  // namespace
}  // namespace rawgan
