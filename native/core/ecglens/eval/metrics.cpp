#include "ecglens/eval/metrics.h"

#include <cmath>
#include <string>

#include "ecglens/eval/score_groups.h"
#include "ecglens/util/error.h"

namespace ecglens {
namespace {

double ratio(long num, long den) {
  return den == 0 ? 0.0 : static_cast<double>(num) / static_cast<double>(den);
}

}  // namespace

void check_scores_labels(const Scores& scores, const Labels& labels) {
  if (scores.size() != labels.size()) {
    throw Error("scores and labels differ in size: " + std::to_string(scores.size()) +
                " scores, " + std::to_string(labels.size()) + " labels");
  }
  for (std::size_t i = 0; i < scores.size(); ++i) {
    if (!std::isfinite(scores[i])) {
      throw Error("scores[" + std::to_string(i) + "] is not finite (" +
                  (std::isnan(scores[i]) ? "nan" : scores[i] > 0 ? "inf" : "-inf") + ")");
    }
    if (labels[i] != 0 && labels[i] != 1) {
      throw Error("labels[" + std::to_string(i) + "] is " + std::to_string(labels[i]) +
                  "; a label must be 0 (normal) or 1 (anomaly)");
    }
  }
}

double Confusion::accuracy() const { return ratio(tp + tn, n()); }
double Confusion::precision() const { return ratio(tp, tp + fp); }
double Confusion::recall() const { return ratio(tp, tp + fn); }
double Confusion::specificity() const { return ratio(tn, tn + fp); }
double Confusion::f1() const { return ratio(2 * tp, 2 * tp + fp + fn); }
double Confusion::f1_normal_positive() const { return ratio(2 * tn, 2 * tn + fn + fp); }

Confusion confusion_at(const Scores& scores, const Labels& labels, double threshold) {
  check_scores_labels(scores, labels);
  if (std::isnan(threshold)) throw Error("confusion_at: the threshold is nan");
  Confusion c;
  for (std::size_t i = 0; i < scores.size(); ++i) {
    const bool flagged = static_cast<double>(scores[i]) > threshold;
    if (labels[i] == 1) {
      (flagged ? c.tp : c.fn) += 1;
    } else {
      (flagged ? c.fp : c.tn) += 1;
    }
  }
  return c;
}

double roc_auc(const Scores& scores, const Labels& labels) {
  const auto groups = detail::group_scores(scores, labels);
  // U = sum over anomalies of (#normals scoring lower + 0.5 * #normals tied
  // with it). Twice U is an integer: sum_g pos_g * (2 * below_g + neg_g).
  long long twice_u = 0;
  long negatives_below = 0;
  long positives = 0;
  for (const auto& g : groups) {
    twice_u += static_cast<long long>(g.positives) * (2LL * negatives_below + g.negatives);
    negatives_below += g.negatives;
    positives += g.positives;
  }
  detail::require_both_classes(positives, negatives_below, "ROC-AUC");
  return static_cast<double>(twice_u) /
         (2.0 * static_cast<double>(positives) * static_cast<double>(negatives_below));
}

double pr_auc(const Scores& scores, const Labels& labels) {
  const auto groups = detail::group_scores(scores, labels);
  long positives = 0, negatives = 0;
  for (const auto& g : groups) {
    positives += g.positives;
    negatives += g.negatives;
  }
  detail::require_both_classes(positives, negatives, "PR-AUC");
  // From the highest score down; recall only grows where anomalies enter.
  double ap = 0.0;
  long tp = 0, fp = 0;
  for (auto g = groups.rbegin(); g != groups.rend(); ++g) {
    tp += g->positives;
    fp += g->negatives;
    if (g->positives == 0) continue;
    const double recall_step = static_cast<double>(g->positives) / static_cast<double>(positives);
    ap += recall_step * (static_cast<double>(tp) / static_cast<double>(tp + fp));
  }
  return ap;
}

std::vector<RocPoint> roc_curve(const Scores& scores, const Labels& labels) {
  const auto groups = detail::group_scores(scores, labels);
  long positives = 0, negatives = 0;
  for (const auto& g : groups) {
    positives += g.positives;
    negatives += g.negatives;
  }
  detail::require_both_classes(positives, negatives, "a ROC curve");
  const double p = static_cast<double>(positives), n = static_cast<double>(negatives);
  std::vector<RocPoint> points;
  points.reserve(groups.size() + 1);
  long tp = 0, fp = 0;
  for (std::size_t k = groups.size() + 1; k-- > 0;) {  // cut m (nothing flagged) down to 0
    if (k < groups.size()) {
      tp += groups[k].positives;
      fp += groups[k].negatives;
    }
    points.push_back({fp / n, tp / p, detail::cut_threshold(groups, k)});
  }
  return points;
}

std::vector<PrPoint> pr_curve(const Scores& scores, const Labels& labels) {
  const auto groups = detail::group_scores(scores, labels);
  long positives = 0, negatives = 0;
  for (const auto& g : groups) {
    positives += g.positives;
    negatives += g.negatives;
  }
  detail::require_both_classes(positives, negatives, "a PR curve");
  std::vector<PrPoint> points;
  points.reserve(groups.size() + 1);
  long tp = 0, fp = 0;
  for (std::size_t k = groups.size() + 1; k-- > 0;) {
    if (k < groups.size()) {
      tp += groups[k].positives;
      fp += groups[k].negatives;
    }
    const double precision = tp + fp == 0 ? 1.0 : ratio(tp, tp + fp);
    points.push_back({ratio(tp, positives), precision, detail::cut_threshold(groups, k)});
  }
  return points;
}

Separation separation(const Scores& scores, const Labels& labels) {
  check_scores_labels(scores, labels);
  double sum[2] = {0.0, 0.0};
  long count[2] = {0, 0};
  for (std::size_t i = 0; i < scores.size(); ++i) {
    sum[labels[i]] += scores[i];
    count[labels[i]] += 1;
  }
  detail::require_both_classes(count[1], count[0], "the loss separation");
  Separation s;
  s.normal_loss_mean = sum[0] / static_cast<double>(count[0]);
  s.anomaly_loss_mean = sum[1] / static_cast<double>(count[1]);
  s.loss_gap = s.anomaly_loss_mean - s.normal_loss_mean;
  return s;
}

}  // namespace ecglens
