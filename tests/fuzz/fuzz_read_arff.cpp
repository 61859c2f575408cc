// libFuzzer target for the ARFF reader. The whole input is the file (so the
// fixtures are good seeds); the label and length options are drawn from a
// hash of its size. Any input must either parse into a
// consistent Dataset or raise ecglens::Error; a crash, a sanitizer report,
// another exception type or a hang is a bug.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "dataset_invariants.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::uint64_t pick = (static_cast<std::uint64_t>(size) * 0x9E3779B97F4A7C15ull) >> 40;
  ecglens::ReadOptions options;
  options.format = ecglens::Format::Arff;
  options.label = pick % 2 == 0 ? ecglens::LabelColumn::Auto : ecglens::LabelColumn::None;
  options.expected_length = (pick / 2) % 2 == 0 ? 0 : 3;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  ecglens::fuzz::parse_and_check(bytes, "fuzz.arff", options);
  return 0;
}
