// write_file_atomically on POSIX systems (Emscripten emulates the calls used
// here in its virtual file system).
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "ecglens/util/atomic_file.h"

namespace ecglens {
namespace {

// A temporary file that is closed and removed unless it was renamed.
class TempFile {
 public:
  TempFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  ~TempFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!renamed_) ::unlink(path_.c_str());
  }
  int fd() const { return fd_; }
  const std::string& path() const { return path_; }
  // Closes the descriptor; false when close reports a write error.
  bool close() {
    const int fd = fd_;
    fd_ = -1;
    return ::close(fd) == 0;
  }
  void mark_renamed() { renamed_ = true; }

 private:
  std::string path_;
  int fd_;
  bool renamed_ = false;
};

// What a failed step throws; `error` is the errno of the failed call.
class Failure {
 public:
  Failure(const std::string& path, const std::string& kind) : prefix_(path + ": cannot write " + kind + ": ") {}
  [[noreturn]] void operator()(int error, const std::string& step) const {
    throw Error(prefix_ + step + " (" + std::strerror(error) + ")");
  }

 private:
  std::string prefix_;
};

// Creates a file beside `path`, named after it, that no one else uses. A
// name left by an earlier process with the same pid is skipped, not reused.
TempFile create_temp_beside(const std::string& path, const Failure& fail) {
  static std::atomic<unsigned> counter{0};
  for (int attempt = 0; attempt < 100; ++attempt) {
    const std::string name = path + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
    const int fd = ::open(name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0) return TempFile(name, fd);
    const int error = errno;
    if (error != EEXIST) fail(error, "cannot create a temporary file in its folder");
  }
  fail(EEXIST, "cannot create a temporary file in its folder");
}

void write_all(const TempFile& temp, std::string_view bytes, const Failure& fail) {
  std::size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(temp.fd(), bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int error = n < 0 ? errno : EIO;
      fail(error, "writing " + temp.path() + " failed");
    }
    written += static_cast<std::size_t>(n);
  }
}

// Makes the rename itself durable. Best effort: the new file is complete
// and in place whether or not the folder's entry reaches the disk now.
void sync_folder_of(const std::string& path) {
  std::string folder = std::filesystem::path(path).parent_path().string();
  if (folder.empty()) folder = ".";
  const int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
}

}  // namespace

void write_file_atomically(const std::string& path, std::string_view bytes, const std::string& kind) {
  const Failure fail(path, kind);
  TempFile temp = create_temp_beside(path, fail);
  write_all(temp, bytes, fail);
  // Each errno is read before building the message can change it.
  if (::fsync(temp.fd()) != 0) {
    const int error = errno;
    fail(error, "flushing " + temp.path() + " to disk failed");
  }
  if (!temp.close()) {
    const int error = errno;
    fail(error, "closing " + temp.path() + " failed");
  }
  if (::rename(temp.path().c_str(), path.c_str()) != 0) {
    const int error = errno;
    fail(error, "renaming " + temp.path() + " over it failed");
  }
  temp.mark_renamed();
  sync_folder_of(path);
}

}  // namespace ecglens
