// Differential libFuzzer target: the streaming path (chunked line source,
// batches) against the whole-file path (parse_dataset), for every format
// including auto-detection. The whole input is the file (so the fixtures are
// good seeds); a hash of its size picks the options, the chunk size (1..64
// bytes, so chunk boundaries fall everywhere) and the batch size (1..8).
// Both paths must accept the input with identical Datasets, or both refuse it
// with the same message; anything else aborts.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

#include "append_batch.h"
#include "ecglens/data/dataset.h"
#include "ecglens/data/delimited_reader.h"
#include "ecglens/data/header_formats.h"
#include "ecglens/data/text_input.h"
#include "ecglens/util/error.h"

namespace {

using ecglens::Dataset;

bool same(const Dataset& a, const Dataset& b) {
  return a.source == b.source && a.length == b.length && a.channels == b.channels &&
         a.label_column == b.label_column && a.values == b.values && a.labels == b.labels &&
         a.lines == b.lines;
}

// What the streaming path gives: the batches concatenated.
Dataset read_streaming(std::string_view bytes, const std::string& name, const ecglens::ReadOptions& options,
                       std::size_t chunk, std::size_t batch_size) {
  const ecglens::Format format =
      options.format == ecglens::Format::Auto ? ecglens::detect_format(name, bytes.substr(0, 64 * 1024))
                                              : options.format;
  std::istringstream in{std::string(bytes)};
  ecglens::data_detail::StreamLines lines(in, name, chunk);
  if (format == ecglens::Format::Arff) return ecglens::data_detail::parse_arff(lines, options);
  if (format == ecglens::Format::Ts) return ecglens::data_detail::parse_ts(lines, options);
  ecglens::data_detail::DelimitedReader reader(lines, format, options);
  Dataset all;
  Dataset batch;
  while (reader.next(batch, batch_size)) {
    if (batch.size() == 0 || batch.size() > batch_size) std::abort();
    ecglens::test::append_batch(all, batch);
  }
  return all;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static constexpr ecglens::Format kFormats[] = {ecglens::Format::Auto,   ecglens::Format::Csv,
                                                 ecglens::Format::Tsv,    ecglens::Format::UcrTxt,
                                                 ecglens::Format::Arff,   ecglens::Format::Ts};
  static constexpr ecglens::LabelColumn kLabels[] = {ecglens::LabelColumn::Auto, ecglens::LabelColumn::First,
                                                     ecglens::LabelColumn::Last, ecglens::LabelColumn::None};
  const std::uint64_t pick = (static_cast<std::uint64_t>(size) * 0x9E3779B97F4A7C15ull) >> 32;
  ecglens::ReadOptions options;
  options.format = kFormats[pick % 6];
  options.label = kLabels[(pick / 6) % 4];
  options.header = static_cast<int>((pick / 24) % 3) - 1;
  const std::size_t chunk = 1 + (pick / 72) % 64;
  const std::size_t batch_size = 1 + (pick / 4608) % 8;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const std::string name = "upload";  // no extension: the content decides under Auto

  std::optional<Dataset> whole;
  std::string whole_error;
  try {
    whole = ecglens::parse_dataset(bytes, name, options);
  } catch (const ecglens::Error& e) {
    whole_error = e.what();
  }
  std::optional<Dataset> streamed;
  std::string stream_error;
  try {
    streamed = read_streaming(bytes, name, options, chunk, batch_size);
  } catch (const ecglens::Error& e) {
    stream_error = e.what();
  }
  if (whole.has_value() != streamed.has_value()) std::abort();
  if (whole && !same(*whole, *streamed)) std::abort();
  if (!whole && whole_error != stream_error) std::abort();
  return 0;
}
