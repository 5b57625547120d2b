// rawgan devices against ALSA virtual devices set up for this test's processes only.
#include <gtest/gtest.h>

#include "play/virtual_alsa.h"
#include "support/test_support.h"

namespace rawgan::test {
namespace {

TEST(DevicesCli, ListsTheVirtualDevicesWithTheirHostApi) {
  TempDir dir;
  VirtualAlsa alsa(dir.path());
  RAWGAN_REQUIRE_PORTAUDIO();
  CliResult result = run_cli({"devices"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("ALSA"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find(VirtualAlsa::kOutput), std::string::npos) << result.out;
  EXPECT_NE(result.out.find(VirtualAlsa::kInput), std::string::npos) << result.out;
  // The probing chatter of ALSA (no sound card) and JACK (no server) stays out of stderr.
  EXPECT_EQ(result.err.find("ALSA lib"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace rawgan::test
