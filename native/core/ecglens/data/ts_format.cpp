// Reader of sktime/UCR .ts files (format described in header_formats.h).
#include <algorithm>
#include <charconv>

#include "ecglens/data/header_formats.h"
#include "ecglens/util/error.h"

namespace ecglens::data_detail {
namespace {

// Header values, as declared before @data.
struct TsHeader {
  int univariate = -1;      // -1 not declared, 0 false, 1 true
  long dimensions = 0;      // 0 not declared
  long dimensions_line = 0;
  bool equal_length = true;
  long series_length = 0;   // 0 not declared
  bool class_label = false;
  std::vector<std::string> classes;
};

std::vector<std::string_view> words_of(std::string_view text) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    const std::size_t start = i;
    while (i < text.size() && text[i] != ' ' && text[i] != '\t') ++i;
    if (i > start) words.push_back(text.substr(start, i - start));
  }
  return words;
}

bool true_or_false(const std::vector<std::string_view>& words, const std::string& source, long line) {
  if (words.size() < 2) throw InputError(source, line, 0, std::string(words[0]) + " needs true or false");
  if (iequals(words[1], "true")) return true;
  if (iequals(words[1], "false")) return false;
  throw InputError(source, line, 2, "expected true or false, found " + quote(words[1]));
}

long positive_count(const std::vector<std::string_view>& words, const std::string& source, long line) {
  long value = 0;
  if (words.size() >= 2) {
    const std::string_view w = words[1];
    const auto r = std::from_chars(w.data(), w.data() + w.size(), value);
    if (r.ec == std::errc() && r.ptr == w.data() + w.size() && value > 0 && value <= 100000000) {
      return value;
    }
  }
  throw InputError(source, line, 2,
                   std::string(words[0]) + " needs a positive whole number" +
                       (words.size() >= 2 ? ", found " + quote(words[1]) : std::string()));
}

// Reads the header lines up to @data; returns the line number of @data.
long read_header(LineSource& lines, TsHeader& h) {
  const std::string& source = lines.source();
  std::string_view line;
  while (lines.next(line)) {
    const std::string_view text = trim(line);
    const long number = lines.line_number();
    if (text.empty() || text[0] == '#' || text[0] == '%') continue;
    if (text[0] != '@') {
      throw InputError(source, number, 1, "expected a @ header line before @data, found " + quote(text));
    }
    const std::vector<std::string_view> words = words_of(text);
    const std::string keyword = lower(words[0]);
    if (keyword == "@data") return number;
    if (keyword == "@problemname" || keyword == "@missing") {
      // The name is for people; '?' is rejected in the rows whatever @missing says.
    } else if (keyword == "@timestamps") {
      if (true_or_false(words, source, number)) {
        throw InputError(source, number, 2, "time-stamped series (@timeStamps true) are not supported");
      }
    } else if (keyword == "@univariate") {
      h.univariate = true_or_false(words, source, number) ? 1 : 0;
    } else if (keyword == "@dimensions" || keyword == "@dimension") {
      h.dimensions = positive_count(words, source, number);
      h.dimensions_line = number;
    } else if (keyword == "@equallength") {
      h.equal_length = true_or_false(words, source, number);
    } else if (keyword == "@serieslength") {
      h.series_length = positive_count(words, source, number);
    } else if (keyword == "@classlabel") {
      h.class_label = true_or_false(words, source, number);
      h.classes.assign(words.begin() + 2, words.end());
      if (h.class_label && h.classes.empty()) {
        throw InputError(source, number, 0, "@classLabel true needs the class values");
      }
    } else if (keyword == "@targetlabel") {
      if (true_or_false(words, source, number)) {
        throw InputError(source, number, 2, "regression targets (@targetLabel true) are not supported");
      }
    } else {
      throw InputError(source, number, 1, "unknown header keyword " + quote(words[0]));
    }
  }
  throw InputError(source, 0, 0, "missing @data line");
}

