// Reading every supported format from the small fixtures in
// tests/fixtures/data (see its README for what each one checks).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ecglens/data/dataset.h"
#include "test_paths.h"

namespace ecglens {
namespace {

using ::testing::ElementsAre;
using ::testing::FloatEq;
using ::testing::IsEmpty;

Dataset read_fixture(const std::string& name, const ReadOptions& options = {}) {
  return read_dataset(test::fixture("data/" + name).string(), options);
}

std::vector<float> beat_values(const Dataset& d, std::size_t i) {
  const float* b = d.beat(i);
  return std::vector<float>(b, b + d.length * d.channels);
}

// The three beats that ucr_style.{txt,tsv,arff,ts} all hold.
void expect_ucr_style_beats(const Dataset& d) {
  ASSERT_EQ(d.size(), 3u);
  EXPECT_EQ(d.length, 4);
  EXPECT_EQ(d.channels, 1);
  EXPECT_THAT(beat_values(d, 0), ElementsAre(FloatEq(-0.11252183f), FloatEq(-2.8272038f),
                                             FloatEq(-3.7738969f), FloatEq(-4.3497511f)));
  EXPECT_THAT(beat_values(d, 1), ElementsAre(FloatEq(1.2345f), FloatEq(0.5f), FloatEq(-0.25f), FloatEq(0.0f)));
  EXPECT_THAT(beat_values(d, 2), ElementsAre(FloatEq(-1), FloatEq(1), FloatEq(-1), FloatEq(1)));
}

TEST(UcrTxt, ReadsScientificNotationWithLeadingSpacesAndTabs) {
  const Dataset d = read_fixture("ucr_style.txt");
  expect_ucr_style_beats(d);
  // Labels are kept as the file writes them; label mapping compares them as numbers.
  EXPECT_THAT(d.labels, ElementsAre("1.0000000e+00", "2.0000000e+00", "1.0000000e+00"));
  EXPECT_THAT(d.lines, ElementsAre(1, 2, 3));
  EXPECT_EQ(d.label_column, 1);
}

TEST(UcrTsv, ReadsTabSeparatedWithClassFirst) {
  const Dataset d = read_fixture("ucr_style.tsv");
  expect_ucr_style_beats(d);
  EXPECT_THAT(d.labels, ElementsAre("1", "2", "1"));
}

TEST(Arff, ReadsTheArchiveStyleWithTheNominalTargetAsLabel) {
  const Dataset d = read_fixture("ucr_style.arff");
  expect_ucr_style_beats(d);
  EXPECT_THAT(d.labels, ElementsAre("1", "2", "1"));
  EXPECT_THAT(d.lines, ElementsAre(10, 11, 12));
  EXPECT_EQ(d.label_column, 5);
}

TEST(Arff, AcceptsUpperCaseKeywordsQuotedNamesCommentsAndAClassBeforeTheValues) {
  const Dataset d = read_fixture("keywords_upper.arff");
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d.length, 3);
  EXPECT_THAT(beat_values(d, 0), ElementsAre(0.5f, 1.5f, 2.0f));
  EXPECT_THAT(beat_values(d, 1), ElementsAre(-1.0f, FloatEq(0.2f), 3.0f));
  EXPECT_THAT(d.labels, ElementsAre("N", "V"));
  EXPECT_THAT(d.lines, ElementsAre(9, 10));
  EXPECT_EQ(d.label_column, 1);
}

TEST(Ts, ReadsTheArchiveStyleWithClassLabels) {
  const Dataset d = read_fixture("ucr_style.ts");
  expect_ucr_style_beats(d);
  EXPECT_THAT(d.labels, ElementsAre("1", "2", "1"));
  EXPECT_THAT(d.lines, ElementsAre(11, 12, 13));
  EXPECT_EQ(d.label_column, 5);
}

TEST(Ts, ReadsDimensionsAsChannelsStepMajor) {
  const Dataset d = read_fixture("multivariate.ts");
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d.length, 3);
  EXPECT_EQ(d.channels, 2);
  // (t, c) at t*2 + c: lead 1 is 1,2,3 and lead 2 is 10,20,30.
  EXPECT_THAT(beat_values(d, 0), ElementsAre(1, 10, 2, 20, 3, 30));
  EXPECT_THAT(beat_values(d, 1), ElementsAre(4, 40, 5, 50, 6, 60));
  EXPECT_THAT(d.labels, ElementsAre("normal", "abnormal"));
  EXPECT_EQ(d.label_column, 7);
}

TEST(Ts, InfersDimensionsAndAcceptsPercentCommentsWithoutClassLabels) {
  const Dataset d = read_fixture("comments_no_class.ts");
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d.length, 2);
  EXPECT_EQ(d.channels, 3);
  EXPECT_THAT(beat_values(d, 1), ElementsAre(7, 9, 11, 8, 10, 12));
  EXPECT_THAT(d.labels, IsEmpty());
  EXPECT_THAT(d.lines, ElementsAre(10, 12));
}

