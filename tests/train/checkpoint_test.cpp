#include "rawgan/train/checkpoint.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "rawgan/util/error.h"
#include "support/test_support.h"

namespace rawgan::train {
namespace {

namespace fs = std::filesystem;

CheckpointHeader header_of(const std::string& kind) {
  CheckpointHeader header;
  header.kind = kind;
  header.preset = "tiny";
  header.config = {{"window_samples", 64}, {"learning_rate", 2e-4}};
  header.step = 17;
  header.epoch = 2;
  header.best_metric = 3.5;
  return header;
}

TEST(Checkpoint, RoundTripsWeightsOptimiserHeaderAndRng) {
  test::TempDir dir;
  torch::manual_seed(1);
  torch::nn::Linear model(4, 3);
  torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(1e-3));
  model(torch::randn({2, 4})).sum().backward();
  optimizer.step();
  std::mt19937_64 data_rng(42);
  data_rng.discard(5);

  CheckpointWriter writer(header_of("segan"));
  writer.add_module("generator", *model);
  writer.add_optimizer("generator", optimizer);
  writer.add_tensor("norm/mean", torch::arange(3.0));
  writer.add_rng_state(data_rng);
  writer.write(dir / "run" / "last.pt");
  // Only the checkpoint itself: no temporary file is left beside it.
  EXPECT_EQ(test::n_entries(dir / "run"), 1u);
  const auto expected_next_torch = torch::rand({1}).item<float>();
  const auto expected_next_data = data_rng();

  torch::manual_seed(99);
  torch::nn::Linear other(4, 3);
  torch::optim::Adam other_optimizer(other->parameters(), torch::optim::AdamOptions(1e-3));
  std::mt19937_64 other_rng(7);
  CheckpointReader reader(dir / "run" / "last.pt", "segan");
  EXPECT_EQ(reader.header().preset, "tiny");
  EXPECT_EQ(reader.header().step, 17);
  EXPECT_EQ(reader.header().epoch, 2);
  EXPECT_DOUBLE_EQ(reader.header().best_metric, 3.5);
  EXPECT_EQ(reader.header().config["window_samples"], 64);
  reader.load_module("generator", *other);
  reader.load_optimizer("generator", other_optimizer);
  reader.load_rng_state(other_rng);
  EXPECT_EQ(other_optimizer.state().size(), optimizer.state().size());

  EXPECT_TRUE(torch::equal(other->weight, model->weight));
  EXPECT_TRUE(torch::equal(reader.tensor("norm/mean"), torch::arange(3.0)));
  EXPECT_TRUE(reader.has("generator"));
  EXPECT_FALSE(reader.has("discriminator"));
  // The restored RNGs continue exactly where the saved ones stood.
  EXPECT_EQ(torch::rand({1}).item<float>(), expected_next_torch);
  EXPECT_EQ(other_rng(), expected_next_data);
  // Adam's state came along: one more identical step gives identical weights.
  optimizer.zero_grad();
  other_optimizer.zero_grad();
  for (auto* m : {&model, &other})
    (*m)(torch::ones({1, 4})).sum().backward();
  optimizer.step();
  other_optimizer.step();
  EXPECT_TRUE(torch::allclose(other->weight, model->weight));
}

TEST(Checkpoint, RefusesWrongKindMissingFileAndGarbage) {
  test::TempDir dir;
  torch::nn::Linear model(2, 2);
  CheckpointWriter writer(header_of("wavegan"));
  writer.add_module("generator", *model);
  writer.write(dir / "g.pt");
  EXPECT_THROW(CheckpointReader(dir / "g.pt", "segan"), InputError);
  EXPECT_NO_THROW(CheckpointReader(dir / "g.pt", ""));
  EXPECT_THROW(CheckpointReader(dir / "none.pt", "segan"), InputError);
  std::ofstream(dir / "junk.pt") << "not a checkpoint";
  try {
    CheckpointReader(dir / "junk.pt", "segan");
    FAIL() << "garbage accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("junk.pt: not a rawgan checkpoint"), std::string::npos);
  }

  // A copy cut short, as a full disk or an interrupted download leaves it.
  const auto size = std::filesystem::file_size(dir / "g.pt");
  std::filesystem::copy_file(dir / "g.pt", dir / "cut.pt");
  std::filesystem::resize_file(dir / "cut.pt", size / 2);
  try {
    CheckpointReader(dir / "cut.pt", "wavegan");
    FAIL() << "a truncated checkpoint was accepted";
  } catch (const InputError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("cut.pt: not a rawgan checkpoint, or a damaged or truncated one ("),
              std::string::npos)
        << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << "one line, no stack trace: " << message;
  }
}

