#include "ecglens/data/delimited_reader.h"

#include <cmath>

#include "ecglens/util/error.h"

namespace ecglens::data_detail {
namespace {

// How many rows (and bytes) the header and label guesses look at.
constexpr std::size_t kWindowRows = 256;
constexpr std::size_t kWindowBytes = std::size_t{4} << 20;

// What a cell holds, for the guesses.
enum class Kind { Integer, Real, Text, Other };  // Other: empty, nan/inf, out of range

Kind kind_of(std::string_view text) {
  double value = 0.0;
  switch (parse_double(text, value)) {
    case NumberStatus::Ok:
      return (std::floor(value) == value && std::fabs(value) < 9.0e15) ? Kind::Integer : Kind::Real;
    case NumberStatus::NotANumber: return Kind::Text;
    default: return Kind::Other;
  }
}

bool is_number(Kind k) { return k == Kind::Integer || k == Kind::Real; }
bool is_label_like(Kind k) { return k == Kind::Integer || k == Kind::Text; }

bool is_blank(std::string_view line) { return trim(line).empty(); }

// A label as stored: quotes removed, "" inside quotes read as one ".
std::string label_text(std::string_view text, bool quoted) {
  if (!quoted) return std::string(unquote(text));
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    out += text[i];
    if (text[i] == '"' && i + 1 < text.size() && text[i + 1] == '"') ++i;
  }
  return out;
}

bool is_label_name(std::string_view cell) {
  const std::string name = lower(unquote(cell));
  return name == "label" || name == "class" || name == "target" || name == "y";
}

}  // namespace

DelimitedReader::DelimitedReader(LineSource& lines, Format format, const ReadOptions& options)
    : lines_(lines), format_(format), options_(options) {
  if (format == Format::Tsv) delimiter_ = '\t';
  if (format == Format::UcrTxt) delimiter_ = ' ';
}

bool DelimitedReader::split(std::string_view line, std::vector<Cell>& cells, long& bad_column,
                            std::string& reason) const {
  cells.clear();
  if (delimiter_ == ' ') {  // UCR .txt: fields are runs of non-blank bytes
    std::size_t i = 0;
    while (i < line.size()) {
      while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
      const std::size_t start = i;
      while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
      if (i > start) cells.push_back({line.substr(start, i - start), false});
    }
    return true;
  }
  // CSV/TSV: a cell may be quoted ("N", "a,b", "say ""hi"""); a quote is
  // only special as the first non-blank byte of a cell.
  std::size_t i = 0;
  for (;;) {
    while (i < line.size() && (line[i] == ' ' || (line[i] == '\t' && delimiter_ != '\t'))) ++i;
    if (i < line.size() && line[i] == '"') {
      const std::size_t open = i++;
      for (;;) {
        if (i >= line.size()) {
          bad_column = static_cast<long>(cells.size()) + 1;
          reason = "unterminated quote";
          return false;
        }
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            i += 2;
            continue;
          }
          break;
        }
        ++i;
      }
      cells.push_back({line.substr(open + 1, i - open - 1), true});
      ++i;  // the closing quote
      while (i < line.size() && (line[i] == ' ' || (line[i] == '\t' && delimiter_ != '\t'))) ++i;
      if (i < line.size() && line[i] != delimiter_) {
        bad_column = static_cast<long>(cells.size());
        reason = "text after the closing quote";
        return false;
      }
    } else {
      std::size_t end = line.find(delimiter_, i);
      if (end == std::string_view::npos) end = line.size();
      cells.push_back({trim(line.substr(i, end - i)), false});
      i = end;
    }
    if (i >= line.size()) return true;
    ++i;  // the delimiter
  }
}

