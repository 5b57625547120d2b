#include "rawgan/data/mix.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "rawgan/audio/files.h"
#include "rawgan/data/pairs.h"
#include "rawgan/metrics/metrics.h"
#include "rawgan/util/error.h"
#include "support/test_support.h"

namespace rawgan::data {
namespace {

namespace fs = std::filesystem;

// `n_recordings` tones at 8 kHz (speech/u0.wav, ...) and one hiss (noise/hiss.wav) in `dir`, and
// the options that mix them into dir/out.
MixOptions tones_and_hiss(const test::TempDir& dir, int n_recordings) {
  for (int f = 0; f < n_recordings; ++f)
    audio::write(dir / "speech" / ("u" + std::to_string(f) + ".wav"),
                 test::sine(200 + 50 * f, 8000, 4000));
  audio::write(dir / "noise/hiss.wav", test::white_noise(8000, 3000, 0.2f, 2));
  MixOptions options;
  options.clean_dir = dir / "speech";
  options.noise_dir = dir / "noise";
  options.out_dir = dir / "out";
  return options;
}

TEST(Mix, NoiseSegmentsLoop) {
  std::vector<float> noise = {1, 2, 3};
  EXPECT_EQ(noise_segment(noise, 1, 7), (std::vector<float>{2, 3, 1, 2, 3, 1, 2}));
  EXPECT_EQ(noise_segment(noise, 5, 2), (std::vector<float>{3, 1}));
}

TEST(Mix, GainPutsTheNoiseAtTheRequestedSnr) {
  auto clean = test::sine(440, 16000, 16000).samples;
  auto noise = test::white_noise(16000, 16000, 0.3f, 5).samples;
  for (double snr_db : {-5.0, 0.0, 7.5, 20.0}) {
    double gain = noise_gain_for_snr(clean, noise, snr_db);
    std::vector<float> noisy(clean.size());
    for (size_t i = 0; i < clean.size(); ++i)
      noisy[i] = clean[i] + static_cast<float>(gain * noise[i]);
    // metrics::snr_db measures exactly the definition; float rounding costs < 1e-3 dB.
    EXPECT_NEAR(metrics::snr_db(clean, noisy), snr_db, 1e-3);
  }
  EXPECT_THROW(noise_gain_for_snr(clean, std::vector<float>(10, 0.0f), 0), InputError);
}

// out/noisy and out/clean must neither be, contain nor lie inside an input folder; an --out
// folder holding the inputs beside its noisy/ and clean/ is fine.
TEST(Mix, OutputsOverlappingAnInputFolderAreRefusedBeforeAnyWrite) {
  test::TempDir dir;
  audio::write(dir / "mp/clean/a.wav", test::sine(300, 8000, 4000));
  audio::write(dir / "mp/clean/deep/b.wav", test::sine(300, 8000, 4000));
  audio::write(dir / "mp/noise/n.wav", test::white_noise(8000, 4000, 0.1f, 1));
  struct Case {
    fs::path clean_dir, out_dir;
    std::string relation;
  };
  // Another spelling of a folder ("mp/x/..") is the same folder.
  const Case cases[] = {{dir / "mp/clean", dir / "mp/x/..", "which is the --clean folder"},
                        {dir / "mp/clean", dir / "mp/noise", "which lies inside the --noise"},
                        {dir / "mp/clean", dir / "mp/clean", "which lies inside the --clean"},
                        {dir / "mp/clean/deep", dir / "mp", "which contains the --clean"}};
  for (const Case& c : cases) {
    MixOptions options;
    options.clean_dir = c.clean_dir;
    options.noise_dir = dir / "mp/noise";
    options.out_dir = c.out_dir;
    try {
      mix_folders(options);
      ADD_FAILURE() << "expected a UsageError for --out " << c.out_dir;
    } catch (const UsageError& e) {
      EXPECT_NE(std::string(e.what()).find(c.relation), std::string::npos) << e.what();
    }
  }
  EXPECT_EQ(audio::find_audio_files(dir / "mp").size(), 3u);  // nothing written

  MixOptions apart;
  apart.clean_dir = dir / "mp/clean";
  apart.noise_dir = dir / "mp/noise";
  apart.out_dir = dir / "pairs";
  EXPECT_EQ(mix_folders(apart).n_written, 2);
}

TEST(Mix, FoldersGivePairsOfEqualLengthAtTheListedSnrs) {
  test::TempDir dir;
  audio::write(dir / "speech/a.wav", test::sine(300, 8000, 8000));
  audio::write(dir / "speech/sub/b.wav", test::sine(500, 8000, 6000));
  // Noise at another rate and shorter than the speech: resampled and looped.
  audio::write(dir / "noise/hiss.wav", test::white_noise(16000, 4000, 0.2f, 2));
  MixOptions options;
  options.clean_dir = dir / "speech";
  options.noise_dir = dir / "noise";
  options.out_dir = dir / "out";
  options.snrs_db = {5};
  options.copies = 2;
  MixReport report = mix_folders(options);
  EXPECT_EQ(report.n_written, 4);

  for (const char* name : {"a_hiss_snr5_1.wav", "sub/b_hiss_snr5_2.wav"}) {
    auto noisy = audio::read(dir / "out/noisy" / name);
    auto clean = audio::read(dir / "out/clean" / name);
    ASSERT_EQ(noisy.samples.size(), clean.samples.size()) << name;
    EXPECT_EQ(noisy.sample_rate_hz, 8000);
    // 16-bit files: quantisation noise near -90 dBFS moves a 5 dB SNR by far less than 0.05.
    EXPECT_NEAR(metrics::snr_db(clean.samples, noisy.samples), 5.0, 0.05) << name;
  }
}

// With --copies, the mixtures of one recording differ only in noise: the record beside the
// folders names each pair's source, pair_folders groups by it, and a validation split never
// puts one recording on both sides (it did: the demo of a model on its training speech).
TEST(Mix, RecordGroupsTheCopiesOfARecordingForTheValidationSplit) {
  test::TempDir dir;
  MixOptions options = tones_and_hiss(dir, 8);
  options.snrs_db = {0, 5, 10};
  options.copies = 3;
  options.seed = 4;
  ASSERT_EQ(mix_folders(options).n_written, 24);

  std::ifstream in(dir / "out" / kMixManifest);
  const nlohmann::json record = nlohmann::json::parse(in);
  ASSERT_EQ(record.at("pairs").size(), 24u);
  std::map<std::string, int> copies_of;
  for (const auto& pair : record.at("pairs")) {
    ++copies_of[pair.at("clean").get<std::string>()];
    EXPECT_TRUE(fs::exists(dir / "out/noisy" / (pair.at("name").get<std::string>() + ".wav")));
    EXPECT_EQ(pair.at("noise"), "hiss.wav");
  }
  EXPECT_EQ(copies_of.size(), 8u);
  EXPECT_EQ(copies_of["u3.wav"], 3);

  // A trailing separator names the same folders.
  const auto pairs = pair_folders(dir / "out/noisy/", dir / "out/clean");
  ASSERT_EQ(pairs.size(), 24u);
  for (const FilePair& pair : pairs)
    EXPECT_EQ(pair.group, pair.name.substr(0, 2) + ".wav") << pair.name;
  for (uint64_t seed = 0; seed < 20; ++seed) {
    const PairSplit split = split_pairs(pairs, 0.2, seed);
    std::set<std::string> trained;
    for (const FilePair& pair : split.train)
      trained.insert(pair.group);
    ASSERT_FALSE(split.valid.empty());
    // 20 % of 24 pairs is 4.8: two whole recordings of three mixtures.
    EXPECT_EQ(split.valid.size(), 6u) << seed;
    for (const FilePair& pair : split.valid)
      EXPECT_EQ(trained.count(pair.group), 0u) << pair.name << ", seed " << seed;
  }

  // A record that is not JSON is ignored (with a warning): every pair is its own group.
  std::ofstream(dir / "out" / kMixManifest) << "{ cut off";
  for (const FilePair& pair : pair_folders(dir / "out/noisy", dir / "out/clean"))
    EXPECT_TRUE(pair.group.empty()) << pair.name;
}

// A second mix into the same folder records only its own pairs; the first run's, still there,
// cannot be grouped by recording, and pair_folders says so instead of splitting them silently.
TEST(Mix, PairsMissingFromTheRecordAreNamedInAWarning) {
  test::TempDir dir;
  MixOptions options = tones_and_hiss(dir, 3);
  options.snrs_db = {5};
  ASSERT_EQ(mix_folders(options).n_written, 3);
  const auto capture = [&] {
    testing::internal::CaptureStderr();
    pair_folders(dir / "out/noisy", dir / "out/clean");
    return testing::internal::GetCapturedStderr();
  };
  EXPECT_EQ(capture().find("not in this record"), std::string::npos);

  options.snrs_db = {10};
  ASSERT_EQ(mix_folders(options).n_written, 3);
  const std::string err = capture();
  EXPECT_NE(err.find("3 of 6 pairs are not in this record of rawgan mix (the first: "
                     "u0_hiss_snr5)"),
            std::string::npos)
      << err;
}

TEST(Mix, NonFiniteSnrIsAUsageErrorBeforeAnythingIsWritten) {
  test::TempDir dir;
  audio::write(dir / "speech/a.wav", test::sine(300, 8000, 8000));
  audio::write(dir / "noise/hiss.wav", test::white_noise(8000, 4000, 0.2f, 2));
  MixOptions options;
  options.clean_dir = dir / "speech";
  options.noise_dir = dir / "noise";
  options.out_dir = dir / "out";
  // Out of range too: at -100 dB the speech of both files would be rescaled to silence.
  for (double snr_db : {std::nan(""), double(INFINITY), -double(INFINITY), -100.0, -40.5, 101.0}) {
    options.snrs_db = {5, snr_db};
    EXPECT_THROW(mix_folders(options), UsageError) << snr_db;
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "out"));
}

}  // namespace
}  // namespace rawgan::data