// A checkpoint that cannot be written (here a file stands where its folder should be) is one
// line naming it and LibTorch's reason, without LibTorch's C++ stack trace.
TEST(Checkpoint, AWriteFailureIsOneLineWithoutAStackTrace) {
  // A folder that exists but takes no files, even from root (tests run as root, for whom
  // permissions do not fail a write): the archive writer itself fails, and LibTorch's message
  // carries a C++ stack trace, which must not reach the user.
  if (!fs::is_directory("/sys")) GTEST_SKIP() << "no /sys to fail a write in";
  CheckpointWriter writer(header_of("segan"));
  try {
    writer.write("/sys/rawgan-test-best.pt");
    FAIL() << "a checkpoint was written in /sys";
  } catch (const RuntimeError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("/sys/rawgan-test-best.pt: cannot write checkpoint ("),
              std::string::npos)
        << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << "one line: " << message;
    EXPECT_EQ(message.find("Exception raised from"), std::string::npos) << message;
  }

  // A file where the run's folder should be: the folder cannot be made, and the message says
  // why.
  test::TempDir dir;
  std::ofstream(dir / "run") << "a file, not a folder";
  try {
    writer.write(dir / "run" / "best.pt");
    FAIL() << "a checkpoint was written under a file";
  } catch (const RuntimeError& e) {
    EXPECT_NE(std::string(e.what()).find("cannot create the folder " + (dir / "run").string()),
              std::string::npos)
        << e.what();
  }
}

// A disk that fills up during the write, here a file size limit: LibTorch's writer, told of a
// short write, threw from its destructor and the process aborted with its stack trace.
TEST(Checkpoint, ADiskFullDuringTheWriteIsAnErrorNotAnAbort) {
  test::TempDir dir;
  torch::nn::Linear model(64, 64);  // 16 KB of weights, past the limit
  CheckpointWriter writer(header_of("segan"));
  writer.add_module("generator", *model);
  std::string message;
  {
    test::FileSizeLimit limit(4096);
    try {
      writer.write(dir / "run" / "last.pt");
    } catch (const RuntimeError& e) {
      message = e.what();
    }
  }
  EXPECT_NE(message.find("last.pt: cannot write checkpoint (File too large)"), std::string::npos)
      << message;
  EXPECT_EQ(test::n_entries(dir / "run"), 0u);  // no partial or temporary file
}

// A folder of the checkpoint's name (made by hand, say): the rename fails, and the message gives
// its reason, not the clean-up's "Success".
TEST(Checkpoint, ARenameFailureGivesItsReason) {
  test::TempDir dir;
  fs::create_directories(dir / "run" / "best.pt");
  CheckpointWriter writer(header_of("segan"));
  try {
    writer.write(dir / "run" / "best.pt");
    FAIL() << "a checkpoint replaced a folder";
  } catch (const RuntimeError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("cannot move checkpoint into place (Is a directory)"), std::string::npos)
        << message;
    EXPECT_EQ(message.find("Success"), std::string::npos) << message;
  }
  // No temporary file is left beside it.
  EXPECT_EQ(test::n_entries(dir / "run"), 1u);
}

