#include "ecglens/data/beat_reader.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>

#include "ecglens/data/delimited_reader.h"
#include "ecglens/data/header_formats.h"
#include "ecglens/data/text_input.h"
#include "ecglens/util/error.h"

namespace ecglens {

struct BeatReader::State {
  State(std::unique_ptr<std::istream> in, std::string source, const ReadOptions& opts)
      : input(std::move(in)), lines(*input, std::move(source)), options(opts) {}

  std::unique_ptr<std::istream> input;
  data_detail::StreamLines lines;  // reads *input
  ReadOptions options;
  Format format = Format::Auto;
  std::optional<data_detail::DelimitedReader> rows;  // CSV, TSV, .txt
  std::optional<Dataset> whole;                      // ARFF, .ts: read on first next()
  std::size_t position = 0;                          // next beat of *whole
};

BeatReader::BeatReader(const std::string& path, const ReadOptions& options) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw Error(path + ": no such file");
  if (std::filesystem::is_directory(path, ec)) throw Error(path + ": is a folder, not a file");
  auto file = std::make_unique<std::ifstream>(path, std::ios::binary);
  if (!*file) throw Error(path + ": cannot open the file for reading");
  *this = BeatReader(std::move(file), path, options);
}

BeatReader::BeatReader(std::unique_ptr<std::istream> input, std::string source_name,
                       const ReadOptions& options) {
  if (!input) throw Error(source_name + ": no input stream");
  data_detail::check_options(options, source_name);
  state_ = std::make_unique<State>(std::move(input), std::move(source_name), options);
  State& s = *state_;
  s.format = options.format;
  if (s.format == Format::Auto) s.format = detect_format(s.lines.source(), s.lines.peek(64 * 1024));
  if (s.format != Format::Arff && s.format != Format::Ts) s.rows.emplace(s.lines, s.format, options);
}

BeatReader::~BeatReader() = default;
BeatReader::BeatReader(BeatReader&&) noexcept = default;
BeatReader& BeatReader::operator=(BeatReader&&) noexcept = default;

Format BeatReader::format() const noexcept { return state_->format; }

bool BeatReader::next(Dataset& batch, std::size_t max_beats) {
  State& s = *state_;
  if (s.rows) return s.rows->next(batch, max_beats);

  if (max_beats == 0) throw Error(s.lines.source() + ": a batch needs room for at least one beat");
  if (!s.whole) {
    s.whole = s.format == Format::Arff ? data_detail::parse_arff(s.lines, s.options)
                                       : data_detail::parse_ts(s.lines, s.options);
  }
  const Dataset& all = *s.whole;
  batch.source = all.source;
  batch.length = all.length;
  batch.channels = all.channels;
  batch.label_column = all.label_column;
  const std::size_t begin = s.position;
  const std::size_t end = std::min(all.size(), begin + std::min(max_beats, all.size() - begin));
  const std::size_t per_beat = static_cast<std::size_t>(all.length) * static_cast<std::size_t>(all.channels);
  batch.values.assign(all.values.begin() + static_cast<std::ptrdiff_t>(begin * per_beat),
                      all.values.begin() + static_cast<std::ptrdiff_t>(end * per_beat));
  batch.lines.assign(all.lines.begin() + static_cast<std::ptrdiff_t>(begin),
                     all.lines.begin() + static_cast<std::ptrdiff_t>(end));
  batch.labels.clear();
  if (!all.labels.empty()) {
    batch.labels.assign(all.labels.begin() + static_cast<std::ptrdiff_t>(begin),
                        all.labels.begin() + static_cast<std::ptrdiff_t>(end));
  }
  s.position = end;
  return end > begin;
}

}  // namespace ecglens
