#include "ecglens/eval/thresholds.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "ecglens/util/error.h"

namespace ecglens {
namespace {

using ::testing::HasSubstr;

double d(float f) { return static_cast<double>(f); }

double preset(const std::vector<ThresholdPreset>& presets, const char* name) {
  return find_preset(presets, name).value;
}

TEST(Percentile, InterpolatesLinearlyBetweenSortedValuesAsNumpyDoes) {
  // Sorted {1, 2, 3, 4}: h = 3 * p / 100.
  EXPECT_DOUBLE_EQ(percentile({4, 1, 3, 2}, 95), 3.85);  // h = 2.85
  EXPECT_DOUBLE_EQ(percentile({4, 1, 3, 2}, 99), 3.97);  // h = 2.97
  EXPECT_DOUBLE_EQ(percentile({4, 1, 3, 2}, 50), 2.5);
  EXPECT_DOUBLE_EQ(percentile({5, 1, 4, 2, 3}, 50), 3.0);
  EXPECT_EQ(percentile({4, 1, 3, 2}, 0), 1.0);
  EXPECT_EQ(percentile({4, 1, 3, 2}, 100), 4.0);
  EXPECT_EQ(percentile({7}, 99), 7.0);
}

TEST(Percentile, RejectsNoValuesAndPercentagesOutsideZeroToHundred) {
  EXPECT_THROW(percentile({}, 50), Error);
  EXPECT_THROW(percentile({1, 2}, -1), Error);
  EXPECT_THROW(percentile({1, 2}, 100.5), Error);
  EXPECT_THROW(percentile({1, 2}, std::nan("")), Error);
}

TEST(ThresholdPresets, GivesMeanPlusKPopulationSigmasPercentilesAndMax) {
  const auto p = threshold_presets({1.0f, 2.0f, 3.0f, 4.0f});
  ASSERT_EQ(p.size(), 6u);
  const char* names[] = {"mean+1sd", "mean+2sd", "mean+3sd", "p95", "p99", "max"};
  for (int i = 0; i < 6; ++i) EXPECT_EQ(p[i].name, names[i]);
  // mean 2.5; population variance (2.25 + 0.25 + 0.25 + 2.25) / 4 = 1.25.
  const double sd = std::sqrt(1.25);
  EXPECT_DOUBLE_EQ(preset(p, "mean+1sd"), 2.5 + sd);
  EXPECT_DOUBLE_EQ(preset(p, "mean+2sd"), 2.5 + 2 * sd);
  EXPECT_DOUBLE_EQ(preset(p, "mean+3sd"), 2.5 + 3 * sd);
  EXPECT_DOUBLE_EQ(preset(p, "p95"), 3.85);
  EXPECT_DOUBLE_EQ(preset(p, "p99"), 3.97);
  EXPECT_EQ(preset(p, "max"), 4.0);
}

TEST(ThresholdPresets, TheDefaultPresetIsTheNinetyNinthPercentile) {
  const auto p = threshold_presets({1.0f, 2.0f, 3.0f, 4.0f});
  EXPECT_STREQ(kDefaultThresholdPreset, "p99");
  EXPECT_DOUBLE_EQ(find_preset(p, kDefaultThresholdPreset).value, 3.97);
}

TEST(ThresholdPresets, AreAllTheValueForASingleLoss) {
  for (const auto& p : threshold_presets({0.25f})) EXPECT_EQ(p.value, 0.25) << p.name;
}

TEST(ThresholdPresets, RejectNoLossesAndNonFiniteOnesNamingTheIndex) {
  EXPECT_THROW(threshold_presets({}), Error);
  try {
    threshold_presets({0.1f, 0.2f, std::numeric_limits<float>::quiet_NaN()});
    ADD_FAILURE() << "accepted a nan loss";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("validation_losses[2] is not finite"));
  }
}

TEST(FindPreset, NamesThePresetsThereAreWhenTheNameIsUnknown) {
  const auto p = threshold_presets({1.0f, 2.0f});
  try {
    find_preset(p, "p90");
    ADD_FAILURE() << "found p90";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("'p90'"));
    EXPECT_THAT(e.what(), HasSubstr("mean+1sd, mean+2sd, mean+3sd, p95, p99, max"));
  }
}

// The sklearn documentation's 4 beats: normals 0.1, 0.4; anomalies 0.35, 0.8.
const Scores kScores = {0.1f, 0.4f, 0.35f, 0.8f};
const Labels kLabels = {0, 0, 1, 1};

TEST(TunedThreshold, BestAccuracyTakesTheLowestOfTheEquallyGoodCuts) {
  // Flagging {0.35, 0.4, 0.8} and flagging {0.8} both get 3 of 4 right; the
  // lower cut, between 0.1 and 0.35, wins.
  const TunedThreshold t = tuned_threshold_accuracy(kScores, kLabels);
  EXPECT_EQ(t.threshold, (d(0.1f) + d(0.35f)) / 2);
  EXPECT_EQ(t.confusion, (Confusion{2, 1, 1, 0}));
}

