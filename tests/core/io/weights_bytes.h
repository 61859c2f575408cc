// Builds weights files byte by byte (FORMAT.md), so a test can make exactly
// the malformation it checks without going through the writer.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "ecglens/io/weights_file.h"
#include "ecglens/util/error.h"

namespace ecglens::test {

inline std::string le32(std::uint32_t v) {
  std::string out;
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xffu));
  return out;
}

inline std::string le64(std::uint64_t v) {
  std::string out;
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xffu));
  return out;
}

// Float32 values as the data section stores them (little-endian).
inline std::string f32_bytes(const std::vector<float>& values) {
  std::string out;
  for (const float v : values) {
    std::uint32_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    out += le32(bits);
  }
  return out;
}

struct Preamble {
  std::string magic = "ECGLENSW";
  std::uint32_t version = 1;
  std::uint32_t reserved = 0;
  std::optional<std::uint64_t> header_length;  // the header's real size when unset
};

// Preamble, `header`, zero padding to a multiple of 64, then `data`.
inline std::string weights_bytes(const std::string& header, const std::string& data,
                                 const Preamble& pre = {}) {
  std::string out = pre.magic + le32(pre.version) + le32(pre.reserved) +
                    le64(pre.header_length.value_or(header.size())) + header;
  out.resize((out.size() + 63) / 64 * 64, '\0');
  return out + data;
}

// A minimal header around the given "tensors" list.
inline std::string header_with_tensors(const std::string& tensors) {
  return R"({"architecture":{"kind":"lstm_ae"},"tensors":)" + tensors + "}";
}

// A valid file with one tensor "w" of shape [2, 2] holding 1, 2, 3, 4.
inline std::string valid_weights_bytes() {
  return weights_bytes(header_with_tensors(R"([{"name":"w","shape":[2,2],"dtype":"f32","offset":0}])"),
                       f32_bytes({1, 2, 3, 4}));
}

// Expects parse_weights(bytes, "bad.ecgw") to throw a WeightsError whose
// what() is exactly `message` and which names `tensor` ("" for none).
inline void expect_rejected(const std::string& bytes, const std::string& tensor, const std::string& message) {
  try {
    parse_weights(bytes, "bad.ecgw");
    ADD_FAILURE() << "accepted; wanted: " << message;
  } catch (const WeightsError& e) {
    EXPECT_EQ(std::string(e.what()), message);
    EXPECT_EQ(e.tensor(), tensor);
    EXPECT_EQ(e.file(), "bad.ecgw");
  }
}

}  // namespace ecglens::test