bool DelimitedReader::looks_like_header(const std::vector<Cell>& first,
                                        const std::vector<Cell>* second,
                                        LabelColumn known) const {
  const std::size_t n = first.size();
  std::size_t begin = 0;
  std::size_t end = n;  // the inner cells are [begin, end)
  if (known == LabelColumn::First) {
    begin = 1;
  } else if (known == LabelColumn::Last) {
    end = n == 0 ? 0 : n - 1;
  } else if (known == LabelColumn::Auto) {
    if (n <= 2) {  // too few cells for a majority: a text cell above a number
      for (std::size_t i = 0; i < n; ++i) {
        if (kind_of(first[i].text) != Kind::Text) continue;
        if (second == nullptr) return true;
        if (i < second->size() && is_number(kind_of((*second)[i].text))) return true;
      }
      return false;
    }
    begin = 1;
    end = n - 1;
  }
  if (end <= begin) return false;
  std::size_t text = 0;
  bool consecutive = end - begin >= 3;
  double start_value = 0.0;
  for (std::size_t i = begin; i < end; ++i) {
    const Kind k = kind_of(first[i].text);
    if (k == Kind::Text) ++text;
    double value = 0.0;
    if (k != Kind::Integer || parse_double(first[i].text, value) != NumberStatus::Ok) {
      consecutive = false;
    } else if (i == begin) {
      start_value = value;
      consecutive = consecutive && value >= 0.0 && value <= 2.0;
    } else if (value != start_value + static_cast<double>(i - begin)) {
      consecutive = false;
    }
  }
  return 2 * text > end - begin || consecutive;
}

LabelColumn DelimitedReader::guess_label(const std::vector<Cell>* header,
                                         const std::vector<std::vector<Cell>>& rows) {
  if (header != nullptr && !header->empty()) {
    if (is_label_name(header->front().text)) return LabelColumn::First;
    if (header->size() >= 2 && is_label_name(header->back().text)) return LabelColumn::Last;
  }
  if (rows.empty() || rows.front().size() < 2) return LabelColumn::None;
  const std::size_t n = rows.front().size();
  // Does column `first ? 0 : last` hold labels in every sampled row?
  auto holds_labels = [&](bool first) {
    bool any_text = false;
    bool other_real = false;
    for (const auto& row : rows) {
      if (row.size() < 2) return false;
      const std::size_t col = first ? 0 : row.size() - 1;
      const Kind k = kind_of(row[col].text);
      if (!is_label_like(k)) return false;
      any_text = any_text || k == Kind::Text;
      for (std::size_t i = 0; i < row.size() && !other_real; ++i) {
        if (i != col && kind_of(row[i].text) == Kind::Real) other_real = true;
      }
    }
    return any_text || (n >= 3 && other_real);
  };
  // A column taken from its values must keep holding such values later.
  label_guessed_ = true;
  if (holds_labels(true)) return LabelColumn::First;
  if (holds_labels(false)) return LabelColumn::Last;
  label_guessed_ = false;
  return LabelColumn::None;
}

void DelimitedReader::start() {
  started_ = true;
  std::size_t bytes = 0;
  std::string_view line;
  while (window_.size() < kWindowRows && (bytes < kWindowBytes || window_.size() < 2) &&
         lines_.next(line)) {
    if (is_blank(line)) continue;
    window_.push_back({lines_.line_number(), std::string(line)});
    bytes += line.size();
  }
  if (window_.empty()) return;

  if (format_ == Format::Csv) {
    const std::string& first = window_.front().text;
    delimiter_ = (first.find(',') == std::string::npos && first.find(';') != std::string::npos) ? ';' : ',';
  }

  // Cells of the window's rows, up to the first row that does not split
  // (that row is reported when it is parsed, in file order).
  std::vector<std::vector<Cell>> rows;
  for (const WindowLine& w : window_) {
    std::vector<Cell> cells;
    long column = 0;
    std::string reason;
    if (!split(w.text, cells, column, reason)) break;
    rows.push_back(std::move(cells));
  }

  LabelColumn known = options_.label;
  if (known == LabelColumn::Auto && format_ != Format::Csv) known = LabelColumn::First;

  bool header = options_.header == 1;
  if (options_.header == -1 && !rows.empty()) {
    header = looks_like_header(rows[0], rows.size() > 1 ? &rows[1] : nullptr, known);
  }
  if (header) {
    header_line_ = window_.front().number;
    header_fields_ = rows.empty() ? 0 : rows.front().size();
    window_pos_ = 1;
  }

  if (known == LabelColumn::Auto) {
    const std::vector<Cell>* header_cells = (header && !rows.empty()) ? &rows.front() : nullptr;
    std::vector<std::vector<Cell>> data(rows.begin() + ((header && !rows.empty()) ? 1 : 0), rows.end());
    label_ = guess_label(header_cells, data);
  } else {
    label_ = known;
  }
}

