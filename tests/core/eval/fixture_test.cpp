// Compares ecglens/eval with scikit-learn and numpy on the cases that
// tests/reference/make_metric_fixtures.py wrote to
// tests/fixtures/eval/metrics_cases.json.
//
// Tolerances: scores are float32 values stored exactly, so both sides start
// from the same numbers and compute in double; they differ only in the order
// of additions (numpy sums pairwise) and in equivalent formulas (trapezoids
// against the Mann-Whitney count), a few units in the last place. Doubles
// are compared to 1e-12 relative, counts exactly. Losses are rounded to
// float by ecglens, so they are compared to float precision.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ecglens/eval/evaluation.h"
#include "ecglens/eval/loss.h"
#include "test_paths.h"

namespace ecglens {
namespace {

using nlohmann::json;

const json& fixture() {
  static const json j = [] {
    std::ifstream in(test::fixture("eval/metrics_cases.json"));
    if (!in) throw std::runtime_error("cannot open tests/fixtures/eval/metrics_cases.json");
    return json::parse(in);
  }();
  return j;
}

void expect_close(double actual, double expected, const std::string& what) {
  EXPECT_NEAR(actual, expected, 1e-12 * std::max(std::abs(expected), 1e-3)) << what;
}

struct Case {
  std::string name;
  Scores scores;
  Labels labels;
  const json* j;
};

std::vector<Case> cases() {
  std::vector<Case> out;
  for (const json& c : fixture().at("cases")) {
    Case k{c.at("name").get<std::string>(), {}, {}, &c};
    for (double s : c.at("scores")) k.scores.push_back(static_cast<float>(s));
    for (int l : c.at("labels")) k.labels.push_back(static_cast<std::int8_t>(l));
    out.push_back(std::move(k));
  }
  return out;
}

TEST(SklearnFixture, HasTheCasesItShould) {
  std::vector<std::string> names;
  for (const auto& c : cases()) names.push_back(c.name);
  EXPECT_EQ(names, (std::vector<std::string>{"random", "heavy_ties", "all_identical", "separated",
                                             "inverted", "small_imbalanced", "ecg_sized"}));
}

TEST(SklearnFixture, ScoresAreStoredAsExactFloats) {
  for (const auto& c : cases()) {
    const auto& stored = c.j->at("scores");
    for (std::size_t i = 0; i < c.scores.size(); ++i) {
      ASSERT_EQ(static_cast<double>(c.scores[i]), stored[i].get<double>()) << c.name << " " << i;
    }
  }
}

TEST(SklearnFixture, RocAucMatchesRocAucScore) {
  for (const auto& c : cases()) {
    expect_close(roc_auc(c.scores, c.labels), c.j->at("roc_auc"), c.name);
  }
}

TEST(SklearnFixture, PrAucMatchesAveragePrecisionScore) {
  for (const auto& c : cases()) {
    expect_close(pr_auc(c.scores, c.labels), c.j->at("pr_auc"), c.name);
  }
}

TEST(SklearnFixture, SeparationMatchesNumpyMeans) {
  for (const auto& c : cases()) {
    const Separation s = separation(c.scores, c.labels);
    expect_close(s.normal_loss_mean, c.j->at("normal_loss_mean"), c.name);
    expect_close(s.anomaly_loss_mean, c.j->at("anomaly_loss_mean"), c.name);
    expect_close(s.loss_gap, c.j->at("loss_gap"), c.name);
  }
}

TEST(SklearnFixture, RocCurveMatchesRocCurveWithoutDroppedPoints) {
  for (const auto& c : cases()) {
    if (!c.j->contains("roc_curve")) continue;
    const auto points = roc_curve(c.scores, c.labels);
    const auto& fpr = c.j->at("roc_curve").at("fpr");
    const auto& tpr = c.j->at("roc_curve").at("tpr");
    ASSERT_EQ(points.size(), fpr.size()) << c.name;
    for (std::size_t i = 0; i < points.size(); ++i) {
      expect_close(points[i].fpr, fpr[i], c.name + " fpr " + std::to_string(i));
      expect_close(points[i].tpr, tpr[i], c.name + " tpr " + std::to_string(i));
    }
  }
}

TEST(SklearnFixture, PrCurveStartsWithPrecisionRecallCurvesPoints) {
  // scikit-learn stops at the first point of full recall; ecglens goes on to
  // "everything flagged", so scikit-learn's points are a prefix.
  for (const auto& c : cases()) {
    if (!c.j->contains("pr_curve")) continue;
    const auto points = pr_curve(c.scores, c.labels);
    const auto& recall = c.j->at("pr_curve").at("recall");
    const auto& precision = c.j->at("pr_curve").at("precision");
    ASSERT_LE(recall.size(), points.size()) << c.name;
    for (std::size_t i = 0; i < recall.size(); ++i) {
      expect_close(points[i].recall, recall[i], c.name + " recall " + std::to_string(i));
      expect_close(points[i].precision, precision[i], c.name + " precision " + std::to_string(i));
    }
    for (std::size_t i = recall.size(); i < points.size(); ++i) {
      EXPECT_EQ(points[i].recall, 1.0) << c.name << " " << i;
    }
  }
}

TEST(SklearnFixture, MetricsAtThresholdsMatchSklearnsScores) {
  for (const auto& c : cases()) {
    for (const json& row : c.j->at("at_thresholds")) {
      const double t = row.at("threshold");
      const std::string what = c.name + " at " + std::to_string(t);
      const Confusion k = confusion_at(c.scores, c.labels, t);
      EXPECT_EQ(k, (Confusion{row.at("tp"), row.at("fp"), row.at("tn"), row.at("fn")})) << what;
      expect_close(k.accuracy(), row.at("accuracy"), what + " accuracy");
      expect_close(k.precision(), row.at("precision"), what + " precision");
      expect_close(k.recall(), row.at("recall"), what + " recall");
      expect_close(k.f1(), row.at("f1"), what + " f1");
      expect_close(k.f1_normal_positive(), row.at("f1_normal_positive"), what + " f1 normal");
      expect_close(k.specificity(), row.at("specificity"), what + " specificity");
    }
  }
}

TEST(SklearnFixture, TunedThresholdsMatchAnExactBruteForce) {
  for (const auto& c : cases()) {
    const TunedThreshold acc = tuned_threshold_accuracy(c.scores, c.labels);
    const TunedThreshold f1 = tuned_threshold_f1(c.scores, c.labels);
    const json& ea = c.j->at("tuned_accuracy");
    const json& ef = c.j->at("tuned_f1");
    EXPECT_EQ(acc.confusion, (Confusion{ea.at("tp"), ea.at("fp"), ea.at("tn"), ea.at("fn")}))
        << c.name;
    EXPECT_EQ(f1.confusion, (Confusion{ef.at("tp"), ef.at("fp"), ef.at("tn"), ef.at("fn")}))
        << c.name;
    expect_close(acc.confusion.accuracy(), ea.at("value"), c.name + " accuracy");
    expect_close(f1.confusion.f1(), ef.at("value"), c.name + " f1");
  }
}

TEST(SklearnFixture, EvaluateAgreesWithTheSeparateFunctions) {
  for (const auto& c : cases()) {
    const double t = c.j->at("at_thresholds")[0].at("threshold");
    const Evaluation e = evaluate(c.scores, c.labels, t, "given");
    expect_close(e.roc_auc, c.j->at("roc_auc"), c.name);
    expect_close(e.pr_auc, c.j->at("pr_auc"), c.name);
    expect_close(e.loss_gap, c.j->at("loss_gap"), c.name);
    EXPECT_EQ(e.at_threshold.confusion.tp, c.j->at("at_thresholds")[0].at("tp").get<long>());
    EXPECT_EQ(e.tuned_f1.confusion.tp, c.j->at("tuned_f1").at("tp").get<long>());
  }
}

TEST(NumpyFixture, ThresholdPresetsMatchNumpyMeanStdAndPercentile) {
  for (const json& p : fixture().at("presets")) {
    std::vector<float> losses;
    for (double v : p.at("validation_losses")) losses.push_back(static_cast<float>(v));
    const auto presets = threshold_presets(losses);
    const json& expected = p.at("expected");
    ASSERT_EQ(presets.size(), expected.size());
    for (const auto& preset : presets) {
      const std::string what = preset.name + " of " + std::to_string(losses.size()) + " losses";
      // Percentiles and the max involve no sums: the same interpolation as
      // numpy's gives the very same double.
      if (preset.name[0] == 'p' || preset.name == "max") {
        EXPECT_EQ(preset.value, expected.at(preset.name).get<double>()) << what;
      } else {
        expect_close(preset.value, expected.at(preset.name), what);
      }
    }
  }
}

TEST(NumpyFixture, LossesMatchNumpyToFloatPrecision) {
  const json& l = fixture().at("losses");
  const int length = l.at("length"), channels = l.at("channels");
  std::vector<float> x, y;
  for (double v : l.at("x")) x.push_back(static_cast<float>(v));
  for (double v : l.at("y")) y.push_back(static_cast<float>(v));
  ASSERT_EQ(x.size(), static_cast<std::size_t>(length * channels));
  EXPECT_FLOAT_EQ(beat_loss(x.data(), y.data(), x.size(), Loss::MSE), l.at("mse").get<double>());
  EXPECT_FLOAT_EQ(beat_loss(x.data(), y.data(), x.size(), Loss::MAE), l.at("mae").get<double>());
  EXPECT_FLOAT_EQ(beat_loss(x.data(), y.data(), x.size(), Loss::SAE), l.at("sae").get<double>());
  std::vector<float> per_step(length);
  timestep_error(x.data(), y.data(), length, channels, per_step.data());
  for (int t = 0; t < length; ++t) {
    EXPECT_FLOAT_EQ(per_step[t], l.at("timestep_error")[t].get<double>()) << t;
  }
}

}  // namespace
}  // namespace ecglens
