#include "ecglens/eval/evaluation.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "ecglens/util/error.h"

namespace ecglens {
namespace {

OperatingPoint tuned_point(const char* what, const TunedThreshold& t) {
  return {std::string("tuned on test labels: best ") + what, t.threshold, true, t.confusion};
}

// printf into a std::string (cells are short; 128 bytes is ample).
template <typename... Args>
std::string cell(const char* format, Args... args) {
  char buffer[128];
  std::snprintf(buffer, sizeof buffer, format, args...);
  return buffer;
}

std::string pad_right(std::string s, std::size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

}  // namespace

Evaluation evaluate(const Scores& scores, const Labels& labels, double threshold,
                    const std::string& threshold_name) {
  if (std::isnan(threshold)) throw Error("evaluate: threshold '" + threshold_name + "' is nan");
  const Separation sep = separation(scores, labels);  // checks inputs and both classes
  Evaluation e;
  e.n = static_cast<long>(scores.size());
  e.n_anomaly = static_cast<long>(std::count(labels.begin(), labels.end(), 1));
  e.n_normal = e.n - e.n_anomaly;
  e.roc_auc = roc_auc(scores, labels);
  e.pr_auc = pr_auc(scores, labels);
  e.normal_loss_mean = sep.normal_loss_mean;
  e.anomaly_loss_mean = sep.anomaly_loss_mean;
  e.loss_gap = sep.loss_gap;
  e.at_threshold = {threshold_name, threshold, false, confusion_at(scores, labels, threshold)};
  e.tuned_accuracy = tuned_point("accuracy", tuned_threshold_accuracy(scores, labels));
  e.tuned_f1 = tuned_point("F1", tuned_threshold_f1(scores, labels));
  return e;
}

nlohmann::json to_json(const OperatingPoint& p) {
  const Confusion& c = p.confusion;
  return {
      {"name", p.name},
      {"threshold", p.threshold},
      {"tuned_on_test_labels", p.tuned_on_test_labels},
      {"tp", c.tp},
      {"fp", c.fp},
      {"tn", c.tn},
      {"fn", c.fn},
      {"accuracy", c.accuracy()},
      {"precision", c.precision()},
      {"recall", c.recall()},
      {"f1", c.f1()},
      {"f1_normal_positive", c.f1_normal_positive()},
      {"specificity", c.specificity()},
  };
}

nlohmann::json to_json(const Evaluation& e) {
  return {
      {"n", e.n},
      {"n_normal", e.n_normal},
      {"n_anomaly", e.n_anomaly},
      {"roc_auc", e.roc_auc},
      {"pr_auc", e.pr_auc},
      {"normal_loss_mean", e.normal_loss_mean},
      {"anomaly_loss_mean", e.anomaly_loss_mean},
      {"loss_gap", e.loss_gap},
      {"at_threshold", to_json(e.at_threshold)},
      {"tuned_on_test_labels",
       {{"best_accuracy", to_json(e.tuned_accuracy)}, {"best_f1", to_json(e.tuned_f1)}}},
  };
}

std::string format_table(const Evaluation& e) {
  std::string out = cell("%ld beats: %ld normal, %ld anomalous (anomaly = positive class)\n\n",
                         e.n, e.n_normal, e.n_anomaly);
  out += cell("  ROC-AUC            %.4f\n", e.roc_auc);
  out += cell("  PR-AUC             %.4f\n", e.pr_auc);
  out += cell("  Normal Loss Mean   %.6g\n", e.normal_loss_mean);
  out += cell("  Anomaly Loss Mean  %.6g\n", e.anomaly_loss_mean);
  out += cell("  Loss Gap           %.6g\n\n", e.loss_gap);

  const OperatingPoint* rows[] = {&e.at_threshold, &e.tuned_accuracy, &e.tuned_f1};
  std::size_t name_width = 9;  // "threshold"
  for (const auto* r : rows) name_width = std::max(name_width, r->name.size());
  // Counts are as wide as the largest one, at least as wide as "TP".
  const int count_width = std::max(2, static_cast<int>(std::to_string(e.n).size()));

  auto line = [&](const std::string& name, const std::string& rest) {
    return "  " + pad_right(name, name_width) + rest + "\n";
  };
  out += line("threshold",
              cell("  %12s  %*s  %*s  %*s  %*s  %8s  %9s  %6s  %6s  %10s  %11s", "value",
                   count_width, "TP", count_width, "FP", count_width, "TN", count_width, "FN",
                   "accuracy", "precision", "recall", "F1", "F1 normal+", "specificity"));
  auto row = [&](const OperatingPoint& p) {
    const Confusion& c = p.confusion;
    return line(p.name, cell("  %12.6g  %*ld  %*ld  %*ld  %*ld  %8.4f  %9.4f  %6.4f  %6.4f"
                             "  %10.4f  %11.4f",
                             p.threshold, count_width, c.tp, count_width, c.fp, count_width,
                             c.tn, count_width, c.fn, c.accuracy(), c.precision(), c.recall(),
                             c.f1(), c.f1_normal_positive(), c.specificity()));
  };
  out += row(e.at_threshold);
  out += "  -- tuned on test labels: for comparison with published numbers, not a result --\n";
  out += row(e.tuned_accuracy);
  out += row(e.tuned_f1);
  return out;
}

}  // namespace ecglens
