// The real data set: ECG5000 as the archive ships it (whitespace .txt) and as
// a binary-labelled CSV. Counts checked against the files with
//   awk '{print $1}' ECG5000_TRAIN.txt | sort | uniq -c     (292 of class 1)
//   cut -d, -f1 ECG5000_TEST_binary.csv | sort | uniq -c    (2627 zeros, 1873 ones)
// Skipped where the data folder is absent.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "ecglens/data/beat_reader.h"
#include "ecglens/data/dataset.h"
#include "ecglens/data/labels.h"
#include "batches.h"
#include "test_paths.h"

namespace ecglens {
namespace {

std::string data_file(const std::string& name) {
  return test::ecg5000(name).string();
}

#define SKIP_WITHOUT(file)                                                        \
  if (!std::filesystem::exists(test::ecg5000(file))) GTEST_SKIP() << file " is not here"

TEST(Ecg5000, TrainTxtHas500BeatsOf140With292OfClass1) {
  SKIP_WITHOUT("ECG5000_TRAIN.txt");
  const Dataset d = read_dataset(data_file("ECG5000_TRAIN.txt"));
  ASSERT_EQ(d.size(), 500u);
  EXPECT_EQ(d.length, 140);
  EXPECT_EQ(d.channels, 1);
  ASSERT_EQ(d.labels.size(), 500u);
  const auto class1 = std::count_if(d.labels.begin(), d.labels.end(),
                                    [](const std::string& l) { return same_label(l, "1"); });
  EXPECT_EQ(class1, 292);
  // First and last samples of the first row, as the file writes them.
  EXPECT_FLOAT_EQ(d.beat(0)[0], -1.1252183e-01f);
  EXPECT_FLOAT_EQ(d.beat(0)[139], 1.9313742e-01f);
  // UCR convention: class 1 normal, classes 2-5 anomalies.
  const std::vector<BeatClass> classes = map_labels(d, default_label_map(d));
  EXPECT_EQ(std::count(classes.begin(), classes.end(), BeatClass::Normal), 292);
}

TEST(Ecg5000, TestBinaryCsvHas4500BeatsOf140With2627Zeros) {
  SKIP_WITHOUT("ECG5000_TEST_binary.csv");
  const Dataset d = read_dataset(data_file("ECG5000_TEST_binary.csv"));
  ASSERT_EQ(d.size(), 4500u);
  EXPECT_EQ(d.length, 140);
  EXPECT_EQ(std::count(d.labels.begin(), d.labels.end(), "0"), 2627);
  EXPECT_EQ(std::count(d.labels.begin(), d.labels.end(), "1"), 1873);
  EXPECT_FLOAT_EQ(d.beat(0)[0], 3.690844f);
  EXPECT_FLOAT_EQ(d.beat(0)[139], -1.905073f);
  // Binary convention: 0 normal.
  const std::vector<BeatClass> classes = map_labels(d, default_label_map(d));
  EXPECT_EQ(std::count(classes.begin(), classes.end(), BeatClass::Normal), 2627);
}

TEST(Ecg5000, BeatReaderInBatchesOf100GivesExactlyWhatReadDatasetGives) {
  SKIP_WITHOUT("ECG5000_TEST_binary.csv");
  const std::string path = data_file("ECG5000_TEST_binary.csv");
  BeatReader reader(path);
  std::size_t batches = 0;
  const Dataset streamed = test::read_all_batches(reader, 100, &batches);
  EXPECT_EQ(batches, 45u);
  test::expect_same_dataset(streamed, read_dataset(path));
}

TEST(Ecg5000, BeatReaderStreamsTheWhitespaceTxtToo) {
  SKIP_WITHOUT("ECG5000_TRAIN.txt");
  const std::string path = data_file("ECG5000_TRAIN.txt");
  BeatReader reader(path);
  EXPECT_EQ(reader.format(), Format::UcrTxt);
  std::size_t batches = 0;
  const Dataset streamed = test::read_all_batches(reader, 64, &batches);
  EXPECT_EQ(batches, 8u);  // 7 * 64 + 52
  test::expect_same_dataset(streamed, read_dataset(path));
}

}  // namespace
}  // namespace ecglens
