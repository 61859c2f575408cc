// The split of a user's file: only normal beats train or validate, the
// held-out fraction is the size asked, drawn from the seed, and bad
// fractions or too few normal beats are errors.
#include "ecglens/train/beat_file_split.h"

#include <algorithm>
#include <iterator>

#include <gtest/gtest.h>

#include "ecglens/util/error.h"

namespace ecglens::train {
namespace {

constexpr auto N = BeatClass::Normal;
constexpr auto A = BeatClass::Anomaly;

std::vector<BeatClass> mixed(std::size_t count) {
  std::vector<BeatClass> c(count, N);
  for (std::size_t i = 0; i < count; i += 4) c[i] = A;  // every fourth beat an anomaly
  return c;
}

TEST(BeatFileSplit, UnlabelledBeatsAreAllNormal) {
  const BeatFileSplit s = all_normals({}, 5);
  EXPECT_EQ(s.train, (std::vector<std::size_t>{0, 1, 2, 3, 4}));
  EXPECT_TRUE(s.validation.empty());
  EXPECT_EQ(s.anomalies_left_out, 0u);
}

TEST(BeatFileSplit, AnomaliesAreLeftOutAndCounted) {
  const BeatFileSplit s = all_normals({N, A, N, A, A}, 5);
  EXPECT_EQ(s.train, (std::vector<std::size_t>{0, 2}));
  EXPECT_EQ(s.anomalies_left_out, 3u);
}

TEST(BeatFileSplit, HoldOutTakesTheRoundedFractionOfNormalsAndKeepsThemDisjoint) {
  const auto classes = mixed(400);  // 300 normal, 100 anomalies
  const BeatFileSplit s = hold_out_normals(classes, classes.size(), 0.05, 7);
  EXPECT_EQ(s.validation.size(), 15u);
  EXPECT_EQ(s.train.size(), 285u);
  EXPECT_EQ(s.anomalies_left_out, 100u);
  EXPECT_TRUE(std::is_sorted(s.train.begin(), s.train.end()));
  EXPECT_TRUE(std::is_sorted(s.validation.begin(), s.validation.end()));
  std::vector<std::size_t> both;
  std::set_union(s.train.begin(), s.train.end(), s.validation.begin(), s.validation.end(),
                 std::back_inserter(both));
  EXPECT_EQ(both, normal_indices(classes, classes.size()));
  EXPECT_EQ(both.size(), s.train.size() + s.validation.size());  // no beat in both
}

TEST(BeatFileSplit, HoldOutIsFixedByTheSeedAndChangesWithIt) {
  const auto classes = mixed(400);
  const BeatFileSplit a = hold_out_normals(classes, classes.size(), 0.1, 1);
  const BeatFileSplit b = hold_out_normals(classes, classes.size(), 0.1, 1);
  const BeatFileSplit c = hold_out_normals(classes, classes.size(), 0.1, 2);
  EXPECT_EQ(a.validation, b.validation);
  EXPECT_NE(a.validation, c.validation);
  // Not simply the last beats of the file.
  EXPECT_LT(a.validation.front(), 300u);
}

TEST(BeatFileSplit, HoldOutKeepsAtLeastOneBeatOnEachSide) {
  EXPECT_EQ(hold_out_normals({}, 3, 0.01, 0).validation.size(), 1u);
  EXPECT_EQ(hold_out_normals({}, 3, 0.99, 0).train.size(), 1u);
}

TEST(BeatFileSplit, BadFractionsAndTooFewNormalsAreErrors) {
  EXPECT_THROW(hold_out_normals({}, 10, 0.0, 0), Error);
  EXPECT_THROW(hold_out_normals({}, 10, 1.0, 0), Error);
  EXPECT_THROW(hold_out_normals({}, 10, -0.5, 0), Error);
  EXPECT_THROW(hold_out_normals({N, A, A}, 3, 0.5, 0), Error);
}

}  // namespace
}  // namespace ecglens::train
