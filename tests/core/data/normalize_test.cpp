#include "ecglens/data/normalize.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "ecglens/util/error.h"

namespace ecglens {
namespace {

using ::testing::ElementsAre;
using ::testing::FloatNear;

TEST(Normalize, ZScoreUsesThePopulationStandardDeviation) {
  // mean 2.5, population variance 1.25, std sqrt(1.25) = 1.118034.
  std::vector<float> x = {1, 2, 3, 4};
  normalize_beat(x.data(), 4, 1, Normalization::ZScore);
  const float s = 1.0f / std::sqrt(1.25f);
  EXPECT_THAT(x, ElementsAre(FloatNear(-1.5f * s, 1e-6f), FloatNear(-0.5f * s, 1e-6f),
                             FloatNear(0.5f * s, 1e-6f), FloatNear(1.5f * s, 1e-6f)));
}

TEST(Normalize, WorksPerChannelOnStepMajorValues) {
  // Channel 0: 1,3 -> -1,1. Channel 1: 10,10 (flat) -> 0,0. Layout [t][c].
  std::vector<float> x = {1, 10, 3, 10};
  normalize_beat(x.data(), 2, 2, Normalization::ZScore);
  EXPECT_THAT(x, ElementsAre(-1, 0, 1, 0));
}

TEST(Normalize, FlatChannelIsOnlyCentred) {
  std::vector<float> x = {0.1f, 0.1f, 0.1f};
  normalize_beat(x.data(), 3, 1, Normalization::ZScore);
  EXPECT_THAT(x, ElementsAre(0, 0, 0));
  x = {7, 7, 7};
  normalize_beat(x.data(), 3, 1, Normalization::MinMax);
  EXPECT_THAT(x, ElementsAre(0, 0, 0));
}

TEST(Normalize, MinMaxMapsOntoZeroToOne) {
  std::vector<float> x = {-2, 0, 2, 1, 6, -2};  // two channels: {-2,2,6} and {0,1,-2}
  normalize_beat(x.data(), 3, 2, Normalization::MinMax);
  EXPECT_THAT(x, ElementsAre(0, FloatNear(2.0f / 3, 1e-7f), 0.5f, 1, 1, 0));
}

TEST(Normalize, NoneLeavesTheBeatUnchanged) {
  std::vector<float> x = {3, -1, 8};
  normalize_beat(x.data(), 3, 1, Normalization::None);
  EXPECT_THAT(x, ElementsAre(3, -1, 8));
}

TEST(Normalize, NonFiniteInputStaysVisible) {
  std::vector<float> x = {1, NAN, 1};
  normalize_beat(x.data(), 3, 1, Normalization::ZScore);
  EXPECT_TRUE(std::isnan(x[0]));
}

TEST(Normalize, RejectsNonPositiveSizes) {
  float x = 1;
  EXPECT_THROW(normalize_beat(&x, 0, 1, Normalization::ZScore), Error);
  EXPECT_THROW(normalize_beat(&x, 1, 0, Normalization::ZScore), Error);
}

TEST(Normalize, ParsesAndPrintsTheNames) {
  for (const char* name : {"none", "zscore", "minmax"}) {
    EXPECT_STREQ(to_string(parse_normalization(name)), name);
  }
  EXPECT_THROW(parse_normalization("ZScore"), Error);
  EXPECT_THROW(parse_normalization(""), Error);
}

}  // namespace
}  // namespace ecglens
