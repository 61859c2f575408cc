// Streaming: BeatReader and the chunked line source under it must give what
// the whole-file reader gives, whatever the batch and chunk sizes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "batches.h"
#include "ecglens/data/beat_reader.h"
#include "ecglens/data/dataset.h"
#include "ecglens/data/delimited_reader.h"
#include "ecglens/data/text_input.h"
#include "ecglens/util/error.h"
#include "test_paths.h"

namespace ecglens {
namespace {

using ::testing::ElementsAre;

std::string fixture_path(const std::string& name) { return test::fixture("data/" + name).string(); }

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

const char* const kGoodFixtures[] = {
    "ucr_style.txt",      "ucr_style.tsv",      "ucr_style.arff",        "ucr_style.ts",
    "multivariate.ts",    "comments_no_class.ts", "keywords_upper.arff", "header_label_first.csv",
    "label_first.csv",    "header_label_last.csv", "label_last.csv",     "no_labels.csv",
    "numbered_header.csv", "crlf_bom.csv",       "quoted_labels.csv",     "semicolon.csv",
    "blank_lines.csv"};

TEST(BeatReader, GivesWhatReadDatasetGivesForEveryFixtureAndBatchSize) {
  for (const char* name : kGoodFixtures) {
    const std::string path = fixture_path(name);
    const Dataset whole = read_dataset(path);
    for (std::size_t batch : {1u, 2u, 1000u}) {
      SCOPED_TRACE(std::string(name) + ", batches of " + std::to_string(batch));
      BeatReader reader(path);
      test::expect_same_dataset(test::read_all_batches(reader, batch), whole);
    }
  }
}

// Line splitting across chunk boundaries: a chunk of 1 byte splits every
// line, CRLF pair and BOM.
TEST(StreamLines, SplitsLinesAcrossChunkBoundariesLikeMemoryLines) {
  for (const char* name : kGoodFixtures) {
    const std::string bytes = file_bytes(fixture_path(name));
    std::vector<std::string> expected;
    data_detail::MemoryLines memory(bytes, name);
    std::string_view line;
    while (memory.next(line)) expected.emplace_back(line);
    for (std::size_t chunk : {1u, 2u, 3u, 7u, 64u, 4096u}) {
      SCOPED_TRACE(std::string(name) + ", chunks of " + std::to_string(chunk));
      std::istringstream in(bytes);
      data_detail::StreamLines stream(in, name, chunk);
      std::vector<std::string> got;
      while (stream.next(line)) got.emplace_back(line);
      EXPECT_EQ(got, expected);
      EXPECT_EQ(stream.line_number(), static_cast<long>(expected.size()));
    }
  }
}

TEST(StreamLines, DropsTheByteOrderMarkAndCarriageReturns) {
  std::istringstream in("\xEF\xBB\xBF" "a,b\r\nc\r\n\r\nd");
  data_detail::StreamLines lines(in, "x.csv", 2);
  std::vector<std::string> got;
  std::string_view line;
  while (lines.next(line)) got.emplace_back(line);
  EXPECT_THAT(got, ElementsAre("a,b", "c", "", "d"));
}

TEST(BeatReader, DelimitedRowsInSmallChunksMatchTheWholeFile) {
  const std::string bytes = file_bytes(fixture_path("quoted_labels.csv"));
  const Dataset whole = parse_dataset(bytes, "q.csv");
  for (std::size_t chunk : {1u, 5u, 16u}) {
    std::istringstream in(bytes);
    data_detail::StreamLines lines(in, "q.csv", chunk);
    data_detail::DelimitedReader reader(lines, Format::Csv, ReadOptions{});
    test::expect_same_dataset(test::read_all_batches(reader, 1), whole);
  }
}

TEST(BeatReader, DeliversTheGoodBatchesBeforeTheMalformedRow) {
  BeatReader reader(fixture_path("bad/ragged_short.csv"));
  Dataset batch;
  ASSERT_TRUE(reader.next(batch, 1));
  EXPECT_THAT(batch.lines, ElementsAre(1));
  ASSERT_TRUE(reader.next(batch, 1));
  EXPECT_THAT(batch.lines, ElementsAre(2));
  EXPECT_THROW(reader.next(batch, 1), InputError);
}

TEST(BeatReader, KeepsReturningFalseAfterTheEnd) {
  BeatReader reader(fixture_path("label_last.csv"));
  Dataset batch;
  EXPECT_TRUE(reader.next(batch, 10));
  EXPECT_EQ(batch.size(), 2u);
  EXPECT_FALSE(reader.next(batch, 10));
  EXPECT_FALSE(reader.next(batch, 10));
  EXPECT_EQ(batch.size(), 0u);
}

TEST(BeatReader, ReadsAStreamWithTheFormatOfItsName) {
  BeatReader reader(std::make_unique<std::istringstream>("@relation r\n@attribute a numeric\n@data\n1\n2\n3\n"),
                    "upload.arff");
  EXPECT_EQ(reader.format(), Format::Arff);
  Dataset batch;
  ASSERT_TRUE(reader.next(batch, 2));
  EXPECT_THAT(batch.values, ElementsAre(1, 2));
  ASSERT_TRUE(reader.next(batch, 2));
  EXPECT_THAT(batch.values, ElementsAre(3));
  EXPECT_THAT(batch.lines, ElementsAre(6));
  EXPECT_FALSE(reader.next(batch, 2));
}

TEST(BeatReader, RejectsAnEmptyBatchSize) {
  BeatReader reader(fixture_path("label_last.csv"));
  Dataset batch;
  EXPECT_THROW(reader.next(batch, 0), Error);
}

TEST(BeatReader, NamesAMissingFile) {
  try {
    BeatReader reader("/nonexistent/huge.csv");
    FAIL() << "expected an Error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "/nonexistent/huge.csv: no such file");
  }
}

}  // namespace
}  // namespace ecglens
