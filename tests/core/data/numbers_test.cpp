// The strict, locale-independent number parser every reader uses.
#include <gtest/gtest.h>

#include <cfloat>
#include <clocale>

#include "ecglens/data/text_input.h"
#include "ecglens/util/error.h"

namespace ecglens::data_detail {
namespace {

NumberStatus status_of(const char* text) {
  float value = 0.0f;
  return parse_float(text, value);
}

float value_of(const char* text) {
  float value = -12345.0f;
  EXPECT_EQ(parse_float(text, value), NumberStatus::Ok) << text;
  return value;
}

TEST(ParseFloat, AcceptsTheNumberForms) {
  EXPECT_EQ(value_of("1"), 1.0f);
  EXPECT_EQ(value_of("-1.1258e+00"), -1.1258f);
  EXPECT_EQ(value_of("+2.5"), 2.5f);
  EXPECT_EQ(value_of(".5"), 0.5f);
  EXPECT_EQ(value_of("5."), 5.0f);
  EXPECT_EQ(value_of("1E-3"), 1e-3f);
  EXPECT_EQ(value_of("  7\t"), 7.0f);
  EXPECT_EQ(value_of("3.4028234e38"), FLT_MAX);
}

TEST(ParseFloat, RejectsTrailingGarbageAndOtherForms) {
  for (const char* text : {"1.5x", "abc", "1e", "1e+", ".", "-", "+-1", "0x10", "1,5", "1 2", "--1", "1..2", "nan(1)"}) {
    EXPECT_EQ(status_of(text), NumberStatus::NotANumber) << text;
  }
  EXPECT_EQ(status_of(""), NumberStatus::Empty);
  EXPECT_EQ(status_of("   "), NumberStatus::Empty);
}

TEST(ParseFloat, FlagsNonFiniteValues) {
  for (const char* text : {"nan", "NaN", "-nan", "inf", "-Inf", "+INFINITY"}) {
    EXPECT_EQ(status_of(text), NumberStatus::NonFinite) << text;
  }
}

TEST(ParseFloat, FlagsValuesBeyondFloatOrDoubleRange) {
  EXPECT_EQ(status_of("1e39"), NumberStatus::OutOfRange);
  EXPECT_EQ(status_of("-3.5e38"), NumberStatus::OutOfRange);
  EXPECT_EQ(status_of("1e400"), NumberStatus::OutOfRange);
  EXPECT_EQ(status_of("1e-400"), NumberStatus::OutOfRange);
}

TEST(ParseFloat, IgnoresTheCLocaleDecimalComma) {
  // A locale with a decimal comma must not change what a '.' means.
  if (std::setlocale(LC_NUMERIC, "de_DE.UTF-8") == nullptr) GTEST_SKIP() << "de_DE locale not installed";
  EXPECT_EQ(value_of("1.5"), 1.5f);
  EXPECT_EQ(status_of("1,5"), NumberStatus::NotANumber);
  std::setlocale(LC_NUMERIC, "C");
}

TEST(ParseValue, WordsEachFailureWithItsPosition) {
  EXPECT_STREQ([] {
    try { parse_value("abc", "f.csv", 3, 4); } catch (const InputError& e) { return std::string(e.what()); }
    return std::string();
  }().c_str(), "f.csv:3:4: not a number: 'abc'");
  try {
    parse_value("1e39", "f.csv", 1, 2);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "f.csv:1:2: value '1e39' is out of range for a 32-bit float");
  }
}

TEST(Quote, ShowsControlBytesAndCutsLongCells) {
  EXPECT_EQ(quote(std::string("a\0b", 3)), "'a\\x00b'");
  EXPECT_EQ(quote(std::string(50, 'x')), "'" + std::string(40, 'x') + "...'");
}

}  // namespace
}  // namespace ecglens::data_detail
