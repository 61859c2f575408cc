// The catalogue of malformed inputs in tests/fixtures/data/bad: every file
// must fail with an InputError whose message starts with the exact
// "FILE:LINE:COLUMN: " prefix and names the problem. Each case runs through
// read_dataset() and through BeatReader, which must agree word for word.
#include <gtest/gtest.h>

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "ecglens/data/beat_reader.h"
#include "ecglens/data/dataset.h"
#include "test_paths.h"

namespace ecglens {
namespace {

struct BadCase {
  const char* name;      // GoogleTest name of the case
  const char* file;      // in tests/fixtures/data/bad
  long line;             // 0: no line in the message
  long column;           // 0: no column in the message
  std::vector<std::string> words;  // each must appear in the message
  int expected_length = 0;
};

// Failure messages show the file rather than the struct's bytes.
void PrintTo(const BadCase& c, std::ostream* os) { *os << c.file; }

const std::vector<BadCase>& catalogue() {
  static const std::vector<BadCase> cases = {
      {"RaggedShortRow", "ragged_short.csv", 3, 5, {"row has 3 values, expected 4", "as on line 1"}},
      {"RaggedLongRow", "ragged_long.txt", 2, 4, {"row has 3 values, expected 2"}},
      {"NotANumber", "not_a_number.csv", 2, 3, {"not a number: 'abc'"}},
      {"TrailingGarbage", "trailing_garbage.csv", 1, 3, {"not a number: '1.5x'"}},
      {"NanValue", "nan_value.csv", 2, 2, {"non-finite value 'nan'"}},
      {"InfValue", "inf_value.tsv", 2, 3, {"non-finite value '-inf'"}},
      {"BeyondFloatRange", "out_of_range.csv", 2, 3, {"'1e39'", "out of range"}},
      {"EmptyFile", "empty.csv", 0, 0, {"no beats"}},
      {"BlankLinesOnly", "blank_only.txt", 0, 0, {"no beats"}},
      {"HeaderOnly", "header_only.csv", 1, 0, {"only a header row", "no beats"}},
      {"EmptyCell", "empty_cell.csv", 2, 3, {"empty cell"}},
      {"UnterminatedQuote", "unterminated_quote.csv", 2, 1, {"unterminated quote"}},
      {"TextAfterClosingQuote", "text_after_quote.csv", 2, 1, {"text after the closing quote"}},
      {"GuessedLabelColumnChanges", "label_column_changes.csv", 260, 1,
       {"column 1", "labels", "'0.5'", "label column (first, last or none)"}},
      {"HeaderWidthDiffers", "header_width.csv", 1, 0, {"header has 3 fields but line 2 has 4"}},
      {"WrongRequiredLength", "wrong_length.csv", 1, 6, {"row has 4 values, expected 5", "required length"}, 5},
      {"BinaryGarbage", "binary_garbage.csv", 2, 1, {"not a number: '\\x00\\x01\\xFE\\xFF'"}},
      {"ArffMissingData", "arff_missing_data.arff", 0, 0, {"missing @data"}},
      {"ArffUnknownLabel", "arff_unknown_label.arff", 7, 3, {"unknown label '7' (declared: 1,2,3,4,5)"}},
      {"ArffBadAttributeType", "arff_bad_type.arff", 2, 3, {"unknown attribute type 'blob'"}},
      {"ArffRelational", "arff_relational.arff", 2, 3, {"relational", "not supported", ".ts"}},
      {"ArffMissingValue", "arff_missing_value.arff", 6, 2, {"missing value '?'", "not supported"}},
      {"ArffRaggedRow", "arff_ragged.arff", 7, 3, {"row has 2 fields, expected 3", "@attribute"}},
      {"ArffNoRelation", "arff_no_relation.arff", 1, 1, {"@attribute before @relation"}},
      {"ArffSparseRow", "arff_sparse.arff", 5, 1, {"sparse", "not supported"}},
      {"TsMissingData", "ts_missing_data.ts", 0, 0, {"missing @data"}},
      {"TsUnknownLabel", "ts_unknown_label.ts", 6, 3, {"unknown label '6' (declared: 1,2,3,4,5)"}},
      {"TsMissingValue", "ts_missing_value.ts", 6, 2, {"missing value '?'", "not supported"}},
      {"TsShorterThanSeriesLength", "ts_series_length.ts", 8, 3,
       {"dimension 1 has 2 values, expected 3", "@seriesLength"}},
      {"TsDimensionCount", "ts_dimension_count.ts", 7, 0, {"row has 1 dimension, expected 2"}},
      {"TsTimeStamps", "ts_timestamps.ts", 2, 2, {"@timeStamps true", "not supported"}},
      {"TsUnknownKeyword", "ts_unknown_keyword.ts", 2, 1, {"unknown header keyword '@frobnicate'"}},
      {"TsUnivariateConflict", "ts_univariate_conflict.ts", 3, 2, {"@univariate true but @dimensions 2"}},
      {"TsClassValuesMissing", "ts_class_values_missing.ts", 2, 0, {"@classLabel true needs the class values"}},
      {"TsBadSeriesLength", "ts_bad_series_length.ts", 2, 2, {"positive whole number", "'abc'"}},
      {"TsUnequalLength", "ts_unequal_length.ts", 7, 3,
       {"dimension 1 has 2 values, expected 3", "unequal length", "resample"}},
  };
  return cases;
}

std::string path_of(const BadCase& c) { return test::fixture(std::string("data/bad/") + c.file).string(); }

std::string expected_prefix(const BadCase& c) {
  std::string prefix = path_of(c);
  if (c.line > 0) prefix += ":" + std::to_string(c.line);
  if (c.column > 0) prefix += ":" + std::to_string(c.column);
  return prefix + ": ";
}

void expect_matches(const InputError& e, const BadCase& c) {
  const std::string message = e.what();
  EXPECT_EQ(message.rfind(expected_prefix(c), 0), 0u) << message;
  EXPECT_EQ(e.line(), c.line);
  EXPECT_EQ(e.column(), c.column);
  for (const std::string& word : c.words) {
    EXPECT_NE(message.find(word), std::string::npos) << "'" << word << "' not in: " << message;
  }
}

ReadOptions options_of(const BadCase& c) {
  ReadOptions options;
  options.expected_length = c.expected_length;
  return options;
}

class BadInput : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadInput, ReadDatasetReportsFileLineColumnAndReason) {
  const BadCase& c = GetParam();
  try {
    read_dataset(path_of(c), options_of(c));
    FAIL() << c.file << " was accepted";
  } catch (const InputError& e) {
    expect_matches(e, c);
  }
}

TEST_P(BadInput, BeatReaderReportsTheSameError) {
  const BadCase& c = GetParam();
  try {
    BeatReader reader(path_of(c), options_of(c));
    Dataset batch;
    while (reader.next(batch, 2)) {
    }
    FAIL() << c.file << " was accepted";
  } catch (const InputError& e) {
    expect_matches(e, c);
  }
}

INSTANTIATE_TEST_SUITE_P(Catalogue, BadInput, ::testing::ValuesIn(catalogue()),
                         [](const ::testing::TestParamInfo<BadCase>& info) { return info.param.name; });

TEST(BadInputCatalogue, CoversEveryFileInTheFolder) {
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(test::fixture("data/bad"))) {
    if (!entry.is_regular_file()) continue;
    ++files;
    const std::string name = entry.path().filename().string();
    bool listed = false;
    for (const BadCase& c : catalogue()) listed = listed || name == c.file;
    EXPECT_TRUE(listed) << name << " has no case in the catalogue";
  }
  EXPECT_EQ(files, catalogue().size());
  EXPECT_GE(files, 22u);
}

// Too large to commit: a line beyond kMaxLineBytes, made in memory.
TEST(BadInput, RejectsALineLongerThanTheLimitWithoutReadingItWhole) {
  std::string text = "1,0.5,0.25\n";
  text.append(kMaxLineBytes + 1, '7');
  text += "\n";
  try {
    parse_dataset(text, "long.csv");
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "long.csv:2: line longer than 16 MiB");
  }
  try {
    BeatReader reader(std::make_unique<std::istringstream>(text), "long.csv");
    Dataset batch;
    while (reader.next(batch, 100)) {
    }
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "long.csv:2: line longer than 16 MiB");
  }
}

}  // namespace
}  // namespace ecglens
