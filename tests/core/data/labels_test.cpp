#include "ecglens/data/labels.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ecglens/util/error.h"

namespace ecglens {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

constexpr BeatClass N = BeatClass::Normal;
constexpr BeatClass A = BeatClass::Anomaly;

Dataset with_labels(std::vector<std::string> labels) {
  Dataset d;
  d.source = "beats.csv";
  d.length = 1;
  d.values.assign(labels.size(), 0.0f);
  for (std::size_t i = 0; i < labels.size(); ++i) d.lines.push_back(static_cast<long>(i) + 10);
  d.labels = std::move(labels);
  d.label_column = 1;
  return d;
}

TEST(SameLabel, ComparesNumbersAsNumbersAndTextExactly) {
  EXPECT_TRUE(same_label("1", "1.0"));
  EXPECT_TRUE(same_label("1", "1.0000000e+00"));
  EXPECT_TRUE(same_label(" 2 ", "2"));
  EXPECT_FALSE(same_label("1", "2"));
  EXPECT_TRUE(same_label("N", "N"));
  EXPECT_FALSE(same_label("N", "n"));
  EXPECT_FALSE(same_label("1", "one"));
}

TEST(DefaultLabelMap, ZeroOneLabelsFollowTheBinaryConvention) {
  const LabelMap map = default_label_map(with_labels({"0", "1", "1", "0"}));
  EXPECT_THAT(map.normal, ElementsAre("0"));
  EXPECT_TRUE(map.anomaly.empty());
  EXPECT_THAT(map_labels(with_labels({"0", "1", "1", "0"}), map), ElementsAre(N, A, A, N));
}

TEST(DefaultLabelMap, UcrClassesMakeClassOneNormal) {
  const Dataset d = with_labels({"1.0000000e+00", "2.0000000e+00", "5.0000000e+00", "1.0000000e+00"});
  const LabelMap map = default_label_map(d);
  EXPECT_THAT(map.normal, ElementsAre("1"));
  EXPECT_THAT(map_labels(d, map), ElementsAre(N, A, A, N));
}

TEST(DefaultLabelMap, AFileOfOnlyOnesIsUcrClassOneNotAllAnomalies) {
  const Dataset d = with_labels({"1", "1", "1"});
  EXPECT_THAT(map_labels(d, default_label_map(d)), ElementsAre(N, N, N));
}

TEST(DefaultLabelMap, NormalAndNInAnyCaseAreNormal) {
  const Dataset d = with_labels({"N", "V", "normal", "Normal", "A", "n"});
  const LabelMap map = default_label_map(d);
  EXPECT_THAT(map.normal, UnorderedElementsAre("1", "N", "normal", "Normal", "n"));
  EXPECT_THAT(map_labels(d, map), ElementsAre(N, A, N, N, A, N));
}

TEST(MapLabels, AnExplicitMapSendsListedLabelsToTheirClass) {
  const Dataset d = with_labels({"1", "2", "3", "2.0"});
  LabelMap map;
  map.normal = {"1", "2"};
  map.anomaly = {"3"};
  EXPECT_THAT(map_labels(d, map), ElementsAre(N, N, A, N));
}

TEST(MapLabels, ALabelInNeitherListNamesFileLineAndColumn) {
  const Dataset d = with_labels({"1", "3", "4"});
  LabelMap map;
  map.normal = {"1"};
  map.anomaly = {"2", "3"};
  try {
    map_labels(d, map);
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "beats.csv:12:1: label '4' is neither normal (1) nor an anomaly (2,3)");
  }
}

TEST(MapLabels, RejectsDataWithoutLabelsAndALabelListedTwice) {
  Dataset unlabelled = with_labels({});
  EXPECT_THROW(map_labels(unlabelled, LabelMap{{"1"}, {}}), Error);
  EXPECT_THROW(default_label_map(unlabelled), Error);
  EXPECT_THROW(map_labels(with_labels({"1"}), LabelMap{{"1"}, {"1.0"}}), Error);
}

}  // namespace
}  // namespace ecglens
