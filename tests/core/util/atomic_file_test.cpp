// write_file_atomically: a finished write replaces the target whole, and a
// failed one names the path and the reason, leaves whatever was at the path
// as it was and removes its temporary file.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "ecglens/util/atomic_file.h"
#include "scratch_folder.h"

namespace ecglens {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using test::read_bytes;

class AtomicFile : public ::testing::Test {
 protected:
  void put(const fs::path& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary) << bytes;
  }

  // The message write_file_atomically threw, or "" when it did not throw.
  static std::string failure(const fs::path& path, const std::string& bytes) {
    try {
      write_file_atomically(path.string(), bytes, "the notes");
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  }

  test::ScratchFolder scratch_{"atomic_file"};
  const fs::path dir_ = scratch_.path();
};

TEST_F(AtomicFile, WritesEveryByteAndLeavesNoTemporaryFile) {
  const fs::path path = dir_ / "notes.bin";
  const std::string bytes("a\0b\nc\r\n\xff", 8);
  write_file_atomically(path.string(), bytes);
  EXPECT_EQ(read_bytes(path), bytes);
  EXPECT_EQ(scratch_.listing(), std::vector<std::string>{"notes.bin"});
}

TEST_F(AtomicFile, ReplacesALongerFileWhole) {
  const fs::path path = dir_ / "notes.txt";
  put(path, std::string(10000, 'x'));
  write_file_atomically(path.string(), "short\n");
  EXPECT_EQ(read_bytes(path), "short\n");
  EXPECT_EQ(scratch_.listing(), std::vector<std::string>{"notes.txt"});
}

TEST_F(AtomicFile, WritesAnEmptyFile) {
  const fs::path path = dir_ / "empty";
  put(path, "old");
  write_file_atomically(path.string(), "");
  EXPECT_TRUE(fs::exists(path));
  EXPECT_EQ(fs::file_size(path), 0u);
}

TEST_F(AtomicFile, SkipsTemporaryNamesThatAreTaken) {
  // Files an earlier process with the same pid left: they are someone
  // else's, so the writer picks another name and leaves them alone.
  const fs::path path = dir_ / "notes.txt";
  std::vector<std::string> expected{"notes.txt"};
  for (int n = 0; n < 10; ++n) {
    const std::string name = "notes.txt.tmp-" + std::to_string(::getpid()) + "-" + std::to_string(n);
    put(dir_ / name, "taken");
    expected.push_back(name);
  }
  write_file_atomically(path.string(), "new");
  EXPECT_EQ(read_bytes(path), "new");
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(scratch_.listing(), expected);
  EXPECT_EQ(read_bytes(dir_ / expected[1]), "taken");
}

TEST_F(AtomicFile, AFolderThatDoesNotExistIsAnErrorNamingThePathAndTheReason) {
  const fs::path path = dir_ / "missing" / "notes.txt";
  EXPECT_EQ(failure(path, "new"), path.string() +
                                      ": cannot write the notes: cannot create a temporary file in its "
                                      "folder (No such file or directory)");
  EXPECT_TRUE(scratch_.listing().empty());
}

TEST_F(AtomicFile, APathBelowAFileIsAnErrorAndTheFileStays) {
  put(dir_ / "notes.txt", "old");
  const fs::path path = dir_ / "notes.txt" / "inner.txt";
  EXPECT_EQ(failure(path, "new"), path.string() +
                                      ": cannot write the notes: cannot create a temporary file in its "
                                      "folder (Not a directory)");
  EXPECT_EQ(read_bytes(dir_ / "notes.txt"), "old");
  EXPECT_EQ(scratch_.listing(), std::vector<std::string>{"notes.txt"});
}

TEST_F(AtomicFile, APathThatIsAFolderIsAnErrorAndTheFolderStays) {
  // The temporary file is written in full; the rename over a folder fails.
  const fs::path path = dir_ / "notes.txt";
  fs::create_directories(path);
  put(path / "kept", "old");
  const std::string message = failure(path, "new");
  EXPECT_THAT(message, StartsWith(path.string() + ": cannot write the notes: renaming " + path.string() +
                                  ".tmp-"));
  EXPECT_THAT(message, HasSubstr(" over it failed (Is a directory)"));
  EXPECT_EQ(read_bytes(path / "kept"), "old");
  EXPECT_EQ(scratch_.listing(), std::vector<std::string>{"notes.txt"});
}

TEST_F(AtomicFile, WithoutAKindTheMessageSaysTheFile) {
  const fs::path path = dir_ / "missing" / "x";
  try {
    write_file_atomically(path.string(), "new");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), StartsWith(path.string() + ": cannot write the file: "));
  }
}

}  // namespace
}  // namespace ecglens