TEST(Ts, LabelNoneDropsTheDeclaredClass) {
  ReadOptions options;
  options.label = LabelColumn::None;
  const Dataset d = read_fixture("ucr_style.ts", options);
  EXPECT_EQ(d.size(), 3u);
  EXPECT_THAT(d.labels, IsEmpty());
  EXPECT_EQ(d.label_column, 0);
}

TEST(Csv, ReadsHeaderAndLabelFirstNamedLabel) {
  const Dataset d = read_fixture("header_label_first.csv");
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d.length, 4);
  EXPECT_THAT(beat_values(d, 1), ElementsAre(FloatEq(1.1f), FloatEq(1.2f), FloatEq(1.3f), FloatEq(1.4f)));
  EXPECT_THAT(d.labels, ElementsAre("1", "2"));
  EXPECT_THAT(d.lines, ElementsAre(2, 3));
}

TEST(Csv, GuessesIntegerLabelsFirstWithoutHeader) {
  const Dataset d = read_fixture("label_first.csv");
  ASSERT_EQ(d.size(), 3u);
  EXPECT_EQ(d.length, 3);
  EXPECT_THAT(beat_values(d, 0), ElementsAre(FloatEq(3.690844f), FloatEq(0.7114143f), FloatEq(-2.114091f)));
  EXPECT_THAT(beat_values(d, 2), ElementsAre(FloatEq(1e-3f), FloatEq(-25.0f), FloatEq(0.5f)));
  EXPECT_THAT(d.labels, ElementsAre("0", "1", "0"));
}

TEST(Csv, ReadsHeaderWithClassLast) {
  const Dataset d = read_fixture("header_label_last.csv");
  EXPECT_EQ(d.length, 3);
  EXPECT_THAT(d.labels, ElementsAre("1", "0"));
  EXPECT_EQ(d.label_column, 4);
}

TEST(Csv, GuessesIntegerLabelsLastWhenTheFirstColumnIsNotLabels) {
  const Dataset d = read_fixture("label_last.csv");
  EXPECT_EQ(d.length, 3);
  EXPECT_THAT(beat_values(d, 0), ElementsAre(FloatEq(0.1f), FloatEq(0.2f), FloatEq(0.3f)));
  EXPECT_THAT(d.labels, ElementsAre("3", "1"));
}

TEST(Csv, ReadsValuesOnlyWithoutLabels) {
  const Dataset d = read_fixture("no_labels.csv");
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d.length, 4);
  EXPECT_THAT(d.labels, IsEmpty());
  EXPECT_EQ(d.label_column, 0);
}

TEST(Csv, TakesANumberedFirstRowForAHeader) {
  const Dataset d = read_fixture("numbered_header.csv");
  ASSERT_EQ(d.size(), 2u);
  EXPECT_THAT(beat_values(d, 0), ElementsAre(FloatEq(0.1f), FloatEq(0.2f), FloatEq(0.3f), FloatEq(0.4f), FloatEq(0.5f)));
  EXPECT_THAT(d.lines, ElementsAre(2, 3));
}

TEST(Csv, AcceptsByteOrderMarkAndCrlf) {
  const Dataset d = read_fixture("crlf_bom.csv");
  ASSERT_EQ(d.size(), 2u);
  EXPECT_THAT(beat_values(d, 1), ElementsAre(-0.5f, -1.5f, -2.5f));
  EXPECT_THAT(d.labels, ElementsAre("1", "0"));
}

TEST(Csv, ReadsQuotedTextLabelsWithEscapedQuotesAndCommas) {
  const Dataset d = read_fixture("quoted_labels.csv");
  ASSERT_EQ(d.size(), 3u);
  EXPECT_THAT(d.labels, ElementsAre("N", "V", "a \"q\", b"));
  EXPECT_THAT(beat_values(d, 2), ElementsAre(FloatEq(2.1f), FloatEq(2.2f), FloatEq(2.3f)));
}

TEST(Csv, AcceptsSemicolonAsDelimiter) {
  const Dataset d = read_fixture("semicolon.csv");
  EXPECT_EQ(d.length, 3);
  EXPECT_THAT(beat_values(d, 1), ElementsAre(-0.25f, -0.5f, -0.75f));
  EXPECT_THAT(d.labels, ElementsAre("1", "2"));
}

TEST(Csv, SkipsBlankLinesAndKeepsTrueLineNumbers) {
  const Dataset d = read_fixture("blank_lines.csv");
  ASSERT_EQ(d.size(), 2u);
  EXPECT_THAT(d.lines, ElementsAre(2, 4));
}

// --- options and auto-detection on bytes in memory ---------------------------