// One flipped bit inside a weight, as a bad disk block or a corrupted copy leaves it: the file
// is still a well-formed archive of the right size, so only the records' CRCs reveal it.
TEST(Checkpoint, RefusesACheckpointDamagedInTheMiddle) {
  test::TempDir dir;
  torch::manual_seed(3);
  torch::nn::Linear model(64, 64);
  CheckpointWriter writer(header_of("segan"));
  writer.add_module("generator", *model);
  writer.write(dir / "g.pt");

  std::string bytes;
  {
    std::ifstream in(dir / "g.pt", std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  const torch::Tensor weight = model->weight.detach().contiguous();
  const std::string weight_bytes(static_cast<const char*>(weight.data_ptr()),
                                 static_cast<size_t>(weight.nbytes()));
  const size_t at = bytes.find(weight_bytes);
  ASSERT_NE(at, std::string::npos) << "the weights are stored uncompressed";
  bytes[at + weight_bytes.size() / 2] ^= 0x10;
  std::ofstream(dir / "bad.pt", std::ios::binary) << bytes;
  ASSERT_EQ(std::filesystem::file_size(dir / "bad.pt"), std::filesystem::file_size(dir / "g.pt"));

  // The message names the file the user has and the record, not the temporary name the
  // checkpoint was written under (LibTorch named its records after it: ".rawgan-<pid>-<n>/...").
  try {
    CheckpointReader(dir / "bad.pt", "segan");
    FAIL() << "a damaged checkpoint was accepted";
  } catch (const InputError& e) {
    const std::string message = e.what();
    EXPECT_EQ(
        message.find((dir / "bad.pt").string() + ": damaged or truncated checkpoint (record "), 0u)
        << message;
    EXPECT_NE(message.find("CRC"), std::string::npos) << message;
    EXPECT_EQ(message.find(".rawgan-"), std::string::npos) << message;
  }
  EXPECT_NO_THROW(CheckpointReader(dir / "g.pt", "segan"));
  EXPECT_EQ(bytes.find(".rawgan-"), std::string::npos) << "the temporary name is in the file";
}

// Checkpoints written before records were named "archive/..." name them after the temporary
// file; a damaged one is reported without that name too.
TEST(Checkpoint, ADamagedOlderCheckpointIsReportedWithoutItsTemporaryName) {
  test::TempDir dir;
  const torch::Tensor weight = torch::arange(256.0f);
  torch::serialize::OutputArchive archive;
  archive.write("tensor/w", weight);
  archive.save_to((dir / ".rawgan-123-4.part").string());
  std::string bytes;
  {
    std::ifstream in(dir / ".rawgan-123-4.part", std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  ASSERT_NE(bytes.find(".rawgan-123-4/data/0"), std::string::npos) << "records named otherwise";
  const size_t at = bytes.find(std::string(static_cast<const char*>(weight.data_ptr()), 64));
  ASSERT_NE(at, std::string::npos);
  bytes[at + 8] ^= 0x10;
  std::ofstream(dir / "old.pt", std::ios::binary) << bytes;
  try {
    CheckpointReader(dir / "old.pt", "segan");
    FAIL() << "a damaged checkpoint was accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(
        std::string(e.what()),
        (dir / "old.pt").string() + ": damaged or truncated checkpoint (record data/0: CRC error)");
  }
}

TEST(Checkpoint, ArchitectureMismatchIsAnInputError) {
  test::TempDir dir;
  torch::nn::Linear model(2, 2);
  CheckpointWriter writer(header_of("segan"));
  writer.add_module("generator", *model);
  writer.write(dir / "g.pt");
  torch::nn::Linear bigger(3, 2);
  CheckpointReader reader(dir / "g.pt", "segan");
  EXPECT_THROW(reader.load_module("generator", *bigger), InputError);
}

}  // namespace
}  // namespace rawgan::train
