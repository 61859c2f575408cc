// The simple baselines every results table shows beside the models
// (docs/PROTOCOL.md, "Baselines every results table includes"). Each one is
// fitted on the training normals and gives every beat a score, larger = more
// anomalous, so it is evaluated exactly as a model's reconstruction losses:
//   mean   ||x - m||^2, m the mean training beat;
//   pca    ||(x - m) - V V^T (x - m)||^2, V the top `components` eigenvectors
//          of the training beats' covariance (reconstruction error);
//   1nn    min_j ||x - t_j||^2 over the training beats t_j;
//   knn    the mean of the k smallest ||x - t_j||^2.
// Distances are squared Euclidean throughout, computed in double.
#pragma once

#include <string>
#include <vector>

#include <Eigen/Dense>

#include "ecglens/eval/evaluation.h"
#include "ecglens/eval/metrics.h"
#include "ecglens/train/ecg5000.h"

namespace ecglens::train {

// Beats as rows (one beat of `dims` values per row), in double.
using BeatRows = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Copies `count` beats of `dims` floats each (beat-major) into rows.
BeatRows beat_rows(const std::vector<float>& values, std::size_t count, int dims);

// Each returns one score per row of `beats`. `train` must be non-empty and
// have as many columns as `beats`; otherwise ecglens::Error.
Scores mean_beat_scores(const BeatRows& train, const BeatRows& beats);
// 1 <= components <= dims, else ecglens::Error.
Scores pca_scores(const BeatRows& train, const BeatRows& beats, int components);
// 1 <= k <= train.rows(), else ecglens::Error. k = 1 is the 1nn baseline.
Scores nearest_neighbour_scores(const BeatRows& train, const BeatRows& beats, int k);

// A baseline by name: "mean", "pca" (uses components), "1nn", "knn" (uses k).
struct BaselineSpec {
  std::string method;
  int k = 5;
  int components = 4;
  std::string label() const;  // "pca, 4 components", "knn, k=5", ...
};

// The methods `all` stands for, in table order, with the protocol's k and
// components.
std::vector<BaselineSpec> all_baselines();

// Scores `beats` with the baseline fitted on `train`; Error on an unknown method.
Scores baseline_scores(const BaselineSpec& spec, const BeatRows& train, const BeatRows& beats);

// One baseline evaluated on a split: fitted on its training beats, the
// leak-free threshold the 99th percentile of its validation beats' scores,
// the metrics on its test beats (the same evaluate() as `ecglens eval`).
struct BaselineResult {
  BaselineSpec spec;
  Scores validation_scores;
  Scores test_scores;
  Evaluation evaluation;
};

BaselineResult evaluate_baseline(const LabelledBeats& beats, const Split& split,
                                 const BaselineSpec& spec);

}  // namespace ecglens::train