TEST(TunedThreshold, BestF1FlagsBothAnomaliesAndOneNormal) {
  // F1 at the cuts from the bottom: 4/6, 4/5, 2/4, 2/3, 0.
  const TunedThreshold t = tuned_threshold_f1(kScores, kLabels);
  EXPECT_EQ(t.threshold, (d(0.1f) + d(0.35f)) / 2);
  EXPECT_EQ(t.confusion, (Confusion{2, 1, 1, 0}));
  EXPECT_DOUBLE_EQ(t.confusion.f1(), 0.8);
}

TEST(TunedThreshold, CanFlagNothingOrEverything) {
  // Inverted scores: accuracy is best flagging nothing (the highest score).
  const TunedThreshold none = tuned_threshold_accuracy({0.9f, 0.8f, 0.1f}, {0, 0, 1});
  EXPECT_EQ(none.threshold, d(0.9f));
  EXPECT_EQ(none.confusion, (Confusion{0, 0, 2, 1}));
  // All anomalies: flag everything, below the lowest score.
  const TunedThreshold all = tuned_threshold_f1({0.5f, 0.2f}, {1, 1});
  EXPECT_LT(all.threshold, d(0.2f));
  EXPECT_EQ(all.confusion, (Confusion{2, 0, 0, 0}));
}

TEST(TunedThreshold, RejectsEmptyAndInvalidInput) {
  EXPECT_THROW(tuned_threshold_accuracy({}, {}), Error);
  EXPECT_THROW(tuned_threshold_f1({0.1f}, {3}), Error);
}

// Brute force: every possible outcome comes from a threshold of -inf or one
// of the scores themselves; try them all from the lowest up, keep the first
// best (metrics compared exactly), and compare the partitions.
enum class Metric { Accuracy, F1 };

bool better(const Confusion& a, const Confusion& b, Metric m) {
  if (m == Metric::Accuracy) return a.tp + a.tn > b.tp + b.tn;
  const long long na = 2 * a.tp, da = 2 * a.tp + a.fp + a.fn;
  const long long nb = 2 * b.tp, db = 2 * b.tp + b.fp + b.fn;
  return (da ? na : 0) * (db ? db : 1) > (db ? nb : 0) * (da ? da : 1);
}

Confusion brute_force(const Scores& scores, const Labels& labels, Metric m) {
  std::vector<double> candidates = {-std::numeric_limits<double>::infinity()};
  for (float s : scores) candidates.push_back(s);
  std::sort(candidates.begin(), candidates.end());
  Confusion best = confusion_at(scores, labels, candidates[0]);
  for (double t : candidates) {
    const Confusion c = confusion_at(scores, labels, t);
    if (better(c, best, m)) best = c;
  }
  return best;
}

TEST(TunedThreshold, MatchesABruteForceSearchOnRandomScores) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 200; ++trial) {
    const int n = 1 + static_cast<int>(rng() % 60);
    const double anomaly_rate = (rng() % 100) / 100.0;
    const bool coarse = trial % 2 == 0;  // many ties
    std::normal_distribution<float> noise(0.0f, 1.0f);
    std::bernoulli_distribution is_anomaly(anomaly_rate);
    Scores scores(n);
    Labels labels(n);
    for (int i = 0; i < n; ++i) {
      labels[i] = is_anomaly(rng) ? 1 : 0;
      float s = noise(rng) + (labels[i] ? 1.0f : 0.0f);
      scores[i] = coarse ? std::round(s * 2.0f) / 2.0f : s;
    }
    for (Metric m : {Metric::Accuracy, Metric::F1}) {
      const TunedThreshold t = m == Metric::Accuracy ? tuned_threshold_accuracy(scores, labels)
                                                     : tuned_threshold_f1(scores, labels);
      SCOPED_TRACE("trial " + std::to_string(trial) + (m == Metric::F1 ? " F1" : " accuracy"));
      EXPECT_EQ(t.confusion, brute_force(scores, labels, m));
      EXPECT_EQ(confusion_at(scores, labels, t.threshold), t.confusion);
    }
  }
}

TEST(TunedThreshold, RunsOnAMillionBeats) {
  // O(n log n): a quadratic search would not finish here.
  std::mt19937 rng(3);
  std::normal_distribution<float> noise(0.0f, 1.0f);
  const int n = 1000000;
  Scores scores(n);
  Labels labels(n);
  for (int i = 0; i < n; ++i) {
    labels[i] = i % 3 == 0;
    scores[i] = noise(rng) + 2.0f * labels[i];
  }
  const TunedThreshold t = tuned_threshold_accuracy(scores, labels);
  EXPECT_GT(t.confusion.accuracy(), 0.8);
  EXPECT_EQ(confusion_at(scores, labels, t.threshold), t.confusion);
}

}  // namespace
}  // namespace ecglens
