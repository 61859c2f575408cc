// The protocol's simple baselines: each score checked against values worked
// out by hand on tiny data sets, and, with ECG5000 present, the fixed split's
// figures checked against those PROTOCOL.md publishes.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "ecglens/train/baselines.h"
#include "ecglens/util/error.h"
#include "test_paths.h"

namespace ecglens::train {
namespace {

BeatRows rows(std::initializer_list<std::initializer_list<double>> values) {
  BeatRows m(static_cast<Eigen::Index>(values.size()),
             static_cast<Eigen::Index>(values.begin()->size()));
  Eigen::Index i = 0;
  for (const auto& r : values) {
    Eigen::Index j = 0;
    for (double v : r) m(i, j++) = v;
    ++i;
  }
  return m;
}

TEST(MeanBeatBaseline, ScoresTheSquaredDistanceToTheMeanTrainingBeat) {
  const BeatRows train = rows({{0, 0}, {2, 0}, {0, 2}, {2, 2}});  // mean (1, 1)
  const Scores s = mean_beat_scores(train, rows({{4, 5}, {1, 1}, {0, 1}}));
  ASSERT_EQ(s.size(), 3u);
  EXPECT_FLOAT_EQ(s[0], 25.0f);  // 3^2 + 4^2
  EXPECT_FLOAT_EQ(s[1], 0.0f);
  EXPECT_FLOAT_EQ(s[2], 1.0f);
}

TEST(NearestNeighbourBaseline, OneNeighbourIsTheSquaredDistanceToTheClosestTrainingBeat) {
  const BeatRows train = rows({{0, 0}, {10, 0}, {0, -7}});
  const Scores s = nearest_neighbour_scores(train, rows({{3, 4}, {9, 1}, {10, 0}}), 1);
  ASSERT_EQ(s.size(), 3u);
  EXPECT_NEAR(s[0], 25.0f, 1e-9);  // (0,0); (10,0) is 65 away, (0,-7) 130
  EXPECT_NEAR(s[1], 2.0f, 1e-9);   // (10,0)
  EXPECT_NEAR(s[2], 0.0f, 1e-9);   // a training beat itself
}

TEST(NearestNeighbourBaseline, KNeighboursAverageTheKSmallestSquaredDistances) {
  const BeatRows train = rows({{0, 0}, {10, 0}, {0, -7}});
  const Scores two = nearest_neighbour_scores(train, rows({{3, 4}}), 2);
  EXPECT_NEAR(two[0], (25.0f + 65.0f) / 2, 1e-5);
  const Scores three = nearest_neighbour_scores(train, rows({{3, 4}}), 3);
  EXPECT_NEAR(three[0], (25.0f + 65.0f + 130.0f) / 3, 1e-5);
}

TEST(NearestNeighbourBaseline, BlocksOfManyBeatsGiveTheSameScoresAsOneAtATime) {
  // More beats than one distance block holds, each compared with a direct loop.
  BeatRows train(37, 5), beats(600, 5);
  for (Eigen::Index i = 0; i < train.size(); ++i) train.data()[i] = std::sin(0.7 * i);
  for (Eigen::Index i = 0; i < beats.size(); ++i) beats.data()[i] = std::cos(0.3 * i);
  const Scores s = nearest_neighbour_scores(train, beats, 3);
  ASSERT_EQ(s.size(), 600u);
  for (Eigen::Index i = 0; i < beats.rows(); i += 41) {
    std::vector<double> d;
    for (Eigen::Index j = 0; j < train.rows(); ++j)
      d.push_back((beats.row(i) - train.row(j)).squaredNorm());
    std::sort(d.begin(), d.end());
    EXPECT_NEAR(s[static_cast<std::size_t>(i)], (d[0] + d[1] + d[2]) / 3, 1e-4) << "beat " << i;
  }
}

TEST(PcaBaseline, BeatsInTheSpanOfALowRankTrainingSetScoreZero) {
  // Training beats m + a*u + b*v: exactly rank 2 after centring.
  Eigen::RowVectorXd m(4), u(4), v(4), off(4);
  m << 1, 2, 3, 4;
  u << 1, 1, 0, 0;
  v << 0, 0, 1, -1;
  off << 1, -1, 0, 0;
  BeatRows train(6, 4);
  const double a[] = {0, 1, -2, 3, 0.5, -1}, b[] = {1, 0, 2, -1, 0.25, -3};
  for (int i = 0; i < 6; ++i) train.row(i) = m + a[i] * u + b[i] * v;
  BeatRows beats(2, 4);
  beats.row(0) = m + 7.0 * u - 5.0 * v;  // in the span
  beats.row(1) = m + 2.0 * u + 3.0 * off;  // off the span by 3 (1,-1,0,0)
  const Scores s = pca_scores(train, beats, 2);
  EXPECT_NEAR(s[0], 0.0f, 1e-9);
  EXPECT_NEAR(s[1], 18.0f, 1e-4);  // ||3 (1,-1,0,0)||^2
}

TEST(PcaBaseline, OneComponentKeepsTheDirectionOfLargestVariance) {
  // Variance along x (spread 10) far above y (spread 1).
  const BeatRows train = rows({{-10, -1}, {10, 1}, {-10, 1}, {10, -1}});
  const Scores s = pca_scores(train, rows({{5, 2}, {0, 0}}), 1);
  EXPECT_NEAR(s[0], 4.0f, 1e-6);  // the y part, 2^2
  EXPECT_NEAR(s[1], 0.0f, 1e-9);
}

TEST(Baselines, RejectBadSizesAndUnknownMethodsWithAClearError) {
  const BeatRows train = rows({{0, 0}, {1, 1}});
  EXPECT_THROW(nearest_neighbour_scores(train, rows({{1, 2}}), 3), Error);
  EXPECT_THROW(nearest_neighbour_scores(train, rows({{1, 2}}), 0), Error);
  EXPECT_THROW(pca_scores(train, rows({{1, 2}}), 3), Error);
  EXPECT_THROW(mean_beat_scores(train, rows({{1, 2, 3}})), Error);
  EXPECT_THROW(mean_beat_scores(BeatRows(0, 2), rows({{1, 2}})), Error);
  EXPECT_THROW(baseline_scores({"median"}, train, rows({{1, 2}})), Error);
  try {
    baseline_scores({"median"}, train, rows({{1, 2}}));
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("median"), std::string::npos);
  }
}

TEST(EvaluateBaseline, FitsOnTrainThresholdsOnValidationAndScoresTheTestBeats) {
  // Beats of length 2: normals near the origin, anomalies far off.
  LabelledBeats beats;
  beats.data.length = 2;
  beats.data.values = {0, 0, 1, 0, 0, 1,  // train normals 0-2, mean (1/3, 1/3)
                       1, 1,              // validation normal 3
                       0, 0.5f, 5, 5, 6, 0};  // test: normal 4, anomalies 5, 6
  beats.classes = {BeatClass::Normal, BeatClass::Normal, BeatClass::Normal, BeatClass::Normal,
                   BeatClass::Normal, BeatClass::Anomaly, BeatClass::Anomaly};
  const Split split{"hand", {0, 1, 2}, {3}, {4, 5, 6}};
  const BaselineResult r = evaluate_baseline(beats, split, {"1nn"});
  ASSERT_EQ(r.validation_scores.size(), 1u);
  EXPECT_NEAR(r.validation_scores[0], 1.0f, 1e-6);  // (1,1) to (1,0) or (0,1)
  ASSERT_EQ(r.test_scores.size(), 3u);
  EXPECT_NEAR(r.test_scores[0], 0.25f, 1e-6);
  EXPECT_NEAR(r.test_scores[1], 41.0f, 1e-5);  // (5,5) to (1,0) or (0,1)
  EXPECT_NEAR(r.test_scores[2], 25.0f, 1e-5);  // (6,0) to (1,0)
  // One validation score: every percentile is that score.
  EXPECT_EQ(r.evaluation.at_threshold.name, "p99");
  EXPECT_NEAR(r.evaluation.at_threshold.threshold, 1.0, 1e-6);
  EXPECT_DOUBLE_EQ(r.evaluation.roc_auc, 1.0);
  EXPECT_EQ(r.evaluation.at_threshold.confusion.tp, 2);
  EXPECT_EQ(r.evaluation.at_threshold.confusion.tn, 1);
}

// ---- ECG5000, the fixed split: PROTOCOL.md's published figures ------------

bool have_ecg5000() {
  return std::filesystem::exists(test::ecg5000("ECG5000_TRAIN.txt")) &&
         std::filesystem::exists(test::ecg5000("ECG5000_TEST_binary.csv"));
}

struct Published {
  const char* method;
  double roc_auc;
  double leak_free_accuracy;  // nan where PROTOCOL.md leaves it blank
  double tuned_accuracy;
};

TEST(BaselinesOnEcg5000, FixedSplitMatchesTheProtocolsPublishedFigures) {
  if (!have_ecg5000()) GTEST_SKIP() << "ECG5000 not found";
  const LabelledBeats beats = load_ecg5000(test::ecg5000("").string());
  const Split split = make_split(beats, "fixed");
  const double blank = std::nan("");
  const Published published[] = {{"mean", 0.979, blank, blank},
                                 {"pca", 0.988, 0.953, 0.977},
                                 {"1nn", 0.991, 0.961, 0.983},
                                 {"knn", 0.995, 0.978, 0.985}};
  for (const Published& p : published) {
    const BaselineResult r = evaluate_baseline(beats, split, {p.method});
    const Evaluation& e = r.evaluation;
    EXPECT_EQ(e.n, 3000);
    EXPECT_NEAR(e.roc_auc, p.roc_auc, 0.002) << p.method;
    if (!std::isnan(p.leak_free_accuracy)) {
      EXPECT_NEAR(e.at_threshold.confusion.accuracy(), p.leak_free_accuracy, 0.003) << p.method;
    }
    if (!std::isnan(p.tuned_accuracy)) {
      EXPECT_NEAR(e.tuned_accuracy.confusion.accuracy(), p.tuned_accuracy, 0.003) << p.method;
    }
  }
}

}  // namespace
}  // namespace ecglens::train
