// Reader of UCR's ARFF files (format described in header_formats.h).
#include <algorithm>

#include "ecglens/data/header_formats.h"
#include "ecglens/util/error.h"

namespace ecglens::data_detail {

std::string declared_list(const std::vector<std::string>& values) {
  std::string out;
  for (const std::string& v : values) {
    if (!out.empty()) out += ",";
    out += v;
    if (out.size() > 200) return out.substr(0, 200) + "...";
  }
  return out;
}

namespace {

struct Attribute {
  std::string name;
  bool nominal = false;
  std::vector<std::string> values;  // the declared values of a nominal attribute
};

// Splits "WORD rest" at the first space or tab.
std::string_view first_word(std::string_view text, std::string_view& rest) {
  std::size_t end = 0;
  while (end < text.size() && text[end] != ' ' && text[end] != '\t') ++end;
  rest = trim(text.substr(end));
  return text.substr(0, end);
}

// "@attribute NAME TYPE" with NAME possibly quoted; columns are word indices
// (the keyword is 1, the name 2, the type 3).
Attribute parse_attribute(std::string_view rest, const std::string& source, long line) {
  Attribute a;
  std::string_view type;
  if (!rest.empty() && (rest[0] == '\'' || rest[0] == '"')) {
    const std::size_t close = rest.find(rest[0], 1);
    if (close == std::string_view::npos) {
      throw InputError(source, line, 2, "unterminated quote in the attribute name");
    }
    a.name = std::string(rest.substr(1, close - 1));
    type = trim(rest.substr(close + 1));
  } else {
    a.name = std::string(first_word(rest, type));
  }
  if (a.name.empty() || type.empty()) {
    throw InputError(source, line, 0, "@attribute needs a name and a type");
  }
  const std::string kind = lower(type);
  if (kind == "numeric" || kind == "real" || kind == "integer") return a;
  if (type.front() == '{') {
    if (type.back() != '}') throw InputError(source, line, 3, "nominal values must end with '}'");
    std::string_view list = type.substr(1, type.size() - 2);
    for (;;) {
      const std::size_t comma = list.find(',');
      const std::string_view value = unquote(list.substr(0, comma));
      if (value.empty()) throw InputError(source, line, 3, "empty nominal value in " + quote(type));
      a.values.emplace_back(value);
      if (comma == std::string_view::npos) break;
      list.remove_prefix(comma + 1);
    }
    a.nominal = true;
    return a;
  }
  if (kind == "relational") {
    throw InputError(source, line, 3,
                     "relational attributes (multivariate ARFF) are not supported; "
                     "read the .ts file of the data set instead");
  }
  std::string_view after_word;
  const std::string word = lower(first_word(type, after_word));
  if (word == "string" || word == "date") {
    throw InputError(source, line, 3, "attribute type '" + word + "' is not supported");
  }
  throw InputError(source, line, 3, "unknown attribute type " + quote(type));
}

}  // namespace

Dataset parse_arff(LineSource& lines, const ReadOptions& options) {
  const std::string& source = lines.source();
  std::vector<Attribute> attributes;
  bool relation = false;
  long data_line = 0;
  long label_index = -1;
  std::string_view line;

  // Header: everything up to @data.
  while (data_line == 0 && lines.next(line)) {
    const std::string_view text = trim(line);
    const long number = lines.line_number();
    if (text.empty() || text[0] == '%') continue;
    if (text[0] != '@') {
      throw InputError(source, number, 1,
                       "expected @relation, @attribute or @data, found " + quote(text));
    }
    std::string_view rest;
    const std::string keyword = lower(first_word(text, rest));
    if (keyword == "@relation") {
      if (relation) throw InputError(source, number, 1, "second @relation");
      relation = true;
    } else if (keyword == "@attribute") {
      if (!relation) throw InputError(source, number, 1, "@attribute before @relation");
      Attribute a = parse_attribute(rest, source, number);
      if (a.nominal) {
        if (label_index >= 0) {
          throw InputError(source, number, 2,
                           "second nominal attribute '" + a.name + "' (the class is already '" +
                               attributes[static_cast<std::size_t>(label_index)].name +
                               "'); only one class attribute is supported");
        }
        label_index = static_cast<long>(attributes.size());
      }
      attributes.push_back(std::move(a));
    } else if (keyword == "@data") {
      if (!relation) throw InputError(source, number, 1, "@data before @relation");
      data_line = number;
    } else {
      throw InputError(source, number, 1, "unknown keyword " + quote(keyword));
    }
  }
  if (data_line == 0) throw InputError(source, 0, 0, "missing @data line");
  const std::size_t fields = attributes.size();
  const std::size_t length = fields - (label_index >= 0 ? 1 : 0);
  if (length == 0) throw InputError(source, data_line, 0, "no numeric @attribute before @data");

  Dataset out;
  out.source = source;
  out.length = static_cast<int>(length);
  out.channels = 1;
  const bool keep_labels = label_index >= 0 && options.label != LabelColumn::None;
  out.label_column = keep_labels ? label_index + 1 : 0;

  // Data rows: comma-separated, one field per attribute.
  std::vector<std::string_view> cells;
  while (lines.next(line)) {
    const std::string_view text = trim(line);
    const long number = lines.line_number();
    if (text.empty() || text[0] == '%') continue;
    if (text[0] == '{') throw InputError(source, number, 1, "sparse ARFF rows are not supported");
    if (options.expected_length > 0 && static_cast<std::size_t>(options.expected_length) != length) {
      throw InputError(source, number, 0,
                       "row has " + std::to_string(length) + " values, expected " +
                           std::to_string(options.expected_length) + " (the required length)");
    }
    cells.clear();
    std::string_view rest = text;
    for (;;) {
      const std::size_t comma = rest.find(',');
      cells.push_back(rest.substr(0, comma));
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
    if (cells.size() != fields) {
      const std::size_t column = cells.size() < fields ? cells.size() + 1 : fields + 1;
      throw InputError(source, number, static_cast<long>(column),
                       "row has " + std::to_string(cells.size()) + " fields, expected " +
                           std::to_string(fields) + " (one per @attribute)");
    }
    for (std::size_t i = 0; i < fields; ++i) {
      const long column = static_cast<long>(i) + 1;
      if (trim(cells[i]) == "?") {
        throw InputError(source, number, column, "missing value '?' is not supported");
      }
      if (static_cast<long>(i) != label_index) {
        out.values.push_back(parse_value(cells[i], source, number, column));
        continue;
      }
      const std::string_view label = unquote(cells[i]);
      const std::vector<std::string>& declared = attributes[i].values;
      if (std::find(declared.begin(), declared.end(), label) == declared.end()) {
        throw InputError(source, number, column,
                         "unknown label " + quote(label) + " (declared: " + declared_list(declared) + ")");
      }
      if (keep_labels) out.labels.emplace_back(label);
    }
    out.lines.push_back(number);
  }
  if (out.lines.empty()) throw InputError(source, data_line, 0, "no beats after @data");
  return out;
}

}  // namespace ecglens::data_detail
