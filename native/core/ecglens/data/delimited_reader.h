// Internal to the data readers: the one row parser of CSV, TSV and UCR .txt
// files. read_dataset() runs it over the whole input in one batch;
// BeatReader runs it over a stream in batches. Not part of the public API.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "ecglens/data/dataset.h"
#include "ecglens/data/text_input.h"

namespace ecglens::data_detail {

class DelimitedReader {
 public:
  // format is Csv, Tsv or UcrTxt. lines must outlive the reader.
  DelimitedReader(LineSource& lines, Format format, const ReadOptions& options);

  // Replaces batch's beats with the next (up to) max_beats beats. Returns
  // false when none are left. Throws InputError "no beats" when the input
  // holds none at all, and for the first malformed row; after a throw the
  // reader must not be used again.
  bool next(Dataset& batch, std::size_t max_beats);

 private:
  struct Cell {
    std::string_view text;  // trimmed; inside the quotes for a quoted cell
    bool quoted = false;
  };
  struct WindowLine {
    long number;
    std::string text;
  };

  // Reads the first rows and settles delimiter, header and label column.
  void start();
  // The next non-blank data line (the header skipped), first from the window.
  bool next_line(std::string_view& line, long& number);
  // Splits a line into cells_ or returns false with the 1-based column and
  // the reason of the first quoting error.
  bool split(std::string_view line, std::vector<Cell>& cells, long& bad_column,
             std::string& reason) const;
  void parse_row(std::string_view line, long number, Dataset& out);
  [[noreturn]] void throw_ragged(long number, std::size_t cells) const;

  bool looks_like_header(const std::vector<Cell>& first, const std::vector<Cell>* second,
                         LabelColumn known) const;
  // The CSV label column from the header names, else from the rows' values
  // (then label_guessed_ is set: later rows must hold such values too).
  LabelColumn guess_label(const std::vector<Cell>* header,
                          const std::vector<std::vector<Cell>>& rows);

  LineSource& lines_;
  Format format_;
  ReadOptions options_;
  char delimiter_ = ',';  // ' ' stands for runs of spaces and tabs
  bool started_ = false;
  bool finished_ = false;

  std::vector<WindowLine> window_;  // the first rows, kept for the guesses
  std::size_t window_pos_ = 0;
  long header_line_ = 0;            // 0 when there is no header
  std::size_t header_fields_ = 0;
  LabelColumn label_ = LabelColumn::None;
  bool label_guessed_ = false;      // from the values: later rows must match
  std::size_t fields_ = 0;          // cells per row, label included; 0 before the first row
  long first_row_line_ = 0;
  std::size_t beats_ = 0;
  std::vector<Cell> cells_;
};

}  // namespace ecglens::data_detail
