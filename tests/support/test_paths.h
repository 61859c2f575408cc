// Where tests find their inputs, independent of the working directory.
#pragma once
#include <filesystem>
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

}  // namespace ecglens::test
