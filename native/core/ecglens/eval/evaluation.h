// One model's scores on a test set, evaluated the way docs/PROTOCOL.md asks:
// threshold-free metrics, the metrics at a leak-free threshold, the loss
// separation, and, apart from them, the label-tuned rows that published
// numbers are compared with.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "ecglens/eval/metrics.h"
#include "ecglens/eval/thresholds.h"

namespace ecglens {

// A threshold and what it gives. accuracy(), f1() etc. come from confusion.
struct OperatingPoint {
  std::string name;           // "p99", "tuned on test labels: best F1", ...
  double threshold = 0.0;     // flag when score > threshold
  bool tuned_on_test_labels = false;
  Confusion confusion;
};

struct Evaluation {
  long n = 0;          // beats scored
  long n_normal = 0;   // label 0
  long n_anomaly = 0;  // label 1, the positive class
  // Threshold-free.
  double roc_auc = 0.0;
  double pr_auc = 0.0;
  // Separation, in the units of the scores (state the loss beside them).
  double normal_loss_mean = 0.0;
  double anomaly_loss_mean = 0.0;
  double loss_gap = 0.0;
  // At the threshold the caller chose (leak-free when it is a preset).
  OperatingPoint at_threshold;
  // Tuned on the test labels: for comparison only, never the result.
  OperatingPoint tuned_accuracy;  // named "tuned on test labels: best accuracy"
  OperatingPoint tuned_f1;        // named "tuned on test labels: best F1"
};

// Evaluates scores against labels at `threshold`, reported under
// `threshold_name` (a preset's name, say). Throws ecglens::Error when the
// inputs are invalid (see check_scores_labels) or lack either class, or when
// the threshold is nan.
Evaluation evaluate(const Scores& scores, const Labels& labels, double threshold,
                    const std::string& threshold_name);

// {"n", "n_normal", "n_anomaly", "roc_auc", "pr_auc", "normal_loss_mean",
//  "anomaly_loss_mean", "loss_gap",
//  "at_threshold": ROW, "tuned_on_test_labels": {"best_accuracy": ROW,
//  "best_f1": ROW}} with ROW = {"name", "threshold", "tuned_on_test_labels",
//  "tp", "fp", "tn", "fn", "accuracy", "precision", "recall", "f1",
//  "f1_normal_positive", "specificity"}.
nlohmann::json to_json(const Evaluation& e);
nlohmann::json to_json(const OperatingPoint& p);

// A plain-text report: the threshold-free metrics and separation, then one
// aligned row per threshold, the leak-free row first and the label-tuned
// rows below it under their own heading. Ends with a newline.
std::string format_table(const Evaluation& e);

}  // namespace ecglens
