#include "ecglens/eval/metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "ecglens/util/error.h"

namespace ecglens {
namespace {

using ::testing::HasSubstr;

// The 4-beat example of scikit-learn's documentation: normals score 0.1 and
// 0.4, anomalies 0.35 and 0.8.
const Scores kScores = {0.1f, 0.4f, 0.35f, 0.8f};
const Labels kLabels = {0, 0, 1, 1};

double d(float f) { return static_cast<double>(f); }

std::string error_of(void (*f)()) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(ConfusionAt, CountsFlaggedAndMissedBeatsOfEachClass) {
  // Above 0.2: 0.4 (normal), 0.35 and 0.8 (anomalies).
  const Confusion c = confusion_at(kScores, kLabels, 0.2);
  EXPECT_EQ(c, (Confusion{2, 1, 1, 0}));
  EXPECT_DOUBLE_EQ(c.accuracy(), 0.75);
  EXPECT_DOUBLE_EQ(c.precision(), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(c.recall(), 1.0);
  EXPECT_DOUBLE_EQ(c.specificity(), 0.5);
  EXPECT_DOUBLE_EQ(c.f1(), 0.8);                  // 2*2 / (2*2 + 1 + 0)
  EXPECT_DOUBLE_EQ(c.f1_normal_positive(), 2.0 / 3.0);  // 2*1 / (2*1 + 0 + 1)
}

TEST(ConfusionAt, DoesNotFlagABeatWhoseScoreEqualsTheThreshold) {
  // At 0.4f the normal beat scoring exactly 0.4f stays normal.
  EXPECT_EQ(confusion_at(kScores, kLabels, d(0.4f)), (Confusion{1, 0, 2, 1}));
  // Just below it, it is flagged.
  EXPECT_EQ(confusion_at(kScores, kLabels, std::nextafter(d(0.4f), 0.0)), (Confusion{1, 1, 1, 1}));
}

TEST(ConfusionAt, FlagsEverythingBelowTheLowestScoreAndNothingAtTheHighest) {
  EXPECT_EQ(confusion_at(kScores, kLabels, -1.0), (Confusion{2, 2, 0, 0}));
  EXPECT_EQ(confusion_at(kScores, kLabels, d(0.8f)), (Confusion{0, 0, 2, 2}));
}

TEST(Confusion, MetricsWithAZeroDenominatorAreZero) {
  const Confusion nothing_flagged{0, 0, 3, 0};  // no anomalies, none flagged
  EXPECT_EQ(nothing_flagged.precision(), 0.0);
  EXPECT_EQ(nothing_flagged.recall(), 0.0);
  EXPECT_EQ(nothing_flagged.f1(), 0.0);
  EXPECT_EQ(nothing_flagged.accuracy(), 1.0);
  EXPECT_EQ(nothing_flagged.f1_normal_positive(), 1.0);
  const Confusion empty{};
  EXPECT_EQ(empty.accuracy(), 0.0);
  EXPECT_EQ(empty.specificity(), 0.0);
  EXPECT_EQ(empty.f1_normal_positive(), 0.0);
}

TEST(RocAuc, IsTheProbabilityAnAnomalyOutscoresANormalBeat) {
  // Pairs (anomaly, normal): (0.35,0.1) yes, (0.35,0.4) no, (0.8,*) yes: 3/4.
  EXPECT_DOUBLE_EQ(roc_auc(kScores, kLabels), 0.75);
}

TEST(RocAuc, CountsTiesAcrossClassesAsOneHalf) {
  // Anomalies 0.5 and 0.9; normals 0.5 and 0.1. Pairs: 0.5 vs 0.5 tie (1/2),
  // 0.5 vs 0.1 yes, 0.9 vs both yes: 3.5 / 4.
  EXPECT_DOUBLE_EQ(roc_auc({0.5f, 0.9f, 0.5f, 0.1f}, {1, 1, 0, 0}), 0.875);
  EXPECT_DOUBLE_EQ(roc_auc({0.3f, 0.3f, 0.3f, 0.3f}, {0, 1, 0, 1}), 0.5);
}

TEST(RocAuc, IsOneWhenSeparatedAndZeroWhenInverted) {
  EXPECT_EQ(roc_auc({0.1f, 0.2f, 0.7f, 0.9f}, {0, 0, 1, 1}), 1.0);
  EXPECT_EQ(roc_auc({0.1f, 0.2f, 0.7f, 0.9f}, {1, 1, 0, 0}), 0.0);
}

TEST(PrAuc, IsTheStepwiseAveragePrecision) {
  // From the top: 0.8 (anomaly) P=1 R=1/2; 0.4 (normal); 0.35 (anomaly)
  // P=2/3 R=1. AP = 1/2 * 1 + 1/2 * 2/3 = 5/6 (scikit-learn's doc: 0.83).
  EXPECT_DOUBLE_EQ(pr_auc(kScores, kLabels), 5.0 / 6.0);
}

TEST(PrAuc, FlagsTiedScoresTogether) {
  // All tied: one cut with P = 2/4, R = 1.
  EXPECT_DOUBLE_EQ(pr_auc({0.3f, 0.3f, 0.3f, 0.3f}, {0, 1, 0, 1}), 0.5);
  // Top group {0.9 anomaly, 0.9 normal}: P=1/2 R=1/2; then 0.5 anomaly: P=2/3 R=1.
  EXPECT_DOUBLE_EQ(pr_auc({0.9f, 0.9f, 0.5f, 0.1f}, {1, 0, 1, 0}), 0.5 * 0.5 + 0.5 * 2.0 / 3.0);
}

TEST(RocCurve, HasOnePointPerDistinctScoreFromNothingToEverythingFlagged) {
  const auto points = roc_curve(kScores, kLabels);
  ASSERT_EQ(points.size(), 5u);
  const double fpr[] = {0, 0, 0.5, 0.5, 1};
  const double tpr[] = {0, 0.5, 0.5, 1, 1};
  const double thresholds[] = {d(0.8f), (d(0.4f) + d(0.8f)) / 2, (d(0.35f) + d(0.4f)) / 2,
                               (d(0.1f) + d(0.35f)) / 2,
                               std::nextafter(d(0.1f), -std::numeric_limits<double>::infinity())};
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(points[i].fpr, fpr[i]) << i;
    EXPECT_EQ(points[i].tpr, tpr[i]) << i;
    EXPECT_EQ(points[i].threshold, thresholds[i]) << i;
  }
}

TEST(RocCurve, EachPointsThresholdReproducesItUnderTheStrictRule) {
  const Scores scores = {0.2f, 0.2f, 0.5f, 0.5f, 0.5f, 0.7f, 1.0f, 1.0f};
  const Labels labels = {0, 1, 0, 0, 1, 1, 1, 0};
  for (const auto& p : roc_curve(scores, labels)) {
    const Confusion c = confusion_at(scores, labels, p.threshold);
    EXPECT_DOUBLE_EQ(p.fpr, c.fp / 4.0) << p.threshold;
    EXPECT_DOUBLE_EQ(p.tpr, c.tp / 4.0) << p.threshold;
  }
  EXPECT_EQ(roc_curve(scores, labels).size(), 5u);  // 4 distinct scores + nothing flagged
}

TEST(PrCurve, StartsAtPrecisionOneAndFollowsTheCuts) {
  const auto points = pr_curve(kScores, kLabels);
  ASSERT_EQ(points.size(), 5u);
  const double recall[] = {0, 0.5, 0.5, 1, 1};
  const double precision[] = {1, 1, 0.5, 2.0 / 3.0, 0.5};
  for (int i = 0; i < 5; ++i) {
    EXPECT_DOUBLE_EQ(points[i].recall, recall[i]) << i;
    EXPECT_DOUBLE_EQ(points[i].precision, precision[i]) << i;
    EXPECT_EQ(points[i].threshold, roc_curve(kScores, kLabels)[i].threshold) << i;
  }
}

TEST(Separation, GivesTheMeanNormalScoreAndTheGapToTheAnomalies) {
  const Separation s = separation(kScores, kLabels);
  EXPECT_NEAR(s.normal_loss_mean, 0.25, 1e-7);
  EXPECT_NEAR(s.anomaly_loss_mean, 0.575, 1e-7);
  EXPECT_DOUBLE_EQ(s.loss_gap, s.anomaly_loss_mean - s.normal_loss_mean);
}

TEST(InputChecks, RejectScoresAndLabelsOfDifferentSizes) {
  EXPECT_THAT(error_of([] { confusion_at({0.1f, 0.2f}, {0}, 0.5); }),
              HasSubstr("2 scores, 1 labels"));
}

TEST(InputChecks, RejectALabelOtherThanZeroOrOneNamingItsIndex) {
  EXPECT_THAT(error_of([] { roc_auc({0.1f, 0.2f, 0.3f, 0.4f}, {0, 1, 1, 2}); }),
              HasSubstr("labels[3] is 2"));
  EXPECT_THAT(error_of([] { roc_auc({0.1f, 0.2f}, {-1, 1}); }), HasSubstr("labels[0] is -1"));
}

TEST(InputChecks, RejectANonFiniteScoreNamingItsIndex) {
  EXPECT_THAT(error_of([] {
                pr_auc({0.1f, 0.2f, std::numeric_limits<float>::quiet_NaN()}, {0, 1, 1});
              }),
              HasSubstr("scores[2] is not finite (nan)"));
  EXPECT_THAT(error_of([] {
                separation({std::numeric_limits<float>::infinity(), 0.2f}, {0, 1});
              }),
              HasSubstr("scores[0] is not finite (inf)"));
  EXPECT_THAT(error_of([] {
                confusion_at({0.0f, -std::numeric_limits<float>::infinity()}, {0, 1}, 0.5);
              }),
              HasSubstr("scores[1] is not finite (-inf)"));
}

TEST(InputChecks, AucsCurvesAndSeparationNeedBothClasses) {
  const Scores s = {0.1f, 0.2f, 0.3f};
  const Labels normals = {0, 0, 0};
  const Labels anomalies = {1, 1, 1};
  EXPECT_THAT(error_of([] { roc_auc({0.1f, 0.2f}, {0, 0}); }),
              HasSubstr("at least one anomalous and one normal beat"));
  EXPECT_THROW(roc_auc(s, anomalies), Error);
  EXPECT_THROW(pr_auc(s, normals), Error);
  EXPECT_THROW(pr_auc(s, anomalies), Error);
  EXPECT_THROW(roc_curve(s, normals), Error);
  EXPECT_THROW(pr_curve(s, anomalies), Error);
  EXPECT_THROW(separation(s, normals), Error);
  EXPECT_THROW(roc_auc({}, {}), Error);
  // A confusion is defined with one class, or none.
  EXPECT_EQ(confusion_at(s, normals, 0.15), (Confusion{0, 2, 1, 0}));
  EXPECT_EQ(confusion_at({}, {}, 0.5), Confusion{});
}

TEST(InputChecks, RejectANanThreshold) {
  EXPECT_THROW(confusion_at(kScores, kLabels, std::nan("")), Error);
}

}  // namespace
}  // namespace ecglens
