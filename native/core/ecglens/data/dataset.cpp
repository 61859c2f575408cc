#include "ecglens/data/dataset.h"

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "ecglens/data/delimited_reader.h"
#include "ecglens/data/header_formats.h"
#include "ecglens/data/text_input.h"
#include "ecglens/util/error.h"

namespace ecglens {

using data_detail::lower;
using data_detail::trim;

namespace {

// How much of the content detect_format() looks at.
constexpr std::size_t kSniffBytes = 64 * 1024;

// The format the first non-blank line suggests (see dataset.h).
Format sniff_content(std::string_view head) {
  data_detail::MemoryLines lines(head, "");
  std::string_view line;
  while (lines.next(line)) {
    const std::string_view text = trim(line);
    if (text.empty() || text[0] == '%' || text[0] == '#') continue;  // comments of ARFF and .ts
    if (text[0] == '@') {
      const std::string word = lower(text.substr(0, text.find_first_of(" \t")));
      return (word == "@relation" || word == "@attribute") ? Format::Arff : Format::Ts;
    }
    if (text.find_first_of(",;") != std::string_view::npos) return Format::Csv;
    if (text.find('\t') != std::string_view::npos) return Format::Tsv;
    return Format::UcrTxt;
  }
  return Format::Csv;
}

}  // namespace

Format detect_format(const std::string& source_name, std::string_view head) {
  const std::string ext = data_detail::extension_of(source_name);
  if (ext == "csv") return Format::Csv;
  if (ext == "tsv") return Format::Tsv;
  if (ext == "arff") return Format::Arff;
  if (ext == "ts") return Format::Ts;
  const Format content = sniff_content(head.substr(0, kSniffBytes));
  if (ext == "txt") return content == Format::Csv ? Format::Csv : Format::UcrTxt;
  return content;
}

Dataset parse_dataset(std::string_view bytes, const std::string& source_name, const ReadOptions& options) {
  data_detail::check_options(options, source_name);
  const Format format =
      options.format == Format::Auto ? detect_format(source_name, bytes.substr(0, kSniffBytes)) : options.format;
  data_detail::MemoryLines lines(bytes, source_name);
  if (format == Format::Arff) return data_detail::parse_arff(lines, options);
  if (format == Format::Ts) return data_detail::parse_ts(lines, options);
  data_detail::DelimitedReader reader(lines, format, options);
  Dataset out;
  reader.next(out, SIZE_MAX);  // one batch holds every beat; "no beats" throws
  return out;
}

Dataset read_dataset(const std::string& path, const ReadOptions& options) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw Error(path + ": no such file");
  if (std::filesystem::is_directory(path, ec)) throw Error(path + ": is a folder, not a file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open the file for reading");
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) throw Error(path + ": read error");
  return parse_dataset(bytes.str(), path, options);
}

Format parse_format(std::string_view name) {
  if (name == "auto") return Format::Auto;
  if (name == "csv") return Format::Csv;
  if (name == "tsv") return Format::Tsv;
  if (name == "txt") return Format::UcrTxt;
  if (name == "arff") return Format::Arff;
  if (name == "ts") return Format::Ts;
  throw Error("unknown data format '" + std::string(name) + "': expected auto, csv, tsv, txt, arff or ts");
}

const char* to_string(Format format) noexcept {
  switch (format) {
    case Format::Auto: return "auto";
    case Format::Csv: return "csv";
    case Format::Tsv: return "tsv";
    case Format::UcrTxt: return "txt";
    case Format::Arff: return "arff";
    case Format::Ts: return "ts";
  }
  return "unknown";
}

LabelColumn parse_label_column(std::string_view name) {
  if (name == "auto") return LabelColumn::Auto;
  if (name == "first") return LabelColumn::First;
  if (name == "last") return LabelColumn::Last;
  if (name == "none") return LabelColumn::None;
  throw Error("unknown label column '" + std::string(name) + "': expected auto, first, last or none");
}

const char* to_string(LabelColumn label) noexcept {
  switch (label) {
    case LabelColumn::Auto: return "auto";
    case LabelColumn::First: return "first";
    case LabelColumn::Last: return "last";
    case LabelColumn::None: return "none";
  }
  return "unknown";
}

}  // namespace ecglens