bool DelimitedReader::next_line(std::string_view& line, long& number) {
  if (window_pos_ < window_.size()) {
    line = window_[window_pos_].text;
    number = window_[window_pos_].number;
    ++window_pos_;
    return true;
  }
  if (!window_.empty()) {  // the window is used up: free it
    window_.clear();
    window_.shrink_to_fit();
    window_pos_ = 0;
  }
  while (lines_.next(line)) {
    if (is_blank(line)) continue;
    number = lines_.line_number();
    return true;
  }
  return false;
}

void DelimitedReader::throw_ragged(long number, std::size_t cells) const {
  const std::size_t has_label = label_ == LabelColumn::None ? 0 : 1;
  const std::size_t expected = fields_ - has_label;
  const std::size_t got = cells >= has_label ? cells - has_label : 0;
  const long column = static_cast<long>(cells < fields_ ? cells + 1 : fields_ + 1);
  std::string why = options_.expected_length > 0
                        ? " (the required length)"
                        : " (as on line " + std::to_string(first_row_line_) + ")";
  throw InputError(lines_.source(), number, column,
                   "row has " + std::to_string(got) + " values, expected " +
                       std::to_string(expected) + why);
}

void DelimitedReader::parse_row(std::string_view line, long number, Dataset& out) {
  const std::string& source = lines_.source();
  long bad_column = 0;
  std::string reason;
  if (!split(line, cells_, bad_column, reason)) throw InputError(source, number, bad_column, reason);

  const std::size_t has_label = label_ == LabelColumn::None ? 0 : 1;
  if (fields_ == 0) {  // the first data row sets the width
    if (cells_.size() <= has_label) {
      throw InputError(source, number, 0, "row has no values besides the label");
    }
    first_row_line_ = number;
    if (options_.expected_length > 0) {
      fields_ = static_cast<std::size_t>(options_.expected_length) + has_label;
      if (cells_.size() != fields_) throw_ragged(number, cells_.size());
    }
    fields_ = cells_.size();
    if (header_line_ != 0 && header_fields_ != 0 && header_fields_ != fields_) {
      throw InputError(source, header_line_, 0,
                       "header has " + std::to_string(header_fields_) + " fields but line " +
                           std::to_string(number) + " has " + std::to_string(fields_));
    }
  } else if (cells_.size() != fields_) {
    throw_ragged(number, cells_.size());
  }

  const std::size_t label_index =
      label_ == LabelColumn::First ? 0 : (label_ == LabelColumn::Last ? fields_ - 1 : fields_);
  for (std::size_t i = 0; i < fields_; ++i) {
    if (i == label_index) continue;
    out.values.push_back(parse_value(cells_[i].text, source, number, static_cast<long>(i) + 1));
  }
  if (has_label) {
    const Cell& cell = cells_[label_index];
    const long column = static_cast<long>(label_index) + 1;
    std::string label = label_text(cell.text, cell.quoted);
    if (label.empty()) throw InputError(source, number, column, "empty label");
    if (label_guessed_ && !is_label_like(kind_of(cell.text))) {
      throw InputError(source, number, column,
                       "column " + std::to_string(column) +
                           " was taken for the labels (integer or text values in the first rows), "
                           "but this row has " + quote(cell.text) +
                           " there; set the label column (first, last or none)");
    }
    out.labels.push_back(std::move(label));
  }
  out.lines.push_back(number);
}

bool DelimitedReader::next(Dataset& batch, std::size_t max_beats) {
  if (max_beats == 0) throw Error(lines_.source() + ": a batch needs room for at least one beat");
  if (!started_) start();
  batch.source = lines_.source();
  batch.channels = 1;
  batch.values.clear();
  batch.labels.clear();
  batch.lines.clear();
  if (finished_) return false;

  std::size_t count = 0;
  std::string_view line;
  long number = 0;
  while (count < max_beats && next_line(line, number)) {
    parse_row(line, number, batch);
    ++count;
  }
  beats_ += count;
  const std::size_t has_label = label_ == LabelColumn::None ? 0 : 1;
  batch.length = fields_ == 0 ? 0 : static_cast<int>(fields_ - has_label);
  batch.label_column = label_ == LabelColumn::First ? 1
                       : label_ == LabelColumn::Last ? static_cast<long>(fields_)
                                                     : 0;
  if (count > 0) return true;
  finished_ = true;
  if (beats_ == 0) {
    if (header_line_ != 0) throw InputError(lines_.source(), header_line_, 0, "only a header row, no beats");
    throw InputError(lines_.source(), 0, 0, "no beats");
  }
  return false;
}

}  // namespace ecglens::data_detail
