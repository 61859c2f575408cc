#include "ecglens/eval/evaluation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "ecglens/util/error.h"

namespace ecglens {
namespace {

using ::testing::HasSubstr;

// The sklearn documentation's 4 beats plus two: normals 0.1, 0.4, 0.2;
// anomalies 0.35, 0.8, 0.9.
const Scores kScores = {0.1f, 0.4f, 0.35f, 0.8f, 0.2f, 0.9f};
const Labels kLabels = {0, 0, 1, 1, 0, 1};

TEST(Evaluate, BundlesEveryMetricOfTheProtocol) {
  const Evaluation e = evaluate(kScores, kLabels, 0.5, "p99");
  EXPECT_EQ(e.n, 6);
  EXPECT_EQ(e.n_normal, 3);
  EXPECT_EQ(e.n_anomaly, 3);
  EXPECT_EQ(e.roc_auc, roc_auc(kScores, kLabels));
  EXPECT_EQ(e.pr_auc, pr_auc(kScores, kLabels));
  EXPECT_DOUBLE_EQ(e.roc_auc, 8.0 / 9.0);  // only 0.35 < 0.4 is out of order
  EXPECT_NEAR(e.normal_loss_mean, (0.1 + 0.4 + 0.2) / 3, 1e-7);
  EXPECT_NEAR(e.loss_gap, (0.35 + 0.8 + 0.9) / 3 - (0.1 + 0.4 + 0.2) / 3, 1e-7);

  EXPECT_EQ(e.at_threshold.name, "p99");
  EXPECT_EQ(e.at_threshold.threshold, 0.5);
  EXPECT_FALSE(e.at_threshold.tuned_on_test_labels);
  EXPECT_EQ(e.at_threshold.confusion, (Confusion{2, 0, 3, 1}));

  EXPECT_TRUE(e.tuned_accuracy.tuned_on_test_labels);
  EXPECT_TRUE(e.tuned_f1.tuned_on_test_labels);
  EXPECT_THAT(e.tuned_accuracy.name, HasSubstr("tuned on test labels"));
  EXPECT_THAT(e.tuned_f1.name, HasSubstr("tuned on test labels"));
  EXPECT_EQ(e.tuned_accuracy.confusion, tuned_threshold_accuracy(kScores, kLabels).confusion);
  EXPECT_EQ(e.tuned_f1.threshold, tuned_threshold_f1(kScores, kLabels).threshold);
}

TEST(Evaluate, RejectsInvalidInputOneClassAndANanThreshold) {
  EXPECT_THROW(evaluate({0.1f, 0.2f}, {0, 0}, 0.5, "p99"), Error);
  EXPECT_THROW(evaluate({0.1f, 0.2f}, {0, 1, 1}, 0.5, "p99"), Error);
  EXPECT_THROW(evaluate(kScores, kLabels, std::nan(""), "p99"), Error);
}

TEST(ToJson, WritesEveryNumberAndMarksTheTunedRows) {
  const Evaluation e = evaluate(kScores, kLabels, 0.5, "p99");
  const nlohmann::json j = nlohmann::json::parse(to_json(e).dump());
  EXPECT_EQ(j.at("n").get<long>(), 6);
  EXPECT_EQ(j.at("n_normal").get<long>(), 3);
  EXPECT_EQ(j.at("n_anomaly").get<long>(), 3);
  EXPECT_EQ(j.at("roc_auc").get<double>(), e.roc_auc);
  EXPECT_EQ(j.at("pr_auc").get<double>(), e.pr_auc);
  EXPECT_EQ(j.at("normal_loss_mean").get<double>(), e.normal_loss_mean);
  EXPECT_EQ(j.at("anomaly_loss_mean").get<double>(), e.anomaly_loss_mean);
  EXPECT_EQ(j.at("loss_gap").get<double>(), e.loss_gap);

  const auto& row = j.at("at_threshold");
  EXPECT_EQ(row.at("name"), "p99");
  EXPECT_EQ(row.at("threshold").get<double>(), 0.5);
  EXPECT_EQ(row.at("tuned_on_test_labels"), false);
  EXPECT_EQ(row.at("tp").get<long>(), 2);
  EXPECT_EQ(row.at("fp").get<long>(), 0);
  EXPECT_EQ(row.at("tn").get<long>(), 3);
  EXPECT_EQ(row.at("fn").get<long>(), 1);
  const Confusion& c = e.at_threshold.confusion;
  EXPECT_EQ(row.at("accuracy").get<double>(), c.accuracy());
  EXPECT_EQ(row.at("precision").get<double>(), c.precision());
  EXPECT_EQ(row.at("recall").get<double>(), c.recall());
  EXPECT_EQ(row.at("f1").get<double>(), c.f1());
  EXPECT_EQ(row.at("f1_normal_positive").get<double>(), c.f1_normal_positive());
  EXPECT_EQ(row.at("specificity").get<double>(), c.specificity());

  const auto& tuned = j.at("tuned_on_test_labels");
  EXPECT_EQ(tuned.at("best_accuracy").at("tuned_on_test_labels"), true);
  EXPECT_EQ(tuned.at("best_f1").at("tuned_on_test_labels"), true);
  EXPECT_EQ(tuned.at("best_f1").at("threshold").get<double>(), e.tuned_f1.threshold);
  EXPECT_EQ(tuned.at("best_accuracy").at("tp").get<long>(), e.tuned_accuracy.confusion.tp);
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(FormatTable, ShowsTheChosenRowAboveTheTunedRowsWithAlignedColumns) {
  const Evaluation e = evaluate(kScores, kLabels, 0.5, "p99");
  const std::string table = format_table(e);
  EXPECT_EQ(table.back(), '\n');
  EXPECT_THAT(table, HasSubstr("6 beats: 3 normal, 3 anomalous"));
  EXPECT_THAT(table, HasSubstr("ROC-AUC            0.8889"));
  EXPECT_THAT(table, HasSubstr("Normal Loss Mean"));
  EXPECT_THAT(table, HasSubstr("Loss Gap"));

  const auto lines = lines_of(table);
  auto find = [&](const std::string& start) {
    for (std::size_t i = 0; i < lines.size(); ++i) {
      if (lines[i].rfind(start, 0) == 0) return i;
    }
    ADD_FAILURE() << "no line starts with '" << start << "' in\n" << table;
    return std::size_t{0};
  };
  const std::size_t header = find("  threshold");
  const std::size_t chosen = find("  p99 ");
  const std::size_t banner = find("  -- tuned on test labels");
  const std::size_t tuned_acc = find("  tuned on test labels: best accuracy");
  const std::size_t tuned_f1 = find("  tuned on test labels: best F1");
  EXPECT_LT(header, chosen);
  EXPECT_LT(chosen, banner);
  EXPECT_LT(banner, tuned_acc);
  EXPECT_LT(banner, tuned_f1);
  // Columns line up: the header and the three rows have the same length and
  // their "accuracy" column ends at the same place.
  for (std::size_t i : {chosen, tuned_acc, tuned_f1}) {
    EXPECT_EQ(lines[i].size(), lines[header].size()) << lines[i];
  }
  const std::size_t accuracy_end = lines[header].find("accuracy") + 8;
  EXPECT_EQ(lines[chosen].substr(accuracy_end - 6, 6), "0.8333");  // 5 of 6 right
}

}  // namespace
}  // namespace ecglens
