// The protocol's simple baselines: mean beat, PCA, nearest neighbours
// (see baselines.h for the equations).
#include "ecglens/train/baselines.h"

#include <algorithm>

#include <Eigen/Eigenvalues>

#include "ecglens/eval/thresholds.h"
#include "ecglens/util/error.h"

namespace ecglens::train {
namespace {

void check_shapes(const BeatRows& train, const BeatRows& beats, const char* what) {
  if (train.rows() == 0) throw Error(std::string(what) + ": no training beats");
  if (train.cols() != beats.cols())
    throw Error(std::string(what) + ": training beats have " + std::to_string(train.cols()) +
                " values, scored beats " + std::to_string(beats.cols()));
}

Scores to_scores(const Eigen::VectorXd& v) {
  Scores s(static_cast<std::size_t>(v.size()));
  for (Eigen::Index i = 0; i < v.size(); ++i)
    s[static_cast<std::size_t>(i)] = static_cast<float>(v(i));
  return s;
}

// Squared distances ||b_i - t_j||^2 = ||b_i||^2 + ||t_j||^2 - 2 b_i.t_j for a
// block of beats (rows) against every training beat (columns), clamped at 0
// against rounding.
Eigen::MatrixXd squared_distances(const BeatRows& beats, const BeatRows& train) {
  const Eigen::VectorXd bn = beats.rowwise().squaredNorm();
  const Eigen::RowVectorXd tn = train.rowwise().squaredNorm().transpose();
  Eigen::MatrixXd d = -2.0 * (beats * train.transpose());
  d.colwise() += bn;
  d.rowwise() += tn;
  return d.cwiseMax(0.0);
}

}  // namespace

BeatRows beat_rows(const std::vector<float>& values, std::size_t count, int dims) {
  if (dims <= 0 || values.size() != count * static_cast<std::size_t>(dims))
    throw Error("beat_rows: " + std::to_string(values.size()) + " values are not " +
                std::to_string(count) + " beats of " + std::to_string(dims));
  return Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
             values.data(), static_cast<Eigen::Index>(count), dims)
      .cast<double>();
}

Scores mean_beat_scores(const BeatRows& train, const BeatRows& beats) {
  check_shapes(train, beats, "mean baseline");
  const Eigen::RowVectorXd mean = train.colwise().mean();
  return to_scores((beats.rowwise() - mean).rowwise().squaredNorm());
}

Scores pca_scores(const BeatRows& train, const BeatRows& beats, int components) {
  check_shapes(train, beats, "pca baseline");
  if (components < 1 || components > train.cols())
    throw Error("pca baseline: components must be between 1 and " + std::to_string(train.cols()) +
                ", got " + std::to_string(components));
  const Eigen::RowVectorXd mean = train.colwise().mean();
  const Eigen::MatrixXd centred = train.rowwise() - mean;
  const Eigen::MatrixXd covariance =
      centred.transpose() * centred / static_cast<double>(train.rows());
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(covariance);
  if (solver.info() != Eigen::Success) throw Error("pca baseline: eigen decomposition failed");
  // Eigenvalues come in increasing order: the last columns span the top components.
  const Eigen::MatrixXd basis = solver.eigenvectors().rightCols(components);
  const Eigen::MatrixXd x = beats.rowwise() - mean;
  const Eigen::MatrixXd residual = x - (x * basis) * basis.transpose();
  return to_scores(residual.rowwise().squaredNorm());
}

Scores nearest_neighbour_scores(const BeatRows& train, const BeatRows& beats, int k) {
  check_shapes(train, beats, "nearest-neighbour baseline");
  if (k < 1 || k > train.rows())
    throw Error("nearest-neighbour baseline: k must be between 1 and " +
                std::to_string(train.rows()) + ", got " + std::to_string(k));
  Eigen::VectorXd result(beats.rows());
  constexpr Eigen::Index kBlock = 256;  // bounds the distance matrix's memory
  std::vector<double> row(static_cast<std::size_t>(train.rows()));
  for (Eigen::Index start = 0; start < beats.rows(); start += kBlock) {
    const Eigen::Index n = std::min(kBlock, beats.rows() - start);
    const Eigen::MatrixXd d = squared_distances(beats.middleRows(start, n), train);
    for (Eigen::Index i = 0; i < n; ++i) {
      for (Eigen::Index j = 0; j < d.cols(); ++j) row[static_cast<std::size_t>(j)] = d(i, j);
      std::partial_sort(row.begin(), row.begin() + k, row.end());
      double sum = 0.0;
      for (int j = 0; j < k; ++j) sum += row[static_cast<std::size_t>(j)];
      result(start + i) = sum / k;
    }
  }
  return to_scores(result);
}

std::string BaselineSpec::label() const {
  if (method == "pca") return "pca, " + std::to_string(components) + " components";
  if (method == "knn") return "knn, mean of " + std::to_string(k) + " nearest";
  if (method == "1nn") return "1nn, nearest normal";
  if (method == "mean") return "mean, distance to mean beat";
  return method;
}

std::vector<BaselineSpec> all_baselines() {
  return {{"mean"}, {"pca"}, {"1nn"}, {"knn"}};
}

Scores baseline_scores(const BaselineSpec& spec, const BeatRows& train, const BeatRows& beats) {
  if (spec.method == "mean") return mean_beat_scores(train, beats);
  if (spec.method == "pca") return pca_scores(train, beats, spec.components);
  if (spec.method == "1nn") return nearest_neighbour_scores(train, beats, 1);
  if (spec.method == "knn") return nearest_neighbour_scores(train, beats, spec.k);
  throw Error("unknown baseline '" + spec.method + "' (mean, pca, 1nn, knn)");
}

BaselineResult evaluate_baseline(const LabelledBeats& beats, const Split& split,
                                 const BaselineSpec& spec) {
  const int dims = beats.data.length * beats.data.channels;
  const BeatRows train = beat_rows(select_beats(beats.data, split.train), split.train.size(), dims);
  const BeatRows validation =
      beat_rows(select_beats(beats.data, split.validation), split.validation.size(), dims);
  const BeatRows test = beat_rows(select_beats(beats.data, split.test), split.test.size(), dims);

  BaselineResult r;
  r.spec = spec;
  r.validation_scores = baseline_scores(spec, train, validation);
  r.test_scores = baseline_scores(spec, train, test);
  const auto presets = threshold_presets(r.validation_scores);
  const ThresholdPreset& p99 = find_preset(presets, kDefaultThresholdPreset);
  Labels labels;
  labels.reserve(split.test.size());
  for (std::size_t i : split.test) labels.push_back(static_cast<std::int8_t>(beats.classes[i]));
  r.evaluation = evaluate(r.test_scores, labels, p99.value, p99.name);
  return r;
}

}  // namespace ecglens::train
