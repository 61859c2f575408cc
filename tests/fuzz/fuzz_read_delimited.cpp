// libFuzzer target for the CSV / TSV / UCR .txt reader. The whole input is
// the file (so the fixtures are good seeds); the options (format, label
// column, header, expected length) are drawn from a hash of its size. Any
// input must either parse into a consistent Dataset or raise ecglens::Error;
// a crash, a sanitizer report, another exception type or a hang is a bug.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ecglens/data/dataset.h"
#include "ecglens/util/error.h"

namespace {

// Aborts unless the Dataset's parts agree with each other.
void check_consistent(const ecglens::Dataset& d) {
  const std::size_t beats = d.lines.size();
  if (beats == 0 || d.length <= 0 || d.channels <= 0) std::abort();
  if (d.values.size() != beats * static_cast<std::size_t>(d.length) * static_cast<std::size_t>(d.channels)) std::abort();
  if (d.size() != beats) std::abort();
  if (!d.labels.empty() && d.labels.size() != beats) std::abort();
  for (std::size_t i = 1; i < beats; ++i) {
    if (d.lines[i] <= d.lines[i - 1]) std::abort();
  }
  for (float v : d.values) {
    if (!std::isfinite(v)) std::abort();
  }
}

}  // namespace

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
  try {
    check_consistent(ecglens::parse_dataset(bytes, "fuzz", options));
  } catch (const ecglens::Error&) {
    // refused with a message: the expected outcome for most inputs
  }
  return 0;
}
