// Internal to the data readers: line sources, cell helpers and the strict
// number parser every format shares. Not part of the public API.
#pragma once

#include <cstddef>
#include <istream>
#include <string>
#include <string_view>

#include "ecglens/data/dataset.h"

namespace ecglens::data_detail {

// Yields the lines of a text input one at a time. A line ends at "\n"; a
// "\r" before it is dropped (CRLF files), and so is a UTF-8 byte-order mark
// at the start of line 1. A line longer than kMaxLineBytes throws
// InputError at that line.
class LineSource {
 public:
  virtual ~LineSource() = default;
  // The next line without its end-of-line bytes, valid until the next call;
  // false at the end of the input.
  virtual bool next(std::string_view& line) = 0;
  // 1-based number of the line next() returned last (0 before the first).
  long line_number() const noexcept { return line_number_; }
  const std::string& source() const noexcept { return source_; }

 protected:
  explicit LineSource(std::string source) : source_(std::move(source)) {}
  // Strips "\r" and the BOM, checks the length, counts the line.
  std::string_view finish_line(std::string_view raw);

 private:
  std::string source_;
  long line_number_ = 0;
};

// Lines of bytes already in memory (the view must outlive the source).
class MemoryLines final : public LineSource {
 public:
  MemoryLines(std::string_view text, std::string source)
      : LineSource(std::move(source)), rest_(text) {}
  bool next(std::string_view& line) override;

 private:
  std::string_view rest_;
  bool done_ = false;
};

// Lines of a stream read in chunks of chunk_bytes, so a file larger than
// memory is read with a buffer of about one chunk plus the longest line.
class StreamLines final : public LineSource {
 public:
  StreamLines(std::istream& in, std::string source, std::size_t chunk_bytes = std::size_t{1} << 20);
  bool next(std::string_view& line) override;
  // Up to n bytes from the current position, without consuming them.
  std::string_view peek(std::size_t n);

 private:
  bool fill();  // appends one chunk; false at the end of the stream

  std::istream& in_;
  std::size_t chunk_bytes_;
  std::string buffer_;
  std::size_t begin_ = 0;  // first unconsumed byte of buffer_
  std::size_t scan_ = 0;   // bytes after begin_ already searched for "\n"
  bool eof_ = false;
};

// Outcome of parsing one numeric cell.
enum class NumberStatus { Ok, Empty, NotANumber, NonFinite, OutOfRange };

// Parses a whole cell (surrounding spaces/tabs allowed) as a finite double:
// [+-] (digits [. digits] | . digits) [(e|E) [+-] digits]. "nan", "inf" and
// "infinity" (any case, signed) give NonFinite; a value beyond the double
// range gives OutOfRange; anything else, trailing garbage included, gives
// NotANumber. Locale-independent.
NumberStatus parse_double(std::string_view cell, double& out) noexcept;

// parse_double, then narrowing to float: |value| > FLT_MAX is OutOfRange.
NumberStatus parse_float(std::string_view cell, float& out) noexcept;

// parse_float, throwing InputError(source, line, column) with the messages
// "empty cell", "not a number: 'x'", "non-finite value 'x'",
// "value 'x' is out of range for a 32-bit float".
float parse_value(std::string_view cell, const std::string& source, long line, long column);

// The cell as messages show it: in single quotes, at most 40 bytes (then
// "..."), bytes outside printable ASCII written as \xNN.
std::string quote(std::string_view cell);

// Without leading and trailing spaces and tabs.
std::string_view trim(std::string_view text) noexcept;

// Removes one pair of surrounding quotes (" or ') after trimming.
std::string_view unquote(std::string_view text) noexcept;

// ASCII case-insensitive equality and lower-casing.
bool iequals(std::string_view a, std::string_view b) noexcept;
std::string lower(std::string_view text);

// Throws ecglens::Error naming source for options out of their ranges
// (header not -1/0/1, negative expected_length).
void check_options(const ReadOptions& options, const std::string& source);

// The extension of a file name, lower case, without the dot ("" if none).
std::string extension_of(const std::string& name);

}  // namespace ecglens::data_detail
