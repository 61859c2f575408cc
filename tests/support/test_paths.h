// Where tests find their inputs, independent of the working directory.
#pragma once
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace ecglens::test {

// tests/fixtures in the source tree (committed fixtures).
inline std::filesystem::path fixture(const std::string& relative) {
  return std::filesystem::path(ECGLENS_FIXTURE_DIR) / relative;
}

// The ECG5000 folder (../shared/data/ecg5000 by default; ECGLENS_DATA_DIR at
// configure time overrides it). Tests that need it skip when it is absent.
inline std::filesystem::path ecg5000(const std::string& file) {
  return std::filesystem::path(ECGLENS_DATA_DIR) / file;
}

// The whole file, byte for byte; throws when it cannot be opened, so a
// missing input fails the test by name instead of reading as empty.
inline std::string read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("missing test input " + path.string());
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace ecglens::test
