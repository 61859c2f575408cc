// Scoring metrics over a set of beats: each beat has an anomaly score (its
// reconstruction loss, say) and a label.
//
// Conventions used throughout ecglens/eval:
// - Labels: 0 = normal, 1 = anomaly. The anomaly is the positive class
//   unless a name says otherwise (f1_normal_positive).
// - A beat is flagged as an anomaly when score > threshold, strictly. A beat
//   whose score equals the threshold is called normal, so the threshold
//   itself is the highest score still called normal.
// - A ratio whose denominator is 0 (precision when nothing is flagged, say)
//   is defined as 0, as scikit-learn reports it with zero_division=0.
// - Scores are float (what the models produce); thresholds and everything
//   computed from scores are double. A score is compared with a threshold
//   after its exact conversion to double, so write a threshold meant to
//   equal a score as double(score_as_float): 0.4 is below 0.4f.
// - Inputs are checked: scores and labels of equal size, labels 0 or 1 only,
//   scores finite. A violation throws ecglens::Error naming the index.
#pragma once

#include <cstdint>
#include <vector>

namespace ecglens {

using Scores = std::vector<float>;
using Labels = std::vector<std::int8_t>;

// Throws ecglens::Error unless scores and labels have the same size, every
// label is 0 or 1 and every score is finite ("scores[12] is not finite (nan)").
void check_scores_labels(const Scores& scores, const Labels& labels);

// Counts at one threshold, anomaly = positive:
// tp = anomalies flagged, fp = normals flagged, tn = normals not flagged,
// fn = anomalies not flagged.
struct Confusion {
  long tp = 0;
  long fp = 0;
  long tn = 0;
  long fn = 0;

  long n() const { return tp + fp + tn + fn; }
  long positives() const { return tp + fn; }  // anomalies
  long negatives() const { return tn + fp; }  // normals

  double accuracy() const;     // (tp + tn) / n
  double precision() const;    // tp / (tp + fp)
  double recall() const;       // tp / (tp + fn), the anomaly detection rate
  double specificity() const;  // tn / (tn + fp), the recall of normals
  // 2 tp / (2 tp + fp + fn), the harmonic mean of precision and recall
  // written so that equal F1 values are equal doubles.
  double f1() const;
  // F1 with normal as the positive class (SRL-AE's convention): the roles of
  // tp and tn swap, 2 tn / (2 tn + fn + fp).
  double f1_normal_positive() const;

  bool operator==(const Confusion& o) const {
    return tp == o.tp && fp == o.fp && tn == o.tn && fn == o.fn;
  }
  bool operator!=(const Confusion& o) const { return !(*this == o); }
};

// The confusion when beats with score > threshold are flagged.
Confusion confusion_at(const Scores& scores, const Labels& labels, double threshold);

// Area under the ROC curve: the probability that a random anomaly scores
// higher than a random normal beat, ties counting one half (the Mann-Whitney
// U statistic over n_anomaly * n_normal). Equals scikit-learn's
// roc_auc_score. Counted in integers, so exact up to one final division.
// Throws ecglens::Error when there is no anomaly or no normal beat.
double roc_auc(const Scores& scores, const Labels& labels);

// Average precision, as scikit-learn's average_precision_score: with the
// distinct scores s_1 > s_2 > ... as cut points (tied scores flagged
// together), AP = sum_k (R_k - R_{k-1}) * P_k, where P_k and R_k are the
// precision and recall when every beat with score >= s_k is flagged and
// R_0 = 0. A step-wise sum, not the trapezoid rule.
// Throws ecglens::Error when there is no anomaly or no normal beat.
double pr_auc(const Scores& scores, const Labels& labels);

// Curves for plotting, one point per outcome, in order of decreasing
// threshold: the first point flags nothing, each next one also flags the
// beats of the next lower distinct score (tied scores enter together).
// Each point's threshold reproduces it under the strict rule, i.e.
// confusion_at(scores, labels, point.threshold) gives its rates:
//   - nothing flagged: the highest score;
//   - down to score s_k: the midpoint of s_k and the next lower distinct
//     score, computed in double (strictly between the two floats);
//   - everything flagged: the largest double below the lowest score.
// These are the cut points tuned_threshold_*() searches.
struct RocPoint {
  double fpr;  // fp / n_normal
  double tpr;  // tp / n_anomaly
  double threshold;
};
struct PrPoint {
  double recall;
  double precision;  // 1 at the first point (nothing flagged), by convention
  double threshold;
};
// Both throw ecglens::Error when there is no anomaly or no normal beat.
std::vector<RocPoint> roc_curve(const Scores& scores, const Labels& labels);
std::vector<PrPoint> pr_curve(const Scores& scores, const Labels& labels);

// How far apart the two classes score.
struct Separation {
  double normal_loss_mean;   // mean score of the normal beats ("Normal Loss Mean")
  double anomaly_loss_mean;  // mean score of the anomalous beats
  double loss_gap;           // anomaly_loss_mean - normal_loss_mean ("Loss Gap")
};
// Throws ecglens::Error when there is no anomaly or no normal beat.
Separation separation(const Scores& scores, const Labels& labels);

}  // namespace ecglens
