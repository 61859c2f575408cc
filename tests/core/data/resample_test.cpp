#include "ecglens/data/resample.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <vector>

#include "ecglens/util/error.h"

namespace ecglens {
namespace {

using ::testing::ElementsAre;
using ::testing::FloatEq;

std::vector<float> resampled(const std::vector<float>& in, int in_length, int out_length, int channels = 1) {
  std::vector<float> out(static_cast<std::size_t>(out_length * channels), -99.0f);
  resample_beat(in.data(), in_length, out.data(), out_length, channels);
  return out;
}

TEST(Resample, UpsamplesWithEndpointsAligned) {
  // 3 -> 5: positions 0, 0.5, 1, 1.5, 2 over {0, 10, 4}.
  EXPECT_THAT(resampled({0, 10, 4}, 3, 5), ElementsAre(0, 5, 10, 7, 4));
}

TEST(Resample, DownsamplesToHandComputedValues) {
  // 5 -> 3: positions 0, 2, 4 -> samples 0, 2, 4 exactly.
  EXPECT_THAT(resampled({1, 2, 3, 4, 5}, 5, 3), ElementsAre(1, 3, 5));
  // 4 -> 3: positions 0, 1.5, 3 over {0, 1, 3, 9} -> 0, 2, 9.
  EXPECT_THAT(resampled({0, 1, 3, 9}, 4, 3), ElementsAre(0, 2, 9));
  // 3 -> 4: positions 0, 2/3, 4/3, 2 over {0, 3, 6} -> 0, 2, 4, 6.
  EXPECT_THAT(resampled({0, 3, 6}, 3, 4), ElementsAre(0, FloatEq(2), FloatEq(4), 6));
}

TEST(Resample, KeepsTheLastSampleExactly) {
  std::vector<float> in(140);
  for (int i = 0; i < 140; ++i) in[static_cast<std::size_t>(i)] = 0.1f * static_cast<float>(i * i) - 3.3f;
  const std::vector<float> out = resampled(in, 140, 187);
  EXPECT_EQ(out.front(), in.front());
  EXPECT_EQ(out.back(), in.back());
}

TEST(Resample, ResamplesEachChannelOnItsOwn) {
  // [t][c] layout: channel 0 = {0, 2}, channel 1 = {10, 30}; 2 -> 3 steps.
  EXPECT_THAT(resampled({0, 10, 2, 30}, 2, 3, 2), ElementsAre(0, 10, 1, 20, 2, 30));
}

TEST(Resample, SameLengthIsACopyAndLengthOneCases) {
  EXPECT_THAT(resampled({4, 5, 6}, 3, 3), ElementsAre(4, 5, 6));
  EXPECT_THAT(resampled({7}, 1, 3), ElementsAre(7, 7, 7));
  EXPECT_THAT(resampled({4, 5, 6}, 3, 1), ElementsAre(4));
}

TEST(Resample, DatasetKeepsLabelsAndLines) {
  Dataset d;
  d.source = "x.csv";
  d.length = 3;
  d.values = {0, 10, 4, 1, 1, 1};
  d.labels = {"1", "2"};
  d.lines = {4, 5};
  d.label_column = 1;
  const Dataset r = resample(d, 5);
  EXPECT_EQ(r.length, 5);
  EXPECT_EQ(r.size(), 2u);
  EXPECT_THAT(r.values, ElementsAre(0, 5, 10, 7, 4, 1, 1, 1, 1, 1));
  EXPECT_EQ(r.labels, d.labels);
  EXPECT_EQ(r.lines, d.lines);
  EXPECT_EQ(r.label_column, 1);
}

TEST(Resample, RejectsNonPositiveSizes) {
  float x = 1;
  float y = 0;
  EXPECT_THROW(resample_beat(&x, 0, &y, 1, 1), Error);
  EXPECT_THROW(resample_beat(&x, 1, &y, 0, 1), Error);
  EXPECT_THROW(resample_beat(&x, 1, &y, 1, 0), Error);
  EXPECT_THROW(resample(Dataset{}, 0), Error);
}

}  // namespace
}  // namespace ecglens
