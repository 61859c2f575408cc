// Internal to the io area: the layout constants of FORMAT.md and the checks
// that the reader and the writer share, so that a writer can never produce a
// file its own reader rejects.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "ecglens/io/weights_file.h"
#include "ecglens/util/error.h"

namespace ecglens::weights_rules {

// The errors of both directions: the file (or the name a byte buffer goes by)
// and, where one is at fault, the tensor.
[[noreturn]] inline void fail(const std::string& source, const std::string& message) {
  throw WeightsError(source, "", message);
}
[[noreturn]] inline void fail_tensor(const std::string& source, const std::string& tensor,
                                     const std::string& message) {
  throw WeightsError(source, tensor, message);
}

// Preamble: magic[8], version u32, reserved u32, header length u64.
inline constexpr char kMagic[8] = {'E', 'C', 'G', 'L', 'E', 'N', 'S', 'W'};
inline constexpr std::size_t kPreambleSize = 24;
// The data section starts at a multiple of this many bytes.
inline constexpr std::size_t kDataAlignment = 64;
inline constexpr std::size_t kFloatBytes = 4;
// The header may nest objects and lists at most this many levels deep (the
// header object itself is level 1): nothing in the format needs more than a
// few, and converting or printing deeper values recurses.
inline constexpr std::size_t kMaxJsonLevels = 64;

// Offset of the data section for a header of `header_length` bytes:
// 24 + N rounded up to a multiple of 64. The caller guarantees that
// 24 + N does not overflow (N is at most the file size).
inline std::uint64_t data_section_start(std::uint64_t header_length) {
  const std::uint64_t end = kPreambleSize + header_length;
  return (end + kDataAlignment - 1) / kDataAlignment * kDataAlignment;
}

// Checks every field but the tensors: architecture is an object with a
// non-empty string "kind"; normalization an object whose only key is
// "per_beat" (none, zscore or minmax); loss mse, mae or sae; thresholds
// finite, uniquely and non-emptily named, the default one of them;
// hyperparameters, provenance and extra objects, extra not reusing a key the
// format defines. Throws WeightsError naming `source`.
void check_metadata(const WeightsFile& file, const std::string& source);

// Checks that a tensor's values are all finite: WeightsError naming the
// tensor, the first bad value and its flat index.
void check_finite(const Tensor& tensor, const std::string& source);

// True when `key` is one of the top-level header keys the format defines.
bool is_format_key(const std::string& key);

}  // namespace ecglens::weights_rules