TEST(ReadOptions, ExplicitLabelColumnOverridesTheGuess) {
  ReadOptions options;
  options.label = LabelColumn::None;
  const Dataset d = read_fixture("label_first.csv", options);
  EXPECT_EQ(d.length, 4);
  EXPECT_THAT(d.labels, IsEmpty());
  EXPECT_THAT(beat_values(d, 1), ElementsAre(1.0f, -1.1f, 0.25f, 4.0f));
}

TEST(ReadOptions, IntegerSamplesAreNotMistakenForLabelsUnlessAsked) {
  const std::string text = "1,2,3\n4,5,6\n";
  EXPECT_THAT(parse_dataset(text, "adc.csv").labels, IsEmpty());
  ReadOptions options;
  options.label = LabelColumn::First;
  const Dataset d = parse_dataset(text, "adc.csv", options);
  EXPECT_THAT(d.labels, ElementsAre("1", "4"));
  EXPECT_EQ(d.length, 2);
}

TEST(ReadOptions, HeaderYesSkipsTheFirstLineAndHeaderNoKeepsIt) {
  ReadOptions options;
  options.header = 1;
  const Dataset skipped = parse_dataset("0.5,0.5\n1,2\n", "x.csv", options);
  EXPECT_EQ(skipped.size(), 1u);
  EXPECT_THAT(skipped.lines, ElementsAre(2));
  // Auto takes a numbered first row for a header; header 0 keeps it as a beat.
  options.header = 0;
  const Dataset kept = read_fixture("numbered_header.csv", options);
  ASSERT_EQ(kept.size(), 3u);
  EXPECT_THAT(beat_values(kept, 0), ElementsAre(0, 1, 2, 3, 4));
}

TEST(ReadOptions, ARowWithOneTypoIsDataNotAHeader) {
  try {
    parse_dataset("0.1,0.2,oops,0.4\n0.5,0.6,0.7,0.8\n", "typo.csv");
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "typo.csv:1:3: not a number: 'oops'");
  }
}

TEST(ReadOptions, ExpectedLengthAcceptsMatchingRows) {
  ReadOptions options;
  options.expected_length = 4;
  EXPECT_EQ(read_fixture("header_label_first.csv", options).length, 4);
  EXPECT_EQ(read_fixture("ucr_style.arff", options).length, 4);
  EXPECT_EQ(read_fixture("ucr_style.ts", options).length, 4);
}

TEST(ReadOptions, RejectsOutOfRangeOptionValues) {
  ReadOptions options;
  options.header = 2;
  EXPECT_THROW(parse_dataset("1,2\n", "x.csv", options), Error);
  options.header = -1;
  options.expected_length = -3;
  EXPECT_THROW(parse_dataset("1,2\n", "x.csv", options), Error);
}

TEST(DetectFormat, UsesTheExtensionFirstThenTheContent) {
  EXPECT_EQ(detect_format("a.CSV", "@relation x"), Format::Csv);
  EXPECT_EQ(detect_format("a.tsv", ""), Format::Tsv);
  EXPECT_EQ(detect_format("a.arff", ""), Format::Arff);
  EXPECT_EQ(detect_format("dir.v2/a.ts", ""), Format::Ts);
  EXPECT_EQ(detect_format("a.txt", "  1.0e+00  2.0e+00\n"), Format::UcrTxt);
  EXPECT_EQ(detect_format("a.txt", "1,2,3\n"), Format::Csv);
  EXPECT_EQ(detect_format("upload", "% comment\n@RELATION x\n"), Format::Arff);
  EXPECT_EQ(detect_format("upload", "# comment\n@problemName x\n"), Format::Ts);
  EXPECT_EQ(detect_format("upload", "\n1\t2\t3\n"), Format::Tsv);
  EXPECT_EQ(detect_format("upload", "1;2;3\n"), Format::Csv);
  EXPECT_EQ(detect_format("upload", "1 2 3\n"), Format::UcrTxt);
}

TEST(ParseDataset, ReadsBytesWithTheFormatOfTheSourceName) {
  const Dataset d = parse_dataset("@relation r\n@attribute a numeric\n@data\n2.5\n", "dropped.arff");
  EXPECT_EQ(d.source, "dropped.arff");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d.beat(0)[0], 2.5f);
}

TEST(ReadDataset, NamesAMissingFile) {
  try {
    read_dataset("/nonexistent/beats.csv");
    FAIL() << "expected an Error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "/nonexistent/beats.csv: no such file");
  }
}

TEST(OptionNames, ParseAndPrintTheCliSpellings) {
  for (const char* name : {"auto", "csv", "tsv", "txt", "arff", "ts"}) {
    EXPECT_STREQ(to_string(parse_format(name)), name);
  }
  for (const char* name : {"auto", "first", "last", "none"}) {
    EXPECT_STREQ(to_string(parse_label_column(name)), name);
  }
  EXPECT_THROW(parse_format("xlsx"), Error);
  EXPECT_THROW(parse_label_column("middle"), Error);
}

}  // namespace
}  // namespace ecglens
