// rawgan spectrogram end to end: a valid PNG whose size follows the documented layout.
#include <gtest/gtest.h>
#include <png.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <vector>

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

// The RGB pixels of a PNG file, row-major, read with libpng's simplified API.
std::vector<uint8_t> read_rgb(const std::filesystem::path& path, int& width, int& height) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  std::vector<uint8_t> rgb;
  if (!png_image_begin_read_from_file(&image, path.c_str())) return rgb;
  image.format = PNG_FORMAT_RGB;
  rgb.resize(PNG_IMAGE_SIZE(image));
  if (!png_image_finish_read(&image, nullptr, rgb.data(), 0, nullptr)) rgb.clear();
  width = int(image.width);
  height = int(image.height);
  return rgb;
}

TEST(SpectrogramCli, EachPanelHasItsOwnRatesFrequencyAxis) {
  // The same 2 kHz tone at 8 and 16 kHz: in each panel it must sit at 2 kHz on that panel's
  // own axis (0 to 4 and 0 to 8 kHz), and look equally loud. 4 ms frames make bins of 250 Hz at
  // both rates, with 2 kHz on bin 8: every row showing that bin has the tone's full level.
  test::TempDir dir;
  audio::write(dir / "8k.wav", test::sine(2000, 8000, 8000, 0.5f));
  audio::write(dir / "16k.wav", test::sine(2000, 16000, 16000, 0.5f));
  const auto png = dir / "out.png";
  const int kPlot = 100;  // --width and --height
  auto result =
      run_cli({"spectrogram", (dir / "8k.wav").string(), (dir / "16k.wav").string(), "-o",
               png.string(), "--width", "100", "--height", "100", "--frame-ms", "4", "-q"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  int width = 0, height = 0;
  const std::vector<uint8_t> rgb = read_rgb(png, width, height);
  ASSERT_FALSE(rgb.empty());

  // Layout from the top of spectrogram.cpp: 40 pixels of labels on the left, 8 above the first
  // panel and between panels.
  const std::array<double, 2> nyquist_hz = {4000, 8000};
  std::array<int, 2> brightest{};
  for (int panel = 0; panel < 2; ++panel) {
    const int top = 8 + panel * (kPlot + 8);
    std::vector<int> row_sums(kPlot, 0);
    for (int y = 0; y < kPlot; ++y)
      for (int x = 40; x < 40 + kPlot; ++x)
        for (int c = 0; c < 3; ++c)
          row_sums[y] += rgb[(size_t(top + y) * width + x) * 3 + c];
    brightest[panel] = *std::max_element(row_sums.begin(), row_sums.end());
    // The rows drawing the tone's bin are equal and centred on its frequency.
    double centre_row = 0;
    int n_rows = 0;
    for (int y = 0; y < kPlot; ++y)
      if (row_sums[y] == brightest[panel]) centre_row += y, ++n_rows;
    centre_row /= n_rows;
    const double row_hz = (kPlot - centre_row - 0.5) / kPlot * nyquist_hz[panel];
    // Within one row (40 Hz at 4 kHz / 100 rows, 80 at 8 kHz): rows are the plot's resolution.
    EXPECT_NEAR(row_hz, 2000, nyquist_hz[panel] / kPlot) << "panel " << panel;
  }
  // Same tone, same level: the rows agree to within 1 % (the colour map rounds to integers and
  // the files' last frames differ); unnormalised, the 8 kHz panel would be 6 dB darker.
  EXPECT_NEAR(brightest[0], brightest[1], 0.01 * brightest[1]);
  EXPECT_NE(result.out.find("0 to 4 kHz"), std::string::npos) << result.out;
}

// The longest legal file name (255 bytes) once failed with "File name too long": its
// temporary name was the name plus ".part".
TEST(SpectrogramCli, WritesTheLongestLegalFileName) {
  test::TempDir dir;
  audio::write(dir / "a.wav", test::sine(440, 8000, 4000));
  const auto png = dir / (std::string(251, 'p') + ".png");
  auto result = run_cli({"spectrogram", (dir / "a.wav").string(), "-o", png.string(), "-q"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_TRUE(std::filesystem::exists(png));
  EXPECT_EQ(test::n_entries(dir.path()), 2u);  // the input and the picture, no temporary file
}

// Missing folders above the picture are made, as other commands make theirs; one that cannot be
// made is reported with the reason (tests run as root, so a file in the way stands in for a
// folder without permission).
TEST(SpectrogramCli, CreatesMissingFoldersOrSaysWhyNot) {
  test::TempDir dir;
  audio::write(dir / "a.wav", test::sine(440, 8000, 4000));
  const auto png = dir / "newdir/sub/x.png";
  auto made = run_cli({"spectrogram", (dir / "a.wav").string(), "-o", png.string(), "-q"});
  EXPECT_EQ(made.exit_code, 0) << made.err;
  EXPECT_TRUE(std::filesystem::exists(png));

  std::ofstream(dir / "blocker") << "a file where a folder should be";
  auto blocked = run_cli(
      {"spectrogram", (dir / "a.wav").string(), "-o", (dir / "blocker/sub/x.png").string()});
  EXPECT_EQ(blocked.exit_code, 4);
  EXPECT_NE(blocked.err.find("cannot create the folder " + (dir / "blocker/sub").string() +
                             " (Not a directory)"),
            std::string::npos)
      << blocked.err;
  // Refused before the work: no panel was drawn.
  EXPECT_EQ(blocked.out.find("panel"), std::string::npos) << blocked.out;
}

// A disk that fills up (here a file size limit of 8 KB, SIGXFSZ ignored so that writes fail) is
// one rawgan error line with libpng's and the system's reasons, where libpng printed its own
// "libpng error: Write Error", and no temporary file is left.
TEST(SpectrogramCli, AFullDiskGivesTheReasonsInOneLine) {
  test::TempDir dir;
  audio::write(dir / "a.wav", test::white_noise(8000, 8000, 0.3f, 1));  // a PNG of over 8 KB
  std::filesystem::create_directories(dir / "out");
  const auto result =
      test::run_shell("trap '' XFSZ; ulimit -f 8; " +
                      test::cli_command({"spectrogram", (dir / "a.wav").string(), "-o",
                                         (dir / "out/x.png").string(), "-q"}));
  EXPECT_EQ(result.exit_code, 4);
  EXPECT_EQ(result.err, "rawgan: error: " + (dir / "out/x.png").string() +
                            ": libpng failed to write the image (Write Error: File too large)\n");
  EXPECT_EQ(test::n_entries(dir / "out"), 0u);
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
  // PNG data under another picture format's name would mislead every viewer.
  auto jpeg = run_cli({"spectrogram", (dir / "a.wav").string(), "-o", (dir / "x.jpg").string()});
  EXPECT_EQ(jpeg.exit_code, 2);
  EXPECT_NE(jpeg.err.find("name it .png"), std::string::npos) << jpeg.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "x.jpg"));
}

TEST(SpectrogramCli, RefusesNonPositiveFramesHugeSizesAndAFolderAsOutput) {
  test::TempDir dir;
  audio::write(dir / "a.wav", test::sine(1000, 16000, 1600));
  const std::string input = (dir / "a.wav").string();
  const std::string png = (dir / "x.png").string();
  for (const std::string frame_ms : {"0", "-3", "nan", "3.9", "256.5", "100000"}) {
    auto result = run_cli({"spectrogram", input, "-o", png, "--frame-ms", frame_ms});
    EXPECT_EQ(result.exit_code, 2) << frame_ms;
    EXPECT_NE(result.err.find("--frame-ms: must be a number from 4 to 256, got '" + frame_ms),
              std::string::npos)
        << result.err;
  }

  // Refused before any memory is allocated for the image.
  auto huge = run_cli({"spectrogram", input, "-o", png, "--width", "100000", "--height", "100000"});
  EXPECT_EQ(huge.exit_code, 2);
  EXPECT_NE(huge.err.find("--width: expected 16 to 16384 pixels, got 100000"), std::string::npos)
      << huge.err;
  auto tall = run_cli({"spectrogram", input, "-o", png, "--height", "16385"});
  EXPECT_EQ(tall.exit_code, 2);
  EXPECT_NE(tall.err.find("--height"), std::string::npos) << tall.err;
  EXPECT_FALSE(std::filesystem::exists(png));

  std::filesystem::create_directories(dir / "emptydir");
  auto folder = run_cli({"spectrogram", input, "-o", (dir / "emptydir").string()});
  EXPECT_EQ(folder.exit_code, 2);
  EXPECT_NE(folder.err.find("emptydir: is a folder"), std::string::npos) << folder.err;
  EXPECT_TRUE(std::filesystem::is_empty(dir / "emptydir"));
}

}  // namespace
}  // namespace rawgan
