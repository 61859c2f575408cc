#include "ecglens/data/text_input.h"

#include <cerrno>
#include <cfloat>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>

#include "ecglens/data/dataset.h"
#include "ecglens/util/error.h"

namespace ecglens::data_detail {

// ---------------------------------------------------------------------------
// Line sources

std::string_view LineSource::finish_line(std::string_view raw) {
  ++line_number_;
  if (raw.size() > kMaxLineBytes) {
    throw InputError(source_, line_number_, 0,
                     "line longer than " + std::to_string(kMaxLineBytes >> 20) + " MiB");
  }
  if (line_number_ == 1 && raw.substr(0, 3) == "\xEF\xBB\xBF") raw.remove_prefix(3);
  if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
  return raw;
}

bool MemoryLines::next(std::string_view& line) {
  if (done_) return false;
  const std::size_t end = rest_.find('\n');
  if (end == std::string_view::npos) {
    done_ = true;
    if (rest_.empty()) return false;  // the text ended with "\n" (or was empty)
    line = finish_line(rest_);
    return true;
  }
  std::string_view raw = rest_.substr(0, end);
  rest_.remove_prefix(end + 1);
  line = finish_line(raw);
  return true;
}

StreamLines::StreamLines(std::istream& in, std::string source, std::size_t chunk_bytes)
    : LineSource(std::move(source)), in_(in), chunk_bytes_(chunk_bytes == 0 ? 1 : chunk_bytes) {}

bool StreamLines::fill() {
  if (eof_) return false;
  // Drop consumed bytes before growing, so the buffer stays near one chunk
  // plus the current line.
  if (begin_ > 0 && begin_ >= buffer_.size() / 2) {
    buffer_.erase(0, begin_);
    begin_ = 0;
  }
  const std::size_t old_size = buffer_.size();
  buffer_.resize(old_size + chunk_bytes_);
  in_.read(&buffer_[old_size], static_cast<std::streamsize>(chunk_bytes_));
  const std::size_t got = static_cast<std::size_t>(in_.gcount());
  buffer_.resize(old_size + got);
  if (in_.bad()) throw Error(source() + ": read error");
  if (got < chunk_bytes_) eof_ = true;
  return got > 0;
}

bool StreamLines::next(std::string_view& line) {
  for (;;) {
    const std::size_t pos = buffer_.find('\n', begin_ + scan_);
    if (pos != std::string::npos) {
      std::string_view raw(buffer_.data() + begin_, pos - begin_);
      begin_ = pos + 1;
      scan_ = 0;
      line = finish_line(raw);
      return true;
    }
    scan_ = buffer_.size() - begin_;
    if (scan_ > kMaxLineBytes) {
      // Report without buffering the rest of a runaway line.
      finish_line(std::string_view(buffer_.data() + begin_, scan_));
    }
    if (!fill()) {
      if (begin_ == buffer_.size()) return false;
      std::string_view raw(buffer_.data() + begin_, buffer_.size() - begin_);
      begin_ = buffer_.size();
      scan_ = 0;
      line = finish_line(raw);
      return true;
    }
  }
}

std::string_view StreamLines::peek(std::size_t n) {
  while (buffer_.size() - begin_ < n && fill()) {
  }
  return std::string_view(buffer_.data() + begin_, std::min(n, buffer_.size() - begin_));
}

// ---------------------------------------------------------------------------
// Numbers

namespace {

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

// Length of the longest prefix of s that is a decimal number in the grammar
// of parse_double (0 when none).
std::size_t number_prefix(std::string_view s) noexcept {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  std::size_t digits = 0;
  while (i < s.size() && is_digit(s[i])) ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && is_digit(s[i])) ++i, ++digits;
  }
  if (digits == 0) return 0;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    std::size_t j = i + 1;
    if (j < s.size() && (s[j] == '+' || s[j] == '-')) ++j;
    std::size_t exp_digits = 0;
    while (j < s.size() && is_digit(s[j])) ++j, ++exp_digits;
    if (exp_digits == 0) return 0;  // "1e" is not a number
    i = j;
  }
  return i;
}

bool is_non_finite_word(std::string_view s) noexcept {
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) s.remove_prefix(1);
  return iequals(s, "nan") || iequals(s, "inf") || iequals(s, "infinity");
}

// Exact powers of ten that a double holds without rounding (10^22 is the
// largest: 5^22 < 2^53).
constexpr double kExactPowersOfTen[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                        1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                        1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

// Clinger's fast path (Clinger 1990, "How to read floating point numbers
// accurately"): text that matched number_prefix() in full is
// +-w * 10^e with w the decimal digits read as an integer. When w <= 2^53
// and |e| <= 22, both w and 10^|e| are exact doubles, so one IEEE
// multiplication or division rounds the exact value once: the correctly
// rounded double, the same one strtod and from_chars give. Returns false
// (leaving out untouched) when the number is outside that range; the caller
// then takes the general conversion.
// (Only where doubles are evaluated as doubles: not on x87's extended
// precision, where the product would be rounded twice.)
bool convert_exact_fast(std::string_view s, double& out) noexcept {
#if FLT_EVAL_METHOD != 0
  return false;
#endif
  constexpr std::uint64_t kMaxExactInteger = std::uint64_t{1} << 53;
  std::size_t i = 0;
  const bool negative = s[0] == '-';
  if (s[0] == '-' || s[0] == '+') ++i;
  std::uint64_t w = 0;
  int significant = 0;  // digits in w, leading zeros not counted
  int exponent = 0;     // the power of ten w is scaled by
  bool after_point = false;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '.') {
      after_point = true;
      continue;
    }
    if (!is_digit(c)) break;  // the exponent's 'e' or 'E'
    if (after_point) --exponent;
    if (w == 0 && c == '0') continue;
    if (++significant > 16) return false;  // w may pass 2^53: the general path
    w = w * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (i < s.size()) {  // [eE][+-]digits, as number_prefix() checked
    ++i;
    bool exp_negative = false;
    if (s[i] == '+' || s[i] == '-') exp_negative = s[i++] == '-';
    int e = 0;
    for (; i < s.size(); ++i) {
      if (e > 1000) return false;  // far outside the fast range either way
      e = e * 10 + (s[i] - '0');
    }
    exponent += exp_negative ? -e : e;
  }
  if (w > kMaxExactInteger) return false;
  double value = static_cast<double>(w);
  if (w != 0) {
    if (exponent < -22 || exponent > 22) return false;
    value = exponent < 0 ? value / kExactPowersOfTen[-exponent] : value * kExactPowersOfTen[exponent];
  }
  out = negative ? -value : value;
  return true;
}

