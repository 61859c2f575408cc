// The strict, locale-independent number parser every reader uses.
#include <gtest/gtest.h>

#include <cfloat>
#include <clocale>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

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

// The bits strtod (correctly rounded, in the "C" locale) gives for text.
std::uint64_t strtod_bits(const std::string& text) {
  const double value = std::strtod(text.c_str(), nullptr);
  std::uint64_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}

std::uint64_t parse_double_bits(const std::string& text) {
  double value = -12345.0;
  EXPECT_EQ(parse_double(text, value), NumberStatus::Ok) << text;
  std::uint64_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}

// Where the exact fast path (w <= 2^53, |e| <= 22) ends and the general
// conversion takes over, and the values around it: each must give strtod's
// bits, sign of zero included.
TEST(ParseDouble, GivesStrtodsBitsAtTheEdgesOfTheFastPath) {
  for (const char* text :
       {"0", "-0", "0.0", "-0.000", "000123.4500", "9007199254740992", "9007199254740993",
        "9007199254740994", "9007199254740995", "-9007199254740993", "900719925474099.3",
        "1e22", "1e23", "1.5e22", "9007199254740992e22", "9007199254740993e-22", "1e-22",
        "1e-23", "123456789012345678", "1234567890123456", "12345678901234567", "0.1", "0.2",
        "0.3", "2.2250738585072014e-308", "4.9e-324", "1.7976931348623157e308",
        "0.000000000000000000000000000001", "100000000000000000000000", "-3.690844",
        "0.7114143", "-0.03916474", "1.4069097e-05", "5e-1", "5E+0", ".5e1", "5.e-1",
        "0e999999", "0.00000000000000000000000000000000000000000000001e40",
        "1e0000000000000000000000001", "3.4028235677973366e38", "7.038531e-26",
        "0.5000000000000000277555756156289135105907917022705078125"}) {
    EXPECT_EQ(parse_double_bits(text), strtod_bits(text)) << text;
  }
}

// Many numbers written as data files write them: random doubles at every
// precision from 1 to 17 significant digits, fixed and exponent notation,
// and random digit strings with random exponents, each against strtod.
TEST(ParseDouble, GivesStrtodsBitsOnManyRandomNumbers) {
  std::mt19937_64 rng(20261123);
  std::uniform_real_distribution<double> mantissa(-10.0, 10.0);
  std::uniform_int_distribution<int> power(-30, 30), digits(1, 17), count(1, 24), exp10(-40, 40);
  char text[96];
  long checked = 0, mismatched = 0;
  for (int n = 0; n < 200000; ++n) {
    const double value = mantissa(rng) * std::pow(10.0, power(rng));
    const int precision = digits(rng);
    std::snprintf(text, sizeof text, n % 2 ? "%.*g" : "%.*e", precision, value);
    mismatched += parse_double_bits(text) != strtod_bits(text);
    std::snprintf(text, sizeof text, "%.*f", precision, mantissa(rng));
    mismatched += parse_double_bits(text) != strtod_bits(text);
    std::string random_digits;
    for (int d = count(rng); d > 0; --d) random_digits += static_cast<char>('0' + rng() % 10);
    random_digits.insert(rng() % (random_digits.size() + 1), ".");
    if (random_digits == ".") random_digits = "0";
    random_digits += "e" + std::to_string(exp10(rng));
    mismatched += parse_double_bits(random_digits) != strtod_bits(random_digits);
    checked += 3;
  }
  EXPECT_EQ(mismatched, 0) << "of " << checked;
}

// Narrowed to float, the parsed double gives what strtod's gives.
TEST(ParseFloat, GivesTheFloatOfStrtodsDouble) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> value(-6.0f, 6.0f);
  char text[64];
  long mismatched = 0;
  for (int n = 0; n < 100000; ++n) {
    std::snprintf(text, sizeof text, "%.*g", 1 + n % 9, static_cast<double>(value(rng)));
    float parsed = 0.0f;
    ASSERT_EQ(parse_float(text, parsed), NumberStatus::Ok) << text;
    mismatched += parsed != static_cast<float>(std::strtod(text, nullptr));
  }
  EXPECT_EQ(mismatched, 0);
}

TEST(Quote, ShowsControlBytesAndCutsLongCells) {
  EXPECT_EQ(quote(std::string("a\0b", 3)), "'a\\x00b'");
  EXPECT_EQ(quote(std::string(50, 'x')), "'" + std::string(40, 'x') + "...'");
}

}  // namespace
}  // namespace ecglens::data_detail
