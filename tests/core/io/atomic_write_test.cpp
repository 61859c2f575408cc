// write_weights_atomic: a finished write replaces the target whole, and a
// failed one leaves the old file and no temporary file behind.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "ecglens/io/weights_file.h"
#include "ecglens/util/error.h"
#include "scratch_folder.h"

namespace ecglens {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class AtomicWrite : public ::testing::Test {
 protected:
  std::vector<std::string> listing() const { return scratch_.listing(); }
  static std::string read_bytes(const fs::path& path) { return test::read_bytes(path); }

  test::ScratchFolder scratch_{"io"};
  const fs::path dir_ = scratch_.path();
};

WeightsFile model(int tensors, float value) {
  WeightsFile f;
  f.architecture = {{"kind", "mlp_ae"}};
  for (int i = 0; i < tensors; ++i) {
    f.tensors.push_back({"layer." + std::to_string(i) + ".weight", {10, 10}, std::vector<float>(100, value)});
  }
  return f;
}

TEST_F(AtomicWrite, WrittenFileReadsBackAndNoTemporaryFileRemains) {
  const fs::path path = dir_ / "model.ecgw";
  write_weights_atomic(model(2, 0.5f), path.string());
  const WeightsFile back = read_weights(path.string());
  EXPECT_EQ(back.source, path.string());
  ASSERT_EQ(back.tensors.size(), 2u);
  EXPECT_EQ(back.tensors[1].data, std::vector<float>(100, 0.5f));
  EXPECT_EQ(listing(), std::vector<std::string>{"model.ecgw"});
}

TEST_F(AtomicWrite, OverwritingReplacesTheWholeFile) {
  const fs::path path = dir_ / "model.ecgw";
  write_weights_atomic(model(8, 1.0f), path.string());  // larger old file
  const WeightsFile smaller = model(1, 2.0f);
  write_weights_atomic(smaller, path.string());
  EXPECT_EQ(read_bytes(path), serialize_weights(smaller));  // nothing of the old file's tail is left
  EXPECT_EQ(read_weights(path.string()).tensors.size(), 1u);
  EXPECT_EQ(listing(), std::vector<std::string>{"model.ecgw"});
}

TEST_F(AtomicWrite, FolderThatDoesNotExistIsAnErrorAndLeavesNothing) {
  const fs::path path = dir_ / "missing" / "model.ecgw";
  try {
    write_weights_atomic(model(1, 1.0f), path.string());
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr(path.string() + ": cannot write the weights file"));
    EXPECT_THAT(e.what(), HasSubstr("No such file or directory"));
  }
  EXPECT_FALSE(fs::exists(dir_ / "missing"));
  EXPECT_TRUE(listing().empty());
}

TEST_F(AtomicWrite, InvalidModelLeavesTheOldFileUntouched) {
  const fs::path path = dir_ / "model.ecgw";
  write_weights_atomic(model(2, 1.0f), path.string());
  const std::string before = read_bytes(path);
  WeightsFile bad = model(3, 1.0f);
  bad.tensors[2].data[7] = std::nanf("");
  try {
    write_weights_atomic(bad, path.string());
    FAIL() << "no error";
  } catch (const WeightsError& e) {
    // The message names the file being written.
    EXPECT_EQ(std::string(e.what()),
              path.string() + ": tensor 'layer.2.weight': non-finite value nan at index 7");
  }
  EXPECT_EQ(read_bytes(path), before);
  EXPECT_EQ(listing(), std::vector<std::string>{"model.ecgw"});
}

TEST_F(AtomicWrite, FailedRenameRemovesTheTemporaryFileAndKeepsTheTarget) {
  // A non-empty folder cannot be replaced by a file: the rename fails after
  // the temporary file has been written in full.
  const fs::path path = dir_ / "model.ecgw";
  fs::create_directories(path / "inside");
  try {
    write_weights_atomic(model(1, 1.0f), path.string());
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr(path.string() + ": cannot write the weights file: renaming"));
  }
  EXPECT_TRUE(fs::is_directory(path / "inside"));
  EXPECT_EQ(listing(), std::vector<std::string>{"model.ecgw"});
}

}  // namespace
}  // namespace ecglens