// Converts text that matched number_prefix() in full.
NumberStatus convert(std::string_view s, double& out) noexcept {
  if (convert_exact_fast(s, out)) return NumberStatus::Ok;
  if (s[0] == '+') s.remove_prefix(1);  // from_chars and our grammar differ only here
#if defined(__cpp_lib_to_chars)
  double value = 0.0;
  const auto result = std::from_chars(s.data(), s.data() + s.size(), value);
  if (result.ec == std::errc::result_out_of_range) return NumberStatus::OutOfRange;
  if (result.ec != std::errc() || result.ptr != s.data() + s.size()) return NumberStatus::NotANumber;
  out = value;
  return NumberStatus::Ok;
#else
  // Standard libraries without floating-point from_chars (libc++ before 17,
  // as in Emscripten): strtod on a NUL-terminated copy. The text already
  // matched the grammar above, and the program never leaves the "C" locale,
  // so strtod reads it the same way.
  char small[128];
  std::string large;
  const char* text = small;
  if (s.size() < sizeof small) {
    s.copy(small, s.size());
    small[s.size()] = '\0';
  } else {
    large.assign(s);  // may throw only on allocation failure
    text = large.c_str();
  }
  errno = 0;
  char* end = nullptr;
  const double value = std::strtod(text, &end);
  if (errno == ERANGE) return NumberStatus::OutOfRange;
  if (end != text + s.size()) return NumberStatus::NotANumber;
  out = value;
  return NumberStatus::Ok;
#endif
}

}  // namespace

NumberStatus parse_double(std::string_view cell, double& out) noexcept {
  cell = trim(cell);
  if (cell.empty()) return NumberStatus::Empty;
  if (number_prefix(cell) != cell.size()) {
    return is_non_finite_word(cell) ? NumberStatus::NonFinite : NumberStatus::NotANumber;
  }
  return convert(cell, out);
}

NumberStatus parse_float(std::string_view cell, float& out) noexcept {
  double value = 0.0;
  const NumberStatus status = parse_double(cell, value);
  if (status != NumberStatus::Ok) return status;
  // Compare before narrowing: converting an out-of-range double to float is
  // undefined behaviour.
  if (value > std::numeric_limits<float>::max() || value < -std::numeric_limits<float>::max()) {
    return NumberStatus::OutOfRange;
  }
  out = static_cast<float>(value);
  return NumberStatus::Ok;
}

float parse_value(std::string_view cell, const std::string& source, long line, long column) {
  float value = 0.0f;
  switch (parse_float(cell, value)) {
    case NumberStatus::Ok: return value;
    case NumberStatus::Empty: throw InputError(source, line, column, "empty cell");
    case NumberStatus::NotANumber:
      throw InputError(source, line, column, "not a number: " + quote(trim(cell)));
    case NumberStatus::NonFinite:
      throw InputError(source, line, column, "non-finite value " + quote(trim(cell)));
    case NumberStatus::OutOfRange:
      throw InputError(source, line, column,
                       "value " + quote(trim(cell)) + " is out of range for a 32-bit float");
  }
  return value;
}

// ---------------------------------------------------------------------------
// Text helpers

std::string quote(std::string_view cell) {
  constexpr std::size_t kShown = 40;
  std::string out = "'";
  for (std::size_t i = 0; i < cell.size() && i < kShown; ++i) {
    const unsigned char c = static_cast<unsigned char>(cell[i]);
    if (c >= 0x20 && c < 0x7F) {
      out += static_cast<char>(c);
    } else {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02X", c);
      out += hex;
    }
  }
  if (cell.size() > kShown) out += "...";
  out += "'";
  return out;
}

std::string_view trim(std::string_view text) noexcept {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::string_view unquote(std::string_view text) noexcept {
  text = trim(text);
  if (text.size() >= 2 && (text.front() == '"' || text.front() == '\'') &&
      text.back() == text.front()) {
    text = text.substr(1, text.size() - 2);
  }
  return text;
}

namespace {
char lower_char(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
}  // namespace

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower_char(a[i]) != lower_char(b[i])) return false;
  }
  return true;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = lower_char(c);
  return out;
}

void check_options(const ReadOptions& options, const std::string& source) {
  if (options.header < -1 || options.header > 1) {
    throw Error(source + ": header option must be -1 (auto), 0 or 1, got " + std::to_string(options.header));
  }
  if (options.expected_length < 0) {
    throw Error(source + ": expected length must be 0 (any) or positive, got " +
                std::to_string(options.expected_length));
  }
}

std::string extension_of(const std::string& name) {
  const std::size_t dot = name.find_last_of('.');
  const std::size_t slash = name.find_last_of("/\\");
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return "";
  return lower(std::string_view(name).substr(dot + 1));
}

}  // namespace ecglens::data_detail