void split_on(std::string_view text, char separator, std::vector<std::string_view>& parts) {
  parts.clear();
  for (;;) {
    const std::size_t at = text.find(separator);
    parts.push_back(text.substr(0, at));
    if (at == std::string_view::npos) return;
    text.remove_prefix(at + 1);
  }
}

}  // namespace

Dataset parse_ts(LineSource& lines, const ReadOptions& options) {
  const std::string& source = lines.source();
  TsHeader h;
  const long data_line = read_header(lines, h);
  if (h.univariate == 1 && h.dimensions > 1) {
    throw InputError(source, h.dimensions_line, 2,
                     "@univariate true but @dimensions " + std::to_string(h.dimensions));
  }

  // Widths fixed by the header or the options; 0 = set by the first row.
  std::size_t dims = h.dimensions > 0 ? static_cast<std::size_t>(h.dimensions) : (h.univariate == 1 ? 1 : 0);
  std::size_t length = 0;
  std::string length_reason;
  if (options.expected_length > 0) {
    length = static_cast<std::size_t>(options.expected_length);
    length_reason = " (the required length)";
  } else if (h.equal_length && h.series_length > 0) {
    length = static_cast<std::size_t>(h.series_length);
    length_reason = " (@seriesLength)";
  }

  Dataset out;
  out.source = source;
  const bool keep_labels = h.class_label && options.label != LabelColumn::None;
  std::vector<std::string_view> parts;
  std::vector<std::string_view> cells;
  std::string_view line;
  while (lines.next(line)) {
    const std::string_view text = trim(line);
    const long number = lines.line_number();
    if (text.empty() || text[0] == '#' || text[0] == '%') continue;
    split_on(text, ':', parts);
    std::string_view label;
    if (h.class_label) {
      label = trim(parts.back());
      parts.pop_back();
    }
    if (parts.empty()) throw InputError(source, number, 1, "row has no series before the class label");
    if (dims == 0) dims = parts.size();
    if (parts.size() != dims) {
      throw InputError(source, number, 0,
                       "row has " + std::to_string(parts.size()) +
                           (parts.size() == 1 ? " dimension" : " dimensions") + ", expected " +
                           std::to_string(dims));
    }

    long column = 0;  // fields counted across dimensions, as the file shows them
    std::size_t base = out.values.size();
    for (std::size_t d = 0; d < dims; ++d) {
      if (trim(parts[d]).empty()) {
        throw InputError(source, number, column + 1, "dimension " + std::to_string(d + 1) + " is empty");
      }
      split_on(parts[d], ',', cells);
      if (length == 0) {
        length = cells.size();
        length_reason = " (as on line " + std::to_string(number) + ")";
      }
      if (cells.size() != length) {
        const std::string hint = h.equal_length ? "" : "; series of unequal length are not supported, resample them first";
        throw InputError(source, number, column + static_cast<long>(std::min(cells.size(), length)) + 1,
                         "dimension " + std::to_string(d + 1) + " has " + std::to_string(cells.size()) +
                             " values, expected " + std::to_string(length) + length_reason + hint);
      }
      if (d == 0) out.values.resize(base + length * dims);
      // Dimension d is channel d: value t goes to (t*dims + d) within the beat.
      for (std::size_t t = 0; t < length; ++t) {
        ++column;
        if (trim(cells[t]) == "?") {
          throw InputError(source, number, column, "missing value '?' is not supported");
        }
        out.values[base + t * dims + d] = parse_value(cells[t], source, number, column);
      }
    }
    if (h.class_label) {
      ++column;
      if (label.empty()) throw InputError(source, number, column, "missing class label");
      if (std::find(h.classes.begin(), h.classes.end(), label) == h.classes.end()) {
        throw InputError(source, number, column,
                         "unknown label " + quote(label) + " (declared: " + declared_list(h.classes) + ")");
      }
      if (keep_labels) out.labels.emplace_back(label);
      out.label_column = keep_labels ? column : 0;
    }
    out.lines.push_back(number);
  }
  if (out.lines.empty()) throw InputError(source, data_line, 0, "no beats after @data");
  out.length = static_cast<int>(length);
  out.channels = static_cast<int>(dims);
  return out;
}

}  // namespace ecglens::data_detail
