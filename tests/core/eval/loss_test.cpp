#include "ecglens/eval/loss.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "ecglens/util/error.h"

namespace ecglens {
namespace {

// x - y = {1, -2, 0.5, -0.5}: squares 1, 4, 0.25, 0.25; absolutes 1, 2, 0.5, 0.5.
const std::vector<float> kX = {1.0f, 0.0f, 2.0f, 3.0f};
const std::vector<float> kY = {0.0f, 2.0f, 1.5f, 3.5f};

TEST(BeatLoss, MseIsTheMeanSquaredErrorOverAllValues) {
  EXPECT_FLOAT_EQ(beat_loss(kX.data(), kY.data(), 4, Loss::MSE), 5.5f / 4.0f);
}

TEST(BeatLoss, MaeIsTheMeanAbsoluteErrorOverAllValues) {
  EXPECT_FLOAT_EQ(beat_loss(kX.data(), kY.data(), 4, Loss::MAE), 4.0f / 4.0f);
}

TEST(BeatLoss, SaeIsTheSumOfAbsoluteErrorsNotAMean) {
  EXPECT_FLOAT_EQ(beat_loss(kX.data(), kY.data(), 4, Loss::SAE), 4.0f);
}

TEST(BeatLoss, IsZeroForAPerfectReconstruction) {
  for (Loss loss : {Loss::MSE, Loss::MAE, Loss::SAE}) {
    EXPECT_EQ(beat_loss(kX.data(), kX.data(), 4, loss), 0.0f) << to_string(loss);
  }
}

TEST(BeatLoss, AccumulatesInDoubleSoSmallErrorsAreNotLostInALargeSum) {
  // One error of 2^24 then 1000 errors of 1. A float accumulator stays at
  // 2^24 (2^24 + 1 rounds back to it); in double the sum is exact.
  const std::size_t n = 1001;
  std::vector<float> x(n, 1.0f), y(n, 0.0f);
  x[0] = 16777216.0f;  // 2^24
  EXPECT_EQ(beat_loss(x.data(), y.data(), n, Loss::SAE), 16777216.0f + 1000.0f);
}

TEST(BeatLoss, RejectsAnEmptyBeat) {
  EXPECT_THROW(beat_loss(kX.data(), kY.data(), 0, Loss::MSE), Error);
}

TEST(BeatLoss, PassesANonFiniteInputOnAsANonFiniteLoss) {
  std::vector<float> x = kX;
  x[2] = std::numeric_limits<float>::quiet_NaN();
  EXPECT_TRUE(std::isnan(beat_loss(x.data(), kY.data(), 4, Loss::MSE)));
}

TEST(TimestepError, AveragesTheSquaredErrorOverChannelsAtEachStep) {
  // Two steps of two channels ([step][channel]): squares {1, 4} and {0.25, 0.25}.
  float out[2] = {-1.0f, -1.0f};
  timestep_error(kX.data(), kY.data(), 2, 2, out);
  EXPECT_FLOAT_EQ(out[0], 2.5f);
  EXPECT_FLOAT_EQ(out[1], 0.25f);
}

TEST(TimestepError, WithOneChannelIsTheSquaredErrorAtEachStep) {
  float out[4];
  timestep_error(kX.data(), kY.data(), 4, 1, out);
  EXPECT_FLOAT_EQ(out[0], 1.0f);
  EXPECT_FLOAT_EQ(out[1], 4.0f);
  EXPECT_FLOAT_EQ(out[2], 0.25f);
  EXPECT_FLOAT_EQ(out[3], 0.25f);
}

TEST(TimestepError, ItsMeanIsTheMseOfTheBeat) {
  float out[2];
  timestep_error(kX.data(), kY.data(), 2, 2, out);
  EXPECT_FLOAT_EQ((out[0] + out[1]) / 2.0f, beat_loss(kX.data(), kY.data(), 4, Loss::MSE));
}

TEST(TimestepError, RejectsNonPositiveSizes) {
  float out[1];
  EXPECT_THROW(timestep_error(kX.data(), kY.data(), 0, 1, out), Error);
  EXPECT_THROW(timestep_error(kX.data(), kY.data(), 1, 0, out), Error);
}

TEST(ParseLoss, ReadsTheThreeNamesAndRoundTripsThroughToString) {
  EXPECT_EQ(parse_loss("mse"), Loss::MSE);
  EXPECT_EQ(parse_loss("mae"), Loss::MAE);
  EXPECT_EQ(parse_loss("sae"), Loss::SAE);
  for (Loss loss : {Loss::MSE, Loss::MAE, Loss::SAE}) EXPECT_EQ(parse_loss(to_string(loss)), loss);
}

TEST(ParseLoss, RejectsOtherNamesListingTheAcceptedOnes) {
  for (const char* bad : {"", "MSE", "rmse", "mse "}) {
    try {
      parse_loss(bad);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("expected mse, mae or sae"), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace ecglens
