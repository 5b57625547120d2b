// rawgan spectrogram end to end: a valid PNG whose size follows the documented layout.
#include <gtest/gtest.h>

#include <array>
#include <fstream>

#include "rawgan/audio/audio.h"
#include "support/test_support.h"

namespace rawgan {
namespace {

using test::run_cli;

uint32_t big_endian(const unsigned char* p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | p[3];
}

TEST(SpectrogramCli, WritesStackedPngOfExpectedSize) {
  test::TempDir dir;
  audio::write(dir / "a.wav", test::sine(1000, 16000, 16000));
  audio::write(dir / "b.wav", test::white_noise(44100, 22050, 0.1f, 1));
  audio::write(dir / "c.wav", test::sine(200, 8000, 4000));
  const auto png = dir / "out/picture.png";
  std::filesystem::create_directories(png.parent_path());
  auto result = run_cli({"spectrogram", (dir / "a.wav").string(), (dir / "b.wav").string(),
                         (dir / "c.wav").string(), "-o", png.string(), "--width", "300", "--height",
                         "100", "-q"});
  ASSERT_EQ(result.exit_code, 0) << result.err;

  // PNG signature, then the IHDR chunk: width and height as 32-bit big-endian integers.
  std::ifstream in(png, std::ios::binary);
  std::array<unsigned char, 24> header{};
  in.read(reinterpret_cast<char*>(header.data()), header.size());
  ASSERT_TRUE(in.good());
  const std::array<unsigned char, 8> kSignature = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  EXPECT_TRUE(std::equal(kSignature.begin(), kSignature.end(), header.begin()));
  EXPECT_EQ(std::string(header.begin() + 12, header.begin() + 16), "IHDR");
  // Layout from `rawgan spectrogram --help`: width + 48, and height + 8 per panel plus 32.
  EXPECT_EQ(big_endian(&header[16]), 300u + 48u);
  EXPECT_EQ(big_endian(&header[20]), 3u * (100u + 8u) + 32u);
  EXPECT_GT(std::filesystem::file_size(png), 1000u);  // real pixels, not an empty image
}

TEST(SpectrogramCli, RefusesMissingInputAndBadSizes) {
  test::TempDir dir;
  audio::write(dir / "a.wav", test::sine(1000, 16000, 1600));
  EXPECT_EQ(run_cli({"spectrogram", (dir / "none.wav").string(), "-o", (dir / "x.png").string()})
                .exit_code,
            3);
  EXPECT_EQ(run_cli({"spectrogram", (dir / "a.wav").string(), "-o", (dir / "x.png").string(),
                     "--width", "2"})
                .exit_code,
            2);
  EXPECT_FALSE(std::filesystem::exists(dir / "x.png"));
}

}  // namespace
}  // namespace rawgan
