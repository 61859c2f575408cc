// libFuzzer target for the CSV / TSV / UCR .txt reader. The whole input is
// the file (so the fixtures are good seeds); the options (format, label
// column, header, expected length) are drawn from a hash of its size. Any
// input must either parse into a consistent Dataset or raise ecglens::Error;
// a crash, a sanitizer report, another exception type or a hang is a bug.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "dataset_invariants.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static constexpr ecglens::Format kFormats[] = {ecglens::Format::Csv, ecglens::Format::Tsv,
                                                 ecglens::Format::UcrTxt};
  static constexpr ecglens::LabelColumn kLabels[] = {ecglens::LabelColumn::Auto, ecglens::LabelColumn::First,
                                                     ecglens::LabelColumn::Last, ecglens::LabelColumn::None};
  const std::uint64_t pick = (static_cast<std::uint64_t>(size) * 0x9E3779B97F4A7C15ull) >> 40;
  ecglens::ReadOptions options;
  options.format = kFormats[pick % 3];
  options.label = kLabels[(pick / 3) % 4];
  options.header = static_cast<int>((pick / 12) % 3) - 1;
  options.expected_length = (pick / 36) % 2 == 0 ? 0 : 3;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  ecglens::fuzz::parse_and_check(bytes, "fuzz", options);
  return 0;
}
